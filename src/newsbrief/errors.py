"""Exceptions that mean what they say; the CLI turns each into one line and an exit code."""


class NewsbriefError(Exception):
    """Base class for errors a user can act on."""


class InputError(NewsbriefError):
    """The inputs cannot be read as articles (missing path, nothing readable, unknown cluster)."""


class MissingExtraError(NewsbriefError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed; install it with: pip install 'newsbrief[{extra}]'")

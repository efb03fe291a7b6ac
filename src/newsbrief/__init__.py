"""newsbrief: many news articles about one story in, one brief a busy reader can trust out."""

import logging

from newsbrief.errors import InputError, MissingExtraError, NewsbriefError
from newsbrief.model import (
    Article,
    Brief,
    BriefSentence,
    Citation,
    ClaimGroup,
    DocDate,
    Document,
    Dropped,
    Sentence,
    Source,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Brief",
    "BriefOptions",
    "BriefSentence",
    "Citation",
    "ClaimGroup",
    "DocDate",
    "Document",
    "Dropped",
    "InputError",
    "MissingExtraError",
    "NewsbriefError",
    "Sentence",
    "Source",
    "brief",
    "timeline_of",
    "__version__",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> object:
    # The pipeline pulls in numpy and scipy; import it when first asked for, not on `import newsbrief`.
    if name in ("brief", "BriefOptions", "timeline_of"):
        from newsbrief.briefing import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'newsbrief' has no attribute {name!r}")

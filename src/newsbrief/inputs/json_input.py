"""JSON parsed within bounds: nesting depth, number size and text size are checked before `json.loads`
sees the text, so a hostile line is a one-line rejection, not a `RecursionError` or a 4,300-digit
`ValueError`."""

from __future__ import annotations

import json
import re
from typing import Any

from newsbrief.inputs.limits import MB, Limits

_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET_RE = re.compile(r"[^\[\]{}]+")


class BadJSON(ValueError):
    """A JSON text that is invalid, or over a limit (``bounded``)."""

    def __init__(self, message: str, *, bounded: bool = False) -> None:
        super().__init__(message)
        self.bounded = bounded


def nesting_depth(skeleton: str, limit: int) -> int:
    """The deepest nesting of arrays and objects (stops counting past ``limit``)."""
    depth = deepest = 0
    for bracket in _NOT_BRACKET_RE.sub("", skeleton):
        depth += 1 if bracket in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def loads(text: str, limits: Limits, *, whole: bool = False) -> Any:
    """`json.loads` of ``text`` once it is known to be within ``limits``; `BadJSON` otherwise."""
    size_limit = (limits.json_mb if whole else limits.line_mb) * MB
    if len(text) > size_limit:
        raise BadJSON(f"JSON over the limit of {size_limit // MB} MB", bounded=True)
    skeleton = _STRING_RE.sub('""', text)
    if nesting_depth(skeleton, limits.json_depth) > limits.json_depth:
        raise BadJSON(f"JSON nested deeper than {limits.json_depth} levels", bounded=True)
    if re.search(rf"\d{{{limits.json_digits + 1}}}", skeleton):
        raise BadJSON(f"a JSON number of more than {limits.json_digits} digits", bounded=True)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BadJSON(f"not valid JSON ({err.msg} at line {err.lineno} column {err.colno})") from None
    except (RecursionError, ValueError) as err:
        raise BadJSON(f"not usable JSON ({str(err)[:80]})", bounded=True) from None

"""Bounds on the work and memory one input may take; each is a setting of the config file's ``[limits]``."""

from __future__ import annotations

from dataclasses import dataclass, fields

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """What one input may cost before it is rejected and named (sizes in MB, times in seconds)."""

    file_mb: int = 5
    """A .txt or .html article file, and the HTML handed to the extractor."""
    extract_seconds: int = 20
    """HTML extraction of one page (trafilatura has no time limit of its own)."""
    record_mb: int = 5
    """The payload of one WARC record, once decompressed."""
    line_mb: int = 32
    """One line of JSON lines."""
    warc_line_mb: int = 4
    """One line of a WARC file, once decompressed (warcio's line reading slows down with the square
    of a line's length, so this stays small; an HTML page on one longer line stops the file)."""
    header_lines: int = 10_000
    """Lines of one WARC header block."""
    expansion: int = 200
    """How many times larger than the compressed bytes a .warc.gz may expand (past its first 64 MB)."""
    json_mb: int = 64
    """A whole .json document (larger files are read as JSON lines)."""
    json_depth: int = 64
    """Nesting of arrays and objects in one JSON record."""
    json_digits: int = 100
    """Digits of one JSON number."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

"""WARC files from news crawls (e.g. Common Crawl's CC-NEWS): HTML responses become articles.

Reading is by warcio over a stream this module decompresses itself, so that every byte passes through
the limits (`newsbrief.inputs.limits.Limits`): a line or a header block over its cap, or a
``.warc.gz`` that expands far beyond its compressed size (a gzip bomb), stops the file with a warning
that names it and says how many records were read first; so does a file cut short. Each ``response``
record with an HTML payload goes through the extractor with the record's target URI. When the page
declares no publication date, the record's ``WARC-Date`` (when it was crawled) stands in for it.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from newsbrief.inputs.extract import Extractor
from newsbrief.inputs.limits import MB, Limits
from newsbrief.inputs.readers import (
    NotText,
    ReadOptions,
    ReadResult,
    decode,
    extract_article,
    rejected,
    skipped,
)
from newsbrief.model import Article

BOMB_FLOOR = 64 * MB
"""The expansion ratio is checked once this much has been decompressed (small files may compress well)."""


class OverLimit(Exception):
    """The decompressed stream went over one of the limits."""


class CutShort(Exception):
    """The file ends inside a record (warcio itself would take that for the end of the file)."""


class BoundedStream(io.RawIOBase):
    """The (decompressed) bytes of a WARC file, checked as they are read: line length, header-block
    length in lines, and expansion over the compressed size."""

    def __init__(self, raw: IO[bytes], limits: Limits) -> None:
        self.raw = raw
        self.compressed = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        self.source: Any = gzip.GzipFile(fileobj=raw) if self.compressed else raw
        self.limits = limits
        self.expanded = 0
        self.line = 0
        self.lines = 0
        self.last = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self.source.read1(len(buffer)) if self.compressed else self.source.read(len(buffer))
        except EOFError as err:
            raise CutShort(str(err)) from None
        buffer[: len(data)] = data
        self._check(data)
        return len(data)

    def _check(self, data: bytes) -> None:
        limits = self.limits
        self.expanded += len(data)
        if self.compressed and self.expanded > BOMB_FLOOR and self.expanded > limits.expansion * self.raw.tell():
            raise OverLimit(f"expands more than {limits.expansion} times its compressed size (a gzip bomb?)")
        end = data.rfind(b"\n")
        self.line = self.line + len(data) if end < 0 else len(data) - end - 1
        if self.line > limits.warc_line_mb * MB:
            raise OverLimit(f"a line over the limit of {limits.warc_line_mb} MB")
        joined = self.last + data
        blank = max(joined.rfind(b"\n\r\n"), joined.rfind(b"\n\n"))
        if blank < 0:
            self.lines += data.count(b"\n")
        else:
            self.lines = joined.count(b"\n", blank + 2)
        self.last = data[-2:]
        most = max(limits.header_lines, limits.record_mb * MB // 80)
        if self.lines > most:
            raise OverLimit(f"a header block or record of more than {most:,} lines")


def _records(archive: Iterator[Any]) -> Iterator[Any]:
    """warcio's records; its own failures on a malformed record (an ``AttributeError`` for a response
    without a target URI, a ``ValueError`` for a bad length) become `CutShort`."""
    while True:
        try:
            record = next(archive)
        except StopIteration:
            return
        except (AttributeError, ValueError, TypeError, IndexError, KeyError) as err:
            raise CutShort(f"a malformed WARC record ({type(err).__name__}: {str(err)[:80]})") from None
        yield record


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _record_article(
    record: Any, path: Path, number: int, options: ReadOptions, warnings: list[str]
) -> Article | None:
    """The article of one HTML response record (None for other records, or with a warning naming it)."""
    limits = options.limits
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode()
    content_type = record.http_headers.get_header("Content-Type") or ""
    if status != "200" or "html" not in content_type.lower():
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI")
    label = f"{path} record {number} ({uri})"
    payload = record.content_stream().read(limits.record_mb * MB + 1)
    if len(payload) > limits.record_mb * MB:
        warnings.append(rejected(label, f"a payload over the limit of {limits.record_mb} MB"))
        return None
    if getattr(record.raw_stream, "limit", 0) > 0:
        raise CutShort(f"{label} has {record.raw_stream.limit:,} bytes fewer than it declares")
    charset = _charset(content_type)
    try:
        try:
            html = payload.decode(charset) if charset else decode(payload, label, warnings)
        except (LookupError, UnicodeDecodeError):
            html = decode(payload, label, warnings)
    except NotText as err:
        warnings.append(rejected(label, str(err)))
        return None
    article = extract_article(html, label, options, warnings, url=uri)
    if article is None:
        return None
    return Article(
        text=article.text,
        title=article.title,
        url=article.url or uri,
        source=article.source,
        published=article.published or record.rec_headers.get_header("WARC-Date"),
        author=article.author,
        path=str(path),
    )


def iter_warc(path: Path, warnings: list[str], options: ReadOptions | None = None) -> Iterator[Article]:
    """Articles from the HTML responses of a WARC file; every rejected record is named, and a file that
    stops early says after how many whole records."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    if options is None or options.extractor is None:
        with Extractor((options or ReadOptions()).limits) as extractor:
            base = options or ReadOptions()
            yield from iter_warc(path, warnings, ReadOptions(base.cluster, base.limits, extractor))
        return
    records = 0
    before = len(warnings)
    try:
        with path.open("rb") as raw:
            head = raw.read(8)
            raw.seek(0)
            if not (head.startswith((b"WARC/", b"\x1f\x8b")) or head[:1].isdigit()):
                warnings.append(rejected(path, "not a WARC file (it does not start with a WARC record)"))
                return
            stream = BoundedStream(raw, options.limits)
            archive = ArchiveIterator(stream, arc2warc=True)
            record = None
            for record in _records(iter(archive)):
                article = _record_article(record, path, records + 1, options, warnings)
                records += 1
                if article is not None:
                    yield article
            if record is not None:
                while record.raw_stream.read(MB):
                    pass
                if getattr(record.raw_stream, "limit", 0) > 0:
                    records -= 1
                    raise CutShort(f"record {records + 1} has {record.raw_stream.limit:,} bytes fewer than it declares")
            if not stream.compressed:
                raw.seek(archive.offset)
                if raw.read(64).strip():
                    raise CutShort(f"a partial record follows record {records}")
    except OverLimit as err:
        warnings.append(rejected(f"the rest of {path}", f"{err}, after {records} records"))
    except (CutShort, gzip.BadGzipFile, zlib.error) as err:
        warnings.append(
            rejected(f"the rest of {path}", f"the file is cut short or damaged after {records} records ({err})")
        )
    except ArchiveLoadFailed as err:
        warnings.append(
            rejected(
                f"the rest of {path}",
                f"not a readable WARC record after {records} records ({str(err).strip()[:120]})",
            )
        )
    except OSError as err:
        warnings.append(rejected(f"the rest of {path}", f"{err.strerror or err}, after {records} records"))
    if records == 0 and len(warnings) == before:
        warnings.append(skipped(path, "no WARC records"))


def read_warc(path: Path, options: ReadOptions) -> ReadResult:
    """A reader for `newsbrief.readers.READERS`: every article of a WARC file."""
    result = ReadResult()
    result.articles.extend(iter_warc(path, result.warnings, options))
    return result

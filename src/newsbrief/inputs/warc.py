"""WARC files from news crawls (e.g. Common Crawl's CC-NEWS): HTML responses become articles.

Reading is by warcio; each ``response`` record with an HTML payload goes through
`newsbrief.readers.html_article` with the record's target URI. When the page declares no
publication date, the record's ``WARC-Date`` (when it was crawled) stands in for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsbrief.inputs.readers import ReadOptions, ReadResult, decode, html_article
from newsbrief.model import Article

MAX_RECORD_BYTES = 5_000_000


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def iter_warc(path: Path, warnings: list[str]) -> Iterator[Article]:
    """Articles from the HTML responses of a WARC file; skipped records are counted in a warning."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    skipped = 0
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
            stream.seek(0)
            if not (head.startswith((b"WARC/", b"\x1f\x8b")) or head[:1].isdigit()):
                warnings.append(f"skipped {path}: not a WARC file (it does not start with a WARC record)")
                return
            for record in ArchiveIterator(stream, arc2warc=True):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                status = record.http_headers.get_statuscode()
                content_type = record.http_headers.get_header("Content-Type") or ""
                if status != "200" or "html" not in content_type.lower():
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI")
                crawled = record.rec_headers.get_header("WARC-Date")
                payload = record.content_stream().read(MAX_RECORD_BYTES + 1)
                if len(payload) > MAX_RECORD_BYTES:
                    skipped += 1
                    continue
                label = f"{path} record {uri}"
                charset = _charset(content_type)
                try:
                    html = payload.decode(charset) if charset else decode(payload, label, warnings)
                except (LookupError, UnicodeDecodeError):
                    html = decode(payload, label, warnings)
                article = html_article(html, url=uri)
                if article is None:
                    skipped += 1
                    continue
                yield Article(
                    text=article.text,
                    title=article.title,
                    url=article.url or uri,
                    source=article.source,
                    published=article.published or crawled,
                    author=article.author,
                    path=str(path),
                )
    except ArchiveLoadFailed as err:
        warnings.append(f"skipped the rest of {path}: not a readable WARC file ({str(err).strip()[:120]})")
    except OSError as err:
        warnings.append(f"skipped the rest of {path}: {err.strerror or err}")
    if skipped:
        warnings.append(f"{path}: skipped {skipped} HTML records with no article text (or too large)")


def read_warc(path: Path, options: ReadOptions) -> ReadResult:
    """A reader for `newsbrief.readers.READERS`: every article of a WARC file."""
    result = ReadResult()
    result.articles.extend(iter_warc(path, result.warnings))
    return result

"""Readers: files, folders and standard input in, `Article`s and warnings out.

One reader per format, chosen by file ending through `READERS`. A reader never raises for bad
content: it returns what it could read and a warning that names what it skipped.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from newsbrief.errors import InputError
from newsbrief.model import Article

MAX_FILE_BYTES = 5_000_000
"""A single .txt/.html article larger than this is not an article; skip it with a warning."""
MAX_ARTICLE_CHARS = 1_000_000


@dataclass
class ReadResult:
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.articles.extend(other.articles)
        self.warnings.extend(other.warnings)


def decode(data: bytes, label: str, warnings: list[str]) -> str:
    """Decode bytes as UTF-8; fall back to the detected encoding with a warning."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "utf-8"):
        warnings.append(f"{label}: not valid UTF-8; read as {best.encoding}")
        return str(best)
    warnings.append(f"{label}: not valid UTF-8; undecodable bytes replaced")
    return data.decode("utf-8", errors="replace")


def _read_bytes(path: Path, result: ReadResult, limit: int | None = MAX_FILE_BYTES) -> bytes | None:
    label = str(path)
    try:
        size = path.stat().st_size
        if size == 0:
            result.warnings.append(f"skipped {label}: empty file")
            return None
        if limit is not None and size > limit:
            result.warnings.append(
                f"skipped {label}: {size / 1e6:.1f} MB is too large for one article (limit {limit / 1e6:.0f} MB)"
            )
            return None
        return path.read_bytes()
    except OSError as err:
        result.warnings.append(f"skipped {label}: {err.strerror or err}")
        return None


def _article_text(text: str, label: str, warnings: list[str]) -> str | None:
    if not text.strip():
        warnings.append(f"skipped {label}: no text")
        return None
    if len(text) > MAX_ARTICLE_CHARS:
        warnings.append(f"{label}: text cut to the first {MAX_ARTICLE_CHARS:,} characters")
        return text[:MAX_ARTICLE_CHARS]
    return text


_HTML_TAG_RE = re.compile(
    r"<(?:!doctype\s+html|/?(?:html|head|body|meta|title|nav|header|footer|main|article|section|div|p|span|a|ul|li"
    r"|h[1-6]|script|style|br)\b)",
    re.IGNORECASE,
)
HTML_MIN_TAGS = 5
"""Markup tags in a text's first 5,000 characters above which it is a raw web page, not article text."""


def looks_like_html(text: str) -> bool:
    """Whether a text that came as plain text (a JSON line's text, a .txt file) is a raw HTML page."""
    head = text[:5000]
    return "</" in head and len(_HTML_TAG_RE.findall(head)) >= HTML_MIN_TAGS


def _html_as_text(article: Article, label: str, warnings: list[str]) -> Article | None:
    """An article whose text is a raw web page, extracted by trafilatura; what the caller knew (title,
    date, URL, source) wins over what the page says. None (and a warning) when the page holds no article."""
    page = html_article(article.text, path=article.path, url=article.url)
    if page is None:
        warnings.append(f"skipped {label}: no article text found in the HTML")
        return None
    return replace(
        page,
        title=article.title or page.title,
        url=article.url or page.url,
        source=article.source or page.source,
        published=article.published or page.published,
        author=article.author or page.author,
        path=article.path,
        id=article.id,
    )


def read_txt(path: Path, options: ReadOptions) -> ReadResult:
    result = ReadResult()
    data = _read_bytes(path, result)
    if data is not None:
        text = _article_text(decode(data, str(path), result.warnings), str(path), result.warnings)
        if text is not None:
            article: Article | None = Article(text=text, path=str(path))
            if looks_like_html(text):
                article = _html_as_text(Article(text=text, path=str(path)), str(path), result.warnings)
            if article is not None:
                result.articles.append(article)
    return result


def read_html(path: Path, options: ReadOptions) -> ReadResult:
    result = ReadResult()
    data = _read_bytes(path, result)
    if data is None:
        return result
    article = html_article(decode(data, str(path), result.warnings), path=str(path))
    if article is None:
        result.warnings.append(f"skipped {path}: no article text found in the HTML")
    else:
        result.articles.append(article)
    return result


def html_article(html: str, *, path: str | None = None, url: str | None = None) -> Article | None:
    """Main text and metadata of a web page, by trafilatura; None when the page has no article."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # The declared publication date only (meta tags, JSON-LD, URL): no guess from years in the body.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    extracted: dict[str, Any] = document.as_dict() if document is not None else {}  # type: ignore[union-attr]
    if not (extracted.get("text") or "").strip():
        return None
    return Article(
        text=extracted["text"],
        title=extracted.get("title") or None,
        url=extracted.get("url") or url,
        source=extracted.get("sitename") or extracted.get("hostname") or None,
        published=extracted.get("date") or None,
        author=extracted.get("author") or None,
        path=path,
    )


def _article_from_record(record: Any, label: str, warnings: list[str]) -> Article | None:
    if not isinstance(record, dict):
        warnings.append(f"skipped {label}: expected a JSON object with 'text'")
        return None
    raw = record.get("text")
    if not isinstance(raw, str):
        warnings.append(f"skipped {label}: no 'text' string")
        return None
    text = _article_text(raw, label, warnings)
    if text is None:
        return None

    def opt(key: str) -> str | None:
        value = record.get(key)
        return str(value) if value not in (None, "") else None

    article = Article(
        text=text,
        title=opt("title"),
        url=opt("url"),
        source=opt("source"),
        published=opt("published") or opt("date"),
        author=opt("author"),
        path=label,
        id=opt("id"),
    )
    return _html_as_text(article, label, warnings) if looks_like_html(text) else article


def _cluster_articles(record: dict[str, Any], label: str, warnings: list[str]) -> list[Article]:
    """The articles of a dataset row (Multi-News ``documents`` or WCEP ``articles``)."""
    items = record.get("documents", record.get("articles"))
    out: list[Article] = []
    for i, item in enumerate(items or []):
        item_label = f"{label} document {i + 1}"
        record_i = {"text": item} if isinstance(item, str) else item
        article = _article_from_record(record_i, item_label, warnings)
        if article is not None:
            out.append(article)
    return out


def read_records(records: Iterable[tuple[str, Any]], label: str, options: ReadOptions) -> ReadResult:
    """Articles from parsed JSON records: one article each, or dataset rows holding a whole cluster."""
    result = ReadResult()
    clusters: dict[str, list[Article]] = {}
    for record_label, record in records:
        if isinstance(record, dict) and ("documents" in record or "articles" in record):
            cluster_id = str(record.get("id", record_label))
            clusters[cluster_id] = _cluster_articles(record, record_label, result.warnings)
            continue
        article = _article_from_record(record, record_label, result.warnings)
        if article is not None:
            result.articles.append(article)
    if clusters:
        result.articles.extend(_pick_cluster(clusters, label, options.cluster))
    return result


def parse_json_lines(lines: Iterable[str], label: str, warnings: list[str]) -> Iterator[tuple[str, Any]]:
    """``(label, record)`` for each JSON line; a broken line becomes a warning that names it."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield f"{label} line {number}", json.loads(line)
        except json.JSONDecodeError as err:
            warnings.append(f"skipped {label} line {number}: not valid JSON ({err.msg})")


def json_records(path: Path, warnings: list[str]) -> Iterator[tuple[str, Any]]:
    """``(label, record)`` for each object of a .json file (an object or an array), or each line of
    a JSON-lines file, streamed line by line so that a large file is never held whole."""
    if path.suffix.lower() == ".json":
        try:
            document = json.loads(path.read_text(encoding="utf-8", errors="replace"))
        except json.JSONDecodeError:
            document = None
        if document is not None:
            for i, record in enumerate(document if isinstance(document, list) else [document], start=1):
                yield f"{path} item {i}", record
            return
    with path.open(encoding="utf-8", errors="replace") as lines:
        yield from parse_json_lines(lines, str(path), warnings)


def read_json_lines(lines: Iterable[str], label: str, options: ReadOptions) -> ReadResult:
    """Articles from JSON lines (standard input); a broken line is skipped with a warning."""
    warnings: list[str] = []
    result = read_records(parse_json_lines(lines, label, warnings), label, options)
    result.warnings[:0] = warnings
    return result


def _pick_cluster(clusters: dict[str, list[Article]], label: str, wanted: str | None) -> list[Article]:
    if wanted is not None:
        if wanted not in clusters:
            some = ", ".join(list(clusters)[:3])
            raise InputError(f"{label} has no cluster with id {wanted!r} (ids look like: {some})")
        return clusters[wanted]
    if len(clusters) == 1:
        return next(iter(clusters.values()))
    first = next(iter(clusters))
    raise InputError(
        f"{label} holds {len(clusters)} clusters; choose one with --cluster (for example --cluster {first})"
    )


def read_jsonl(path: Path, options: ReadOptions) -> ReadResult:
    """A .jsonl file, or a .json file holding one object, an array of objects, or JSON lines."""
    result = ReadResult()
    warnings: list[str] = []
    try:
        if path.stat().st_size == 0:
            result.warnings.append(f"skipped {path}: empty file")
            return result
        result.extend(read_records(json_records(path, warnings), str(path), options))
    except OSError as err:
        warnings.append(f"skipped {path}: {err.strerror or err}")
    result.warnings[:0] = warnings
    return result


@dataclass(frozen=True)
class ReadOptions:
    cluster: str | None = None


Reader = Callable[[Path, ReadOptions], ReadResult]

READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".json": read_jsonl,
}


def read_warc_file(path: Path, options: ReadOptions) -> ReadResult:
    """Every HTML page of a WARC file from a news crawl (warcio; imported only when needed)."""
    from newsbrief.inputs.warc import read_warc

    return read_warc(path, options)


WARC_ENDINGS = (".warc", ".warc.gz", ".arc", ".arc.gz")


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_ENDINGS)


def reader_for(path: Path) -> Reader | None:
    """The reader for a file, by its ending (``.warc.gz`` included)."""
    if is_warc(path):
        return read_warc_file
    return READERS.get(path.suffix.lower())


def files_under(path: Path) -> list[Path]:
    """A file, or every file under a folder (recursively, hidden ones left out); InputError if missing."""
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    if not path.is_dir():
        return [path]
    return [
        child
        for child in sorted(path.rglob("*"))
        if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts)
    ]


def unsupported(file: Path) -> str:
    """The warning for a file of a type newsbrief does not read."""
    return (
        f"skipped {file}: not a supported file type ({file.suffix or 'no extension'}); "
        f"newsbrief reads {', '.join(sorted(set(READERS) | set(WARC_ENDINGS)))}"
    )


def read_inputs(inputs: Sequence[str | Path | Article], options: ReadOptions | None = None) -> ReadResult:
    """Read paths (files, folders recursively, ``-`` for JSON lines on stdin) and `Article`s.

    Raises `InputError` for a path that does not exist; unreadable or unsupported files are
    skipped with a warning that names them.
    """
    options = options or ReadOptions()
    result = ReadResult()
    for item in inputs:
        if isinstance(item, Article):
            result.articles.append(item)
            continue
        if str(item) == "-":
            result.extend(read_json_lines(sys.stdin, "<stdin>", options))
            continue
        path = Path(item)
        files = files_under(path)
        if path.is_dir() and not files:
            result.warnings.append(f"{path}: folder is empty")
        for file in files:
            reader = reader_for(file)
            if reader is None:
                result.warnings.append(unsupported(file))
                continue
            result.extend(reader(file, options))
    return result

"""Readers: files, folders and standard input in, `Article`s and warnings out.

One reader per format, chosen by file ending through `READERS`. A reader never raises for bad
content: it returns what it could read and a warning that names what it skipped.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Protocol

from newsbrief.errors import InputError
from newsbrief.inputs.extract import ExtractionError, Extractor
from newsbrief.inputs.json_input import BadJSON, loads
from newsbrief.inputs.limits import MB, Limits
from newsbrief.model import Article

MAX_ARTICLE_CHARS = 1_000_000

SKIPPED = "skipped "
REJECTED = "rejected "
"""Warnings that account for an input start with one of these: skipped (nothing to read there, e.g. an
empty file or an unsupported type) or rejected (could not be read: broken, binary, over a limit)."""


def skipped(label: object, reason: str) -> str:
    return f"{SKIPPED}{label}: {reason}"


def rejected(label: object, reason: str) -> str:
    return f"{REJECTED}{label}: {reason}"


def count_rejected(warnings: Iterable[str]) -> int:
    """How many inputs the warnings say were rejected."""
    return sum(1 for w in warnings if w.startswith(REJECTED))


@dataclass
class ReadResult:
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: ReadResult) -> None:
        self.articles.extend(other.articles)
        self.warnings.extend(other.warnings)


_CONTROL_BYTES = bytes(c for c in range(32) if c not in (9, 10, 12, 13)) + b"\x7f"
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\x80-\x9f]")
BINARY_SHARE = 0.01
"""Text where more than this share of characters are control characters is binary, not an article."""


class NotText(ValueError):
    """Bytes that do not decode to text (a PNG named .txt, UTF-16 that cannot be told apart)."""


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text that has no byte-order mark: the NUL bytes of ASCII sit on every other byte."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if half < 8:
        return None
    for nuls, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls > 0.3 * half and other < 0.02 * half:
            try:
                return data[: len(data) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def decode(data: bytes, label: str, warnings: list[str]) -> str:
    """Decode bytes as UTF-8; fall back to UTF-16 or the detected encoding with a warning; `NotText` when
    the bytes are binary."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _utf16_without_bom(data)
        if text is None:
            raise NotText("binary data, not text")
        warnings.append(f"{label}: read as UTF-16 without a byte-order mark")
        return text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        warnings.append(f"{label}: read as UTF-16")
        return data.decode("utf-16", errors="replace")
    if sum(data[:4096].count(c) for c in _CONTROL_BYTES) > BINARY_SHARE * min(len(data), 4096):
        raise NotText("binary data, not text")
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding not in ("utf_8", "utf-8"):
        warnings.append(f"{label}: not valid UTF-8; read as {best.encoding}")
        return str(best)
    warnings.append(f"{label}: not valid UTF-8; undecodable bytes replaced")
    return data.decode("utf-8", errors="replace")


def _read_bytes(path: Path, result: ReadResult, limit: int) -> bytes | None:
    """The bytes of a file of at most ``limit`` bytes (read no further, whatever the file claims)."""
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as err:
        result.warnings.append(rejected(path, f"cannot read it ({err.strerror or err})"))
        return None
    if not data:
        result.warnings.append(skipped(path, "empty file"))
        return None
    if len(data) > limit:
        result.warnings.append(
            rejected(path, f"too large for one article (over the limit of {limit / MB:.0f} MB)")
        )
        return None
    return data


def _decoded(data: bytes, label: str, result: ReadResult) -> str | None:
    try:
        return decode(data, label, result.warnings)
    except NotText as err:
        result.warnings.append(rejected(label, str(err)))
        return None


def _article_text(text: str, label: str, warnings: list[str]) -> str | None:
    """The text of an article, or None with a warning: empty, binary, or with stray control characters
    (removed) or lone surrogates (replaced)."""
    if not text.strip():
        warnings.append(skipped(label, "no text"))
        return None
    if len(text) > MAX_ARTICLE_CHARS:
        warnings.append(f"{label}: text cut to the first {MAX_ARTICLE_CHARS:,} characters")
        text = text[:MAX_ARTICLE_CHARS]
    controls = len(_CONTROL_RE.findall(text))
    if controls > BINARY_SHARE * len(text):
        warnings.append(rejected(label, f"binary data, not text ({controls:,} control characters)"))
        return None
    if controls:
        warnings.append(f"{label}: {controls} control characters removed from the text")
        text = _CONTROL_RE.sub("", text)
    return _no_surrogates(text, label, "text", warnings)


_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _no_surrogates(text: str, label: str, name: str, warnings: list[str]) -> str:
    """Lone surrogates (JSON escapes such as ``\\ud800`` that stand for no character) become U+FFFD."""
    if _SURROGATE_RE.search(text) is None:
        return text
    warnings.append(f"{label}: lone surrogate escapes in {name!r} replaced with U+FFFD")
    return _SURROGATE_RE.sub("\ufffd", text)


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


def _html_as_text(article: Article, label: str, options: ReadOptions, warnings: list[str]) -> Article | None:
    """An article whose text is a raw web page, extracted by trafilatura; what the caller knew (title,
    date, URL, source) wins over what the page says. None (and a warning) when the page holds no article."""
    page = extract_article(article.text, label, options, warnings, path=article.path, url=article.url)
    if page is None:
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
    data = _read_bytes(path, result, options.limits.file_mb * MB)
    text = _decoded(data, str(path), result) if data is not None else None
    if text is not None:
        article_text = _article_text(text, str(path), result.warnings)
        if article_text is not None:
            article: Article | None = Article(text=article_text, path=str(path))
            if looks_like_html(article_text):
                article = _html_as_text(Article(text=article_text, path=str(path)), str(path), options, result.warnings)
            if article is not None:
                result.articles.append(article)
    return result


def read_html(path: Path, options: ReadOptions) -> ReadResult:
    result = ReadResult()
    data = _read_bytes(path, result, options.limits.file_mb * MB)
    html = _decoded(data, str(path), result) if data is not None else None
    if html is None:
        return result
    article = extract_article(html, str(path), options, result.warnings, path=str(path))
    if article is not None:
        result.articles.append(article)
    return result


def extract_article(
    html: str, label: str, options: ReadOptions, warnings: list[str], *, path: str | None = None,
    url: str | None = None,
) -> Article | None:
    """The article of a page through the options' extractor (a worker process with a time limit);
    a page with no article is skipped, one the extractor cannot handle is rejected, each named."""
    try:
        if options.extractor is not None:
            article = options.extractor.article(html, url=url, path=path)
        else:
            with Extractor(options.limits) as extractor:
                article = extractor.article(html, url=url, path=path)
    except ExtractionError as err:
        warnings.append(rejected(label, str(err)))
        return None
    if article is None:
        warnings.append(skipped(label, "no article text found in the HTML"))
        return None
    text = _article_text(article.text, label, warnings)
    return None if text is None else Article(**{**article.__dict__, "text": text})


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


def json_type(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    names = {bool: "true/false", int: "a number", float: "a number", str: "a string", list: "an array",
             dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _article_from_record(record: Any, label: str, options: ReadOptions, warnings: list[str]) -> Article | None:
    if not isinstance(record, dict):
        warnings.append(rejected(label, f"expected a JSON object with 'text', not {json_type(record)}"))
        return None
    raw = record.get("text")
    if not isinstance(raw, str):
        reason = "no 'text' string" if raw is None else f"'text' is {json_type(raw)}, not a string"
        warnings.append(rejected(label, reason))
        return None
    text = _article_text(raw, label, warnings)
    if text is None:
        return None

    def opt(key: str) -> str | None:
        value = record.get(key)
        if value in (None, ""):
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            warnings.append(f"{label}: {key!r} is {json_type(value)}, not text; left out")
            return None
        return _no_surrogates(" ".join(str(value).split()), label, key, warnings)

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
    return _html_as_text(article, label, options, warnings) if looks_like_html(text) else article


def _cluster_articles(
    record: dict[str, Any], label: str, options: ReadOptions, warnings: list[str]
) -> list[Article]:
    """The articles of a dataset row (Multi-News ``documents`` or WCEP ``articles``)."""
    key = "documents" if "documents" in record else "articles"
    items = record[key]
    if not isinstance(items, list):
        warnings.append(rejected(label, f"{key!r} is {json_type(items)}, not a list of articles"))
        return []
    out: list[Article] = []
    for i, item in enumerate(items):
        item_label = f"{label} document {i + 1}"
        record_i = {"text": item} if isinstance(item, str) else item
        article = _article_from_record(record_i, item_label, options, warnings)
        if article is not None:
            out.append(article)
    return out


def read_records(records: Iterable[tuple[str, Any]], label: str, options: ReadOptions) -> ReadResult:
    """Articles from parsed JSON records: one article each, or dataset rows holding a whole cluster."""
    result = ReadResult()
    clusters: dict[str, list[Article]] = {}
    for record_label, record in records:
        if isinstance(record, dict) and ("documents" in record or "articles" in record):
            cluster_id = str(record.get("id", record_label))[:200]
            if options.cluster is not None and cluster_id != options.cluster:
                clusters[cluster_id] = []  # not the cluster asked for: not read, so no warnings of its own
                continue
            clusters[cluster_id] = _cluster_articles(record, record_label, options, result.warnings)
            continue
        article = _article_from_record(record, record_label, options, result.warnings)
        if article is not None:
            result.articles.append(article)
    if clusters:
        result.articles.extend(_pick_cluster(clusters, label, options.cluster))
    return result


class LineStream(Protocol):
    """What `bounded_lines` reads: a text stream's ``readline(limit)``."""

    def readline(self, limit: int = -1, /) -> str: ...


def bounded_lines(stream: LineStream, limit: int) -> Iterator[tuple[int, str | None]]:
    """``(number, line)`` for each line, read at most ``limit`` characters at a time; a longer line comes
    as ``(number, None)`` and is read through without being held."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) <= limit or line.endswith("\n"):
            yield number, line
            continue
        while line and not line.endswith("\n"):
            line = stream.readline(MB)
        yield number, None


def parse_json_lines(
    lines: LineStream, label: str, warnings: list[str], limits: Limits | None = None
) -> Iterator[tuple[str, Any]]:
    """``(label, record)`` for each JSON line; a broken or oversized line becomes a warning naming it."""
    limits = limits or Limits()
    for number, line in bounded_lines(lines, limits.line_mb * MB):
        line_label = f"{label} line {number}"
        if line is None:
            warnings.append(rejected(line_label, f"a line over the limit of {limits.line_mb} MB"))
            continue
        if not line.strip():
            continue
        try:
            yield line_label, loads(line, limits)
        except BadJSON as err:
            warnings.append(rejected(line_label, str(err)))


def json_records(path: Path, warnings: list[str], limits: Limits | None = None) -> Iterator[tuple[str, Any]]:
    """``(label, record)`` for each object of a .json file (an object or an array), or each line of
    a JSON-lines file, streamed line by line so that a large file is never held whole."""
    limits = limits or Limits()
    if path.suffix.lower() == ".json" and path.stat().st_size <= limits.json_mb * MB:
        try:
            document = loads(path.read_text(encoding="utf-8", errors="replace"), limits, whole=True)
        except BadJSON as err:
            document = None
            if err.bounded:
                warnings.append(rejected(path, str(err)))
                return
        if document is not None:
            for i, record in enumerate(document if isinstance(document, list) else [document], start=1):
                yield f"{path} item {i}", record
            return
    with path.open(encoding="utf-8", errors="replace") as lines:
        yield from parse_json_lines(lines, str(path), warnings, limits)


def read_json_lines(lines: IO[str], label: str, options: ReadOptions) -> ReadResult:
    """Articles from JSON lines (standard input); a broken line is rejected with a warning."""
    warnings: list[str] = []
    result = read_records(parse_json_lines(lines, label, warnings, options.limits), label, options)
    result.warnings[:0] = warnings
    return result


def stdin_lines() -> IO[str]:
    """Standard input as text (undecodable bytes replaced); InputError when it is closed."""
    if sys.stdin is None:
        raise InputError("standard input is closed (nothing to read for -)")
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace")


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
            result.warnings.append(skipped(path, "empty file"))
            return result
        result.extend(read_records(json_records(path, warnings, options.limits), str(path), options))
    except OSError as err:
        warnings.append(rejected(path, f"cannot read it ({err.strerror or err})"))
    result.warnings[:0] = warnings
    return result


@dataclass(frozen=True)
class ReadOptions:
    cluster: str | None = None
    limits: Limits = field(default_factory=Limits)
    extractor: Extractor | None = None
    """The worker that extracts HTML; without one, each page starts its own."""


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


def files_under(path: Path, warnings: list[str] | None = None) -> list[Path]:
    """A file, or every file under a folder (recursively, following links, hidden ones left out);
    InputError if missing. Folders that cannot be read, broken links and links that loop back are
    named in ``warnings``."""
    warnings = [] if warnings is None else warnings
    if not path.exists():
        if path.is_symlink():
            raise InputError(f"{path} is a broken link")
        raise InputError(f"no such file or folder: {path}")
    if not path.is_dir():
        return [path]
    if not os.access(path, os.R_OK | os.X_OK):
        warnings.append(rejected(path, "cannot read the folder (permission denied)"))
        return []
    files: list[Path] = []
    seen = {os.path.realpath(path)}

    def walk_error(err: OSError) -> None:
        warnings.append(rejected(err.filename, f"cannot read the folder ({err.strerror or err})"))

    for folder, subfolders, names in os.walk(path, onerror=walk_error, followlinks=True):
        kept = []
        for name in sorted(subfolders):
            if name.startswith("."):
                continue
            real = os.path.realpath(os.path.join(folder, name))
            if real in seen:
                warnings.append(skipped(Path(folder, name), "a link that loops back to a folder already read"))
                continue
            seen.add(real)
            kept.append(name)
        subfolders[:] = kept
        for name in sorted(names):
            file = Path(folder, name)
            if name.startswith("."):
                continue
            if file.is_symlink() and not file.exists():
                warnings.append(rejected(file, "a broken link"))
            elif file.is_file():
                files.append(file)
            else:
                warnings.append(skipped(file, "not a regular file"))
    return sorted(files)


def unsupported(file: Path) -> str:
    """The warning for a file of a type newsbrief does not read."""
    return skipped(
        file,
        f"not a supported file type ({file.suffix or 'no extension'}); "
        f"newsbrief reads {', '.join(sorted(set(READERS) | set(WARC_ENDINGS)))}",
    )


def read_inputs(inputs: Sequence[str | Path | Article], options: ReadOptions | None = None) -> ReadResult:
    """Read paths (files, folders recursively, ``-`` for JSON lines on stdin) and `Article`s.

    Raises `InputError` for a path that does not exist; unreadable or unsupported files are
    skipped with a warning that names them.
    """
    options = options or ReadOptions()
    result = ReadResult()
    with Extractor(options.limits) as extractor:
        options = ReadOptions(options.cluster, options.limits, options.extractor or extractor)
        for item in inputs:
            if isinstance(item, Article):
                result.articles.append(item)
                continue
            if str(item) == "-":
                result.extend(read_json_lines(stdin_lines(), "<stdin>", options))
                continue
            path = Path(item)
            files = files_under(path, result.warnings)
            if path.is_dir() and not files and os.access(path, os.R_OK | os.X_OK):
                result.warnings.append(f"{path}: folder is empty")
            for file in files:
                reader = reader_for(file)
                if reader is None:
                    result.warnings.append(unsupported(file))
                    continue
                result.extend(reader(file, options))
    return result

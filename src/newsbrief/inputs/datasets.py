"""Loaders for multi-document summarization data: Multi-News and WCEP JSON lines, DUC folders.

Every loader returns ``(clusters, warnings)``: a bad line or an unreadable file becomes a
warning that names it, never a traceback.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsbrief.model import Article

MULTINEWS_SEPARATOR = "|||||"
REFERENCE_DIRS = ("summaries", "references", "models", "refs")
_TAG_RE = re.compile(r"<[^>]+>")
_TEXT_RE = re.compile(r"<TEXT>(.*?)</TEXT>", re.IGNORECASE | re.DOTALL)
_HEADLINE_RE = re.compile(r"<(?:HEADLINE|HL|TITLE)>(.*?)</(?:HEADLINE|HL|TITLE)>", re.IGNORECASE | re.DOTALL)
_DOCNO_RE = re.compile(r"<DOCNO>(.*?)</DOCNO>", re.IGNORECASE | re.DOTALL)


class DatasetError(ValueError):
    """The path is not a data set in a format we read."""


@dataclass(frozen=True)
class Cluster:
    """One summarization example: the articles of a story and its reference summaries."""

    id: str
    articles: list[Article] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


def detect_format(path: Path) -> str:
    """``"duc"`` for a folder with ``docs/``, else ``"multinews"`` or ``"wcep"`` from the first record."""
    if path.is_dir():
        if (path / "docs").is_dir():
            return "duc"
        raise DatasetError(f"{path}: a DUC-style folder needs a docs/ subfolder")
    if not path.is_file():
        raise DatasetError(f"{path}: no such file or folder")
    for _number, line in _lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "articles" in record:
            return "wcep"
        if isinstance(record, dict) and "documents" in record:
            return "multinews"
    raise DatasetError(f"{path}: no JSON line with 'documents' (Multi-News) or 'articles' (WCEP)")


def load_clusters(
    path: str | Path, limit: int | None = None, seed: int | None = None
) -> tuple[list[Cluster], list[str]]:
    """Read any supported data set; ``seed`` shuffles before ``limit`` takes the first clusters."""
    path = Path(path)
    kind = detect_format(path)
    if kind == "duc":
        clusters, warnings = load_duc(path)
    elif kind == "wcep":
        clusters, warnings = load_wcep(path)
    else:
        clusters, warnings = load_multinews(path)
    if seed is not None:
        clusters = list(clusters)
        random.Random(seed).shuffle(clusters)
    if limit is not None:
        clusters = clusters[: max(limit, 0)]
    return clusters, warnings


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def _records(path: Path, warnings: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in _lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            warnings.append(f"{path}:{number}: skipped, not valid JSON ({err.msg})")
            continue
        if not isinstance(record, dict):
            warnings.append(f"{path}:{number}: skipped, not a JSON object")
            continue
        yield number, record


def _summary(record: dict[str, Any]) -> list[str]:
    summary = record.get("summary", record.get("summaries"))
    if isinstance(summary, str):
        return [summary] if summary.strip() else []
    if isinstance(summary, list):
        return [s for s in summary if isinstance(s, str) and s.strip()]
    return []


def load_multinews(path: Path) -> tuple[list[Cluster], list[str]]:
    """Multi-News JSON lines: ``{"id", "documents": [str] or "a ||||| b", "summary"}``."""
    clusters: list[Cluster] = []
    warnings: list[str] = []
    for number, record in _records(path, warnings):
        docs = record.get("documents")
        if isinstance(docs, str):
            docs = docs.split(MULTINEWS_SEPARATOR)
        if not isinstance(docs, list):
            warnings.append(f"{path}:{number}: skipped, 'documents' is not a list of texts")
            continue
        cid = str(record.get("id", f"line-{number}"))
        articles = []
        for i, doc in enumerate(docs):
            if isinstance(doc, str) and doc.strip():
                articles.append(Article(text=doc.strip(), id=f"{cid}-{i}"))
            else:
                warnings.append(f"{path}:{number}: document {i} skipped, no text")
        references = _summary(record)
        if not articles or not references:
            warnings.append(f"{path}:{number}: skipped, no documents or no summary")
            continue
        clusters.append(Cluster(id=cid, articles=articles, references=references))
    return clusters, warnings


def load_wcep(path: Path) -> tuple[list[Cluster], list[str]]:
    """WCEP JSON lines: ``{"id", "articles": [{"text", "title", "url", "time"}], "summary"}``."""
    clusters: list[Cluster] = []
    warnings: list[str] = []
    for number, record in _records(path, warnings):
        raw = record.get("articles")
        if not isinstance(raw, list):
            warnings.append(f"{path}:{number}: skipped, 'articles' is not a list")
            continue
        cid = str(record.get("id", f"line-{number}"))
        articles: list[Article] = []
        for i, item in enumerate(raw):
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
                warnings.append(f"{path}:{number}: article {i} skipped, no text")
                continue
            articles.append(
                Article(
                    text=item["text"].strip(),
                    title=_str_or_none(item.get("title")),
                    url=_str_or_none(item.get("url")),
                    published=_str_or_none(item.get("time") or item.get("published") or item.get("date")),
                    id=str(item.get("id") or f"{cid}-{i}"),
                )
            )
        references = _summary(record)
        if not articles or not references:
            warnings.append(f"{path}:{number}: skipped, no article text or no summary")
            continue
        clusters.append(Cluster(id=cid, articles=articles, references=references))
    return clusters, warnings


def _str_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _read_text(path: Path, warnings: list[str]) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        warnings.append(f"{path}: skipped, cannot read ({err.strerror})")
        return None


def _duc_article(path: Path, raw: str) -> Article:
    """A DUC/TREC document (``<DOC> ... <TEXT>...</TEXT>``) or a plain text file."""
    body = "\n\n".join(m.group(1) for m in _TEXT_RE.finditer(raw)) if _TEXT_RE.search(raw) else raw
    body = re.sub(r"</?P>", "\n\n", body, flags=re.IGNORECASE)
    body = _TAG_RE.sub(" ", body)
    headline = _HEADLINE_RE.search(raw)
    docno = _DOCNO_RE.search(raw)
    return Article(
        text=body.strip(),
        title=" ".join(_TAG_RE.sub(" ", headline.group(1)).split()) if headline else None,
        id=docno.group(1).strip() if docno else path.name,
        path=str(path),
    )


def _cluster_key(name: str) -> str:
    """DUC names clusters ``d30001t`` and their summaries ``D30001.M.100.T.A``: compare ``d30001``."""
    stem = name.lower().split(".")[0]
    return stem[:-1] if len(stem) > 1 and stem[-1].isalpha() and stem[-2].isdigit() else stem


def load_duc(path: Path) -> tuple[list[Cluster], list[str]]:
    """DUC folders: ``docs/<cluster>/*`` and references in ``summaries/`` (or ``references/``,
    ``models/``, ``refs/``), either as ``<cluster>/*`` subfolders or as files named after the cluster."""
    warnings: list[str] = []
    ref_dirs = [path / name for name in REFERENCE_DIRS if (path / name).is_dir()]
    references: dict[str, list[str]] = {}
    for ref_dir in ref_dirs:
        for item in sorted(ref_dir.iterdir()):
            files = sorted(p for p in item.iterdir() if p.is_file()) if item.is_dir() else [item]
            for file in files:
                text = _read_text(file, warnings)
                if text and text.strip():
                    plain = _TAG_RE.sub(" ", text).strip()
                    references.setdefault(_cluster_key(item.name), []).append(plain)
    clusters: list[Cluster] = []
    for cluster_dir in sorted(p for p in (path / "docs").iterdir() if p.is_dir()):
        articles = []
        for file in sorted(p for p in cluster_dir.iterdir() if p.is_file()):
            raw = _read_text(file, warnings)
            if raw is None:
                continue
            article = _duc_article(file, raw)
            if article.text:
                articles.append(article)
            else:
                warnings.append(f"{file}: skipped, no text")
        refs = references.get(_cluster_key(cluster_dir.name), [])
        if not articles or not refs:
            what = "no documents" if not articles else "no reference summary"
            warnings.append(f"{cluster_dir}: skipped, {what}")
            continue
        clusters.append(Cluster(id=cluster_dir.name, articles=articles, references=refs))
    if not clusters and not warnings:
        warnings.append(f"{path}: no clusters under docs/")
    return clusters, warnings

"""Reads for browsing a store page by page (the web app): a bounded, searchable list of storylines, one
stored article, and a cheap token that changes whenever the store does.

Every read is bounded by a limit or by one story, so a page costs the same in a store of 100 or
100,000 articles.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from pathlib import Path

from newsbrief.errors import InputError
from newsbrief.model import Article
from newsbrief.stream.catalog import StorylineSummary, _events, _storylines
from newsbrief.stream.store import open_existing

PAGE_SIZE = 20


def store_state(db_path: str | Path) -> str:
    """A token that changes whenever an ingest adds articles or a correction is made (read from row ids
    alone, so it costs the same in any store; an article updated in place at its URL does not move it)."""
    with open_existing(db_path) as store:
        row = store.conn.execute(
            "SELECT (SELECT max(id) FROM articles), (SELECT max(id) FROM corrections)"
        ).fetchone()
    return "-".join(str(v or 0) for v in row)


def _day(text: str | None, name: str) -> int | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).toordinal()
    except ValueError:
        raise InputError(f"{name} must be a date like 2019-01-31, not {text!r}") from None


def find_storylines(
    db_path: str | Path,
    *,
    query: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> list[StorylineSummary]:
    """`newsbrief.stream.catalog.list_storylines` with its filters and order, chosen in SQL first so that
    only the ``limit`` storylines shown (after skipping ``offset``) are built: its cost grows with the
articles of those storylines, not with the store."""
    where = ["l.merged_into IS NULL", "l.size > 0"]
    params: list[object] = []
    first, last = _day(since, "since"), _day(until, "until")
    if first is not None:
        where.append("(l.last_day IS NULL OR l.last_day >= ?)")
        params.append(first)
    if last is not None:
        where.append("(l.first_day IS NULL OR l.first_day <= ?)")
        params.append(last)
    for word in (query or "").lower().split():
        where.append(
            "(instr(lower(l.title), ?) OR EXISTS (SELECT 1 FROM stories e WHERE e.storyline_id = l.id"
            " AND e.merged_into IS NULL AND instr(lower(e.title), ?)))"
        )
        params += [word, word]
    with open_existing(db_path) as store:
        ids = [
            r[0]
            for r in store.conn.execute(
                f"SELECT l.id FROM storylines l WHERE {' AND '.join(where)}"
                " ORDER BY l.last_day IS NULL, l.last_day DESC, l.size DESC, l.id LIMIT ? OFFSET ?",
                (*params, limit, offset),
            )
        ]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        lines = {line.id: line for line in _storylines(store, _events(store, f"AND e.storyline_id IN ({marks})", ids))}
    return [lines[i] for i in ids if i in lines]


@dataclass(frozen=True)
class StoredArticle:
    """One article as stored: what was read, the event it is in, and the original if it is a copy."""

    id: int
    article: Article
    event_id: int | None
    copy_of: int | None
    added_at: str
    words: int


def stored_article(db_path: str | Path, article_id: int) -> StoredArticle:
    """The article with this store id; InputError if there is none."""
    with open_existing(db_path) as store:
        row = store.conn.execute(
            "SELECT a.raw_text, a.raw_title, a.url, a.outlet, a.published, a.author, a.path, m.story_id,"
            " d.original_id, a.added_at, a.words FROM articles a"
            " LEFT JOIN memberships m ON m.article_id = a.id LEFT JOIN duplicates d ON d.article_id = a.id"
            " WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        event_id = store.live("stories", row[7]) if row and row[7] is not None else None
    if row is None:
        raise InputError(f"no article {article_id} in the store")
    raw, title, url, outlet, published, author, path, _, original, added, words = row
    text = zlib.decompress(raw).decode("utf-8")
    article = Article(text, title, url, outlet, published, author, path, str(article_id))
    return StoredArticle(article_id, article, event_id, original, added, words)

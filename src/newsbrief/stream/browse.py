"""Reads for browsing a store page by page (the web app): a bounded, searchable story list, each story's
articles per day, one stored article, and a cheap token that changes whenever the store does.

Every read is bounded by a limit or by one story, so a page costs the same in a store of 100 or
100,000 articles.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsbrief.errors import InputError
from newsbrief.model import Article
from newsbrief.stream.catalog import StorySummary, _existing
from newsbrief.stream.store import day_text

PAGE_SIZE = 50


def store_state(db_path: str | Path) -> str:
    """A token that changes whenever articles are added or updated or a correction is made."""
    with _existing(db_path) as store:
        row = store.conn.execute(
            "SELECT (SELECT max(id) FROM articles), (SELECT max(updated_at) FROM stories),"
            " (SELECT max(id) FROM corrections)"
        ).fetchone()
    return "-".join(str(v or 0) for v in row)


def _day(text: str | None, name: str) -> int | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).toordinal()
    except ValueError:
        raise InputError(f"{name} must be a date like 2019-01-31, not {text!r}") from None


def find_stories(
    db_path: str | Path,
    *,
    query: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = PAGE_SIZE,
) -> list[StorySummary]:
    """The most recently active stories (as `list_stories`), at most ``limit``; ``query`` matches words of
    a story's title or of its articles' titles, ``since``/``until`` (ISO dates) the days it was active."""
    where = ["s.merged_into IS NULL", "s.size > 0"]
    params: list[object] = []
    first, last = _day(since, "since"), _day(until, "until")
    if first is not None:
        where.append("s.last_day >= ?")
        params.append(first)
    if last is not None:
        where.append("s.first_day <= ?")
        params.append(last)
    if query and query.strip():
        pattern = f"%{query.strip()}%"
        where.append(
            "(s.title LIKE ? OR EXISTS (SELECT 1 FROM memberships m JOIN articles a ON a.id = m.article_id"
            " WHERE m.story_id = s.id AND a.title LIKE ?))"
        )
        params += [pattern, pattern]
    with _existing(db_path) as store:
        ids = [
            r[0]
            for r in store.conn.execute(
                f"SELECT s.id FROM stories s WHERE {' AND '.join(where)}"
                " ORDER BY s.last_day DESC NULLS LAST, s.size DESC, s.id LIMIT ?",
                (*params, limit),
            )
        ]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = {
            r[0]: r
            for r in store.conn.execute(
                "SELECT s.id, s.title, s.size, s.first_day, s.last_day,"
                " group_concat(DISTINCT a.outlet), count(d.article_id)"
                " FROM stories s JOIN memberships m ON m.story_id = s.id JOIN articles a ON a.id = m.article_id"
                f" LEFT JOIN duplicates d ON d.article_id = a.id WHERE s.id IN ({marks}) GROUP BY s.id",
                ids,
            )
        }
    return [
        StorySummary(
            r[0],
            r[1],
            r[2],
            day_text(r[3]),
            day_text(r[4]),
            tuple(sorted(r[5].split(","))) if r[5] else (),
            r[6],
        )
        for r in (rows[i] for i in ids if i in rows)
    ]


def articles_per_day(db_path: str | Path, story_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
    """For each story, (ISO day, articles that day) in day order; undated articles are left out."""
    out: dict[int, list[tuple[str, int]]] = {i: [] for i in story_ids}
    if not story_ids:
        return out
    marks = ",".join("?" * len(story_ids))
    with _existing(db_path) as store:
        rows = store.conn.execute(
            "SELECT m.story_id, a.day, count(*) FROM memberships m JOIN articles a ON a.id = m.article_id"
            f" WHERE m.story_id IN ({marks}) AND a.day IS NOT NULL GROUP BY m.story_id, a.day"
            " ORDER BY m.story_id, a.day",
            list(story_ids),
        ).fetchall()
    for story_id, day, count in rows:
        out[story_id].append((day_text(day) or "", count))
    return out


@dataclass(frozen=True)
class StoredArticle:
    """One article as stored: what was read, the story it is in, and the original if it is a copy."""

    id: int
    article: Article
    story_id: int | None
    copy_of: int | None
    added_at: str
    words: int


def stored_article(db_path: str | Path, article_id: int) -> StoredArticle:
    """The article with this store id; InputError if there is none."""
    with _existing(db_path) as store:
        row = store.conn.execute(
            "SELECT a.raw_text, a.raw_title, a.url, a.outlet, a.published, a.author, a.path, m.story_id,"
            " d.original_id, a.added_at, a.words FROM articles a"
            " LEFT JOIN memberships m ON m.article_id = a.id LEFT JOIN duplicates d ON d.article_id = a.id"
            " WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        story_id = store.live_story(row[7]) if row and row[7] is not None else None
    if row is None:
        raise InputError(f"no article {article_id} in the store")
    raw, title, url, outlet, published, author, path, _, original, added, words = row
    text = zlib.decompress(raw).decode("utf-8")
    article = Article(text, title, url, outlet, published, author, path, str(article_id))
    return StoredArticle(article_id, article, story_id, original, added, words)

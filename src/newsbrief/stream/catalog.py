"""What the CLI (and later the web app) reads from and corrects in a store: the list of stories, a
story's articles and sources, and the user's merges and splits, which stick through later ingests.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from newsbrief.errors import InputError
from newsbrief.model import Article
from newsbrief.stream.store import Store, day_text, now


def _existing(db_path: str | Path) -> Store:
    if not Path(db_path).is_file():
        raise InputError(f"no store at {db_path}; run `newsbrief ingest` first")
    return Store(db_path)


@dataclass(frozen=True)
class StorySummary:
    id: int
    title: str
    size: int
    first_date: str | None
    last_date: str | None
    outlets: tuple[str, ...]
    copies: int
    """Members that are syndicated copies of another member."""


def list_stories(db_path: str | Path, *, min_size: int = 1) -> list[StorySummary]:
    """The stories of a store, most recently active first."""
    with _existing(db_path) as store:
        rows = store.conn.execute(
            "SELECT s.id, s.title, s.size, s.first_day, s.last_day,"
            " group_concat(DISTINCT a.outlet), count(d.article_id)"
            " FROM stories s JOIN memberships m ON m.story_id = s.id JOIN articles a ON a.id = m.article_id"
            " LEFT JOIN duplicates d ON d.article_id = a.id"
            " WHERE s.merged_into IS NULL GROUP BY s.id HAVING s.size >= ?"
            " ORDER BY s.last_day DESC NULLS LAST, s.size DESC, s.id",
            (min_size,),
        ).fetchall()
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
        for r in rows
    ]


def format_stories(stories: Sequence[StorySummary]) -> str:
    """A plain-text table of stories for the terminal."""
    if not stories:
        return "no stories in the store yet\n"
    lines = [f"{'ID':>6}  {'SIZE':>4}  {'FIRST':10}  {'LAST':10}  TITLE  [OUTLETS]"]
    for s in stories:
        outlets = ", ".join(s.outlets[:4]) + (f" +{len(s.outlets) - 4}" if len(s.outlets) > 4 else "")
        copies = f" ({s.copies} syndicated)" if s.copies else ""
        title = s.title if len(s.title) <= 70 else s.title[:69] + "…"
        lines.append(
            f"{s.id:>6}  {s.size:>4}  {s.first_date or '-':10}  {s.last_date or '-':10}  {title}{copies}"
            + (f"  [{outlets}]" if outlets else "")
        )
    return "\n".join(lines) + "\n"


def merge_stories(db_path: str | Path, ids: Sequence[int]) -> str:
    """Merge stories into the first one; recorded, so later ingests keep them together."""
    if len(set(ids)) < 2:
        raise InputError("--merge needs at least two different story ids")
    with _existing(db_path) as store, store.transaction() as conn:
        live = [store.live_story(i) for i in ids]
        target, others = live[0], sorted({i for i in live[1:] if i != live[0]})
        if not others:
            return f"stories {', '.join(map(str, ids))} are already one story ({target})"
        marks = ",".join("?" * len(others))
        moved = [
            r[0]
            for r in conn.execute(f"SELECT article_id FROM memberships WHERE story_id IN ({marks})", others)
        ]
        conn.execute(
            f"UPDATE memberships SET story_id = ?, pinned = 1 WHERE story_id IN ({marks})", (target, *others)
        )
        conn.execute(f"UPDATE stories SET merged_into = ?, size = 0 WHERE id IN ({marks})", (target, *others))
        conn.execute(
            "INSERT INTO corrections (kind, story_id, other_ids, article_ids, at) VALUES ('merge', ?, ?, ?, ?)",
            (target, json.dumps(others), json.dumps(moved), now()),
        )
        store.recompute_story(target)
    return f"merged stories {', '.join(map(str, others))} into story {target} ({len(moved)} articles moved)"


def split_story(db_path: str | Path, story_id: int, article_ids: Sequence[int]) -> str:
    """Move articles (and their syndicated copies) out of a story into a new story."""
    with _existing(db_path) as store, store.transaction() as conn:
        story_id = store.live_story(story_id)
        members = {
            r[0] for r in conn.execute("SELECT article_id FROM memberships WHERE story_id = ?", (story_id,))
        }
        wrong = sorted(set(article_ids) - members)
        if wrong:
            raise InputError(f"articles {', '.join(map(str, wrong))} are not in story {story_id}")
        moving = set(article_ids)
        marks = ",".join("?" * len(moving))
        copies = conn.execute(
            f"SELECT article_id FROM duplicates WHERE original_id IN ({marks})", sorted(moving)
        ).fetchall()
        moving |= {r[0] for r in copies if r[0] in members}
        if moving >= members:
            raise InputError(f"that would move every article of story {story_id}; nothing to split")
        first = min(moving)
        title = conn.execute("SELECT title FROM articles WHERE id = ?", (first,)).fetchone()[0]
        new_id = store.new_story(title, None)
        conn.executemany(
            "UPDATE memberships SET story_id = ?, pinned = 1 WHERE article_id = ?",
            [(new_id, a) for a in sorted(moving)],
        )
        conn.execute(
            "INSERT INTO corrections (kind, story_id, other_ids, article_ids, at) VALUES ('split', ?, ?, ?, ?)",
            (story_id, json.dumps([new_id]), json.dumps(sorted(moving)), now()),
        )
        store.recompute_story(story_id)
        store.recompute_story(new_id)
    return f"moved {len(moving)} articles of story {story_id} into new story {new_id}"


@dataclass(frozen=True)
class StoryArticle:
    """A story member that is not a copy, with the outlets that carried it (itself first)."""

    article: Article
    store_id: int
    outlets: tuple[str, ...]
    copies: tuple[int, ...]


def story_sources(db_path: str | Path, story_id: int) -> list[StoryArticle]:
    """The original articles of a story in date order, each with the outlets of its syndicated copies."""
    with _existing(db_path) as store:
        story_id = store.live_story(story_id)
        rows = store.conn.execute(
            "SELECT a.id, a.raw_text, a.raw_title, a.url, a.outlet, a.published, a.author, a.path, d.original_id"
            " FROM memberships m JOIN articles a ON a.id = m.article_id"
            " LEFT JOIN duplicates d ON d.article_id = a.id WHERE m.story_id = ? ORDER BY a.day, a.id",
            (story_id,),
        ).fetchall()
    originals: dict[int, tuple[Article, list[str], list[int]]] = {}
    copies: list[tuple[int, int, str | None, Article]] = []
    for aid, raw, title, url, outlet, published, author, path, original in rows:
        text = zlib.decompress(raw).decode("utf-8")
        article = Article(text, title, url, outlet, published, author, path, str(aid))
        if original is not None:
            copies.append((aid, original, outlet, article))
        else:
            originals[aid] = (article, [outlet] if outlet else [], [])
    for aid, original, outlet, article in copies:
        if original not in originals:  # its original was split into another story: the copy stands alone
            originals[aid] = (article, [outlet] if outlet else [], [])
            continue
        entry = originals[original]
        entry[2].append(aid)
        if outlet and outlet not in entry[1]:
            entry[1].append(outlet)
    return [StoryArticle(a, aid, tuple(o), tuple(c)) for aid, (a, o, c) in originals.items()]


def story_articles(db_path: str | Path, story_id: int) -> list[Article]:
    """The articles to brief for a story: one per syndicated group, its ``source`` naming every outlet."""
    out = []
    for item in story_sources(db_path, story_id):
        source = ", ".join(item.outlets) if item.outlets else item.article.source
        out.append(replace(item.article, source=source))
    return out

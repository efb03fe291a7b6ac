"""The user's corrections of a store's events and storylines. They stick through later ingests: an
ingest never moves an article already placed nor an event between storylines, and a merged event or
storyline sends what would have joined it to the one it was merged into. Each is recorded in the
``corrections`` table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from newsbrief.errors import InputError
from newsbrief.stream.store import Store, now, open_existing


def _record(store: Store, kind: str, target: int, others: Sequence[int], moved: Sequence[int]) -> None:
    store.conn.execute(
        "INSERT INTO corrections (kind, story_id, other_ids, article_ids, at) VALUES (?, ?, ?, ?, ?)",
        (kind, target, json.dumps(list(others)), json.dumps(list(moved)), now()),
    )


def _recompute_lines(store: Store, line_ids: Sequence[int]) -> None:
    for line_id in sorted(set(line_ids)):
        store.recompute("storylines", line_id)


def merge_events(db: str | Path, ids: Sequence[int]) -> str:
    """Merge events into the first one (and its storyline); recorded, so later ingests keep them together."""
    if len(set(ids)) < 2:
        raise InputError("merging needs at least two different event ids")
    with open_existing(db) as store, store.transaction() as conn:
        live = [store.live("stories", i) for i in ids]
        target, others = live[0], sorted({i for i in live[1:] if i != live[0]})
        if not others:
            return f"events {', '.join(map(str, ids))} are already one event ({target})"
        lines = [store.storyline_of(e) for e in (target, *others)]
        marks = ",".join("?" * len(others))
        moved = [
            r[0]
            for r in conn.execute(f"SELECT article_id FROM memberships WHERE story_id IN ({marks})", others)
        ]
        conn.execute(
            f"UPDATE memberships SET story_id = ?, pinned = 1 WHERE story_id IN ({marks})", (target, *others)
        )
        conn.execute(f"UPDATE stories SET merged_into = ?, size = 0 WHERE id IN ({marks})", (target, *others))
        _record(store, "merge", target, others, moved)
        store.recompute("stories", target)
        _recompute_lines(store, lines)
    return f"merged events {', '.join(map(str, others))} into event {target} ({len(moved)} articles moved)"


def split_event(db: str | Path, event_id: int, article_ids: Sequence[int]) -> str:
    """Move articles (and their syndicated copies) out of an event into a new event of the same storyline."""
    with open_existing(db) as store, store.transaction() as conn:
        event_id = store.live("stories", event_id)
        members = {
            r[0] for r in conn.execute("SELECT article_id FROM memberships WHERE story_id = ?", (event_id,))
        }
        wrong = sorted(set(article_ids) - members)
        if wrong:
            raise InputError(f"articles {', '.join(map(str, wrong))} are not in event {event_id}")
        moving = set(article_ids)
        marks = ",".join("?" * len(moving))
        copies = conn.execute(
            f"SELECT article_id FROM duplicates WHERE original_id IN ({marks})", sorted(moving)
        ).fetchall()
        moving |= {r[0] for r in copies if r[0] in members}
        if moving >= members:
            raise InputError(f"that would move every article of event {event_id}; nothing to split")
        title, headline = conn.execute(
            "SELECT title, headline FROM articles WHERE id = ?", (min(moving),)
        ).fetchone()
        line_id, lang = conn.execute(
            "SELECT storyline_id, lang FROM stories WHERE id = ?", (event_id,)
        ).fetchone()
        new_id = store.new_event(title, None, line_id, lang, bool(headline))
        conn.executemany(
            "UPDATE memberships SET story_id = ?, pinned = 1 WHERE article_id = ?",
            [(new_id, a) for a in sorted(moving)],
        )
        _record(store, "split", event_id, [new_id], sorted(moving))
        store.recompute("stories", event_id)
        store.recompute("stories", new_id)
    return f"moved {len(moving)} articles of event {event_id} into new event {new_id}"


def move_event(db: str | Path, event_id: int, storyline_id: int) -> str:
    """Move an event into another storyline; later ingests leave it there."""
    with open_existing(db) as store, store.transaction() as conn:
        event_id = store.live("stories", event_id)
        target = store.live("storylines", storyline_id)
        source = store.storyline_of(event_id)
        if source == target:
            return f"event {event_id} is already in storyline {target}"
        conn.execute(
            "UPDATE stories SET storyline_id = ?, storyline_pinned = 1 WHERE id = ?", (target, event_id)
        )
        _record(store, "move-event", target, [event_id], [])
        _recompute_lines(store, [source, target])
    return f"moved event {event_id} from storyline {source} into storyline {target}"


def merge_storylines(db: str | Path, ids: Sequence[int]) -> str:
    """Merge storylines into the first one: their events move there, and later events follow the merged one."""
    if len(set(ids)) < 2:
        raise InputError("merging needs at least two different storyline ids")
    with open_existing(db) as store, store.transaction() as conn:
        live = [store.live("storylines", i) for i in ids]
        target, others = live[0], sorted({i for i in live[1:] if i != live[0]})
        if not others:
            return f"storylines {', '.join(map(str, ids))} are already one storyline ({target})"
        marks = ",".join("?" * len(others))
        moved = [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM stories WHERE storyline_id IN ({marks}) AND merged_into IS NULL", others
            )
        ]
        conn.execute(
            f"UPDATE stories SET storyline_id = ?, storyline_pinned = 1 WHERE storyline_id IN ({marks})",
            (target, *others),
        )
        conn.execute(
            f"UPDATE storylines SET merged_into = ?, size = 0 WHERE id IN ({marks})", (target, *others)
        )
        _record(store, "merge-storylines", target, others, moved)
        store.recompute("storylines", target)
    return (
        f"merged storylines {', '.join(map(str, others))} into storyline {target} ({len(moved)} events moved)"
    )


def split_storyline(db: str | Path, storyline_id: int, event_ids: Sequence[int]) -> str:
    """Move events out of a storyline into a new storyline."""
    with open_existing(db) as store, store.transaction() as conn:
        line_id = store.live("storylines", storyline_id)
        members = {
            r[0]
            for r in conn.execute(
                "SELECT id FROM stories WHERE storyline_id = ? AND merged_into IS NULL", (line_id,)
            )
        }
        moving = {store.live("stories", e) for e in event_ids}
        wrong = sorted(moving - members)
        if wrong:
            raise InputError(f"events {', '.join(map(str, wrong))} are not in storyline {line_id}")
        if moving >= members:
            raise InputError(f"that would move every event of storyline {line_id}; nothing to split")
        title, lang = conn.execute("SELECT title, lang FROM stories WHERE id = ?", (min(moving),)).fetchone()
        new_id = store.new_storyline(title, None, lang)
        conn.executemany(
            "UPDATE stories SET storyline_id = ?, storyline_pinned = 1 WHERE id = ?",
            [(new_id, e) for e in sorted(moving)],
        )
        _record(store, "split-storyline", line_id, [new_id], sorted(moving))
        _recompute_lines(store, [line_id, new_id])
    return f"moved {len(moving)} events of storyline {line_id} into new storyline {new_id}"

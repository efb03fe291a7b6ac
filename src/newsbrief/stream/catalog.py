"""What the CLI and the web app read from and correct in a store: storylines with their events, an
event's articles and copies, and (from `newsbrief.stream.corrections`, re-exported here) the user's
corrections at both levels.

Every function takes the store's path (``db``) and opens it for the call.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newsbrief.errors import InputError
from newsbrief.model import Article
from newsbrief.stream.corrections import (
    merge_events,
    merge_storylines,
    move_event,
    split_event,
    split_storyline,
)
from newsbrief.stream.store import Store, day_text, open_existing

__all__ = [
    "STORIES_SCHEMA",
    "STORIES_SCHEMA_VERSION",
    "EventArticle",
    "EventDetail",
    "EventSummary",
    "SourceArticle",
    "StorylineSummary",
    "event_articles",
    "event_input",
    "event_sources",
    "format_storylines",
    "get_event",
    "get_storyline",
    "list_events",
    "list_storylines",
    "merge_events",
    "merge_storylines",
    "move_event",
    "split_event",
    "split_storyline",
    "stories_json",
]

STORIES_SCHEMA = "newsbrief.stories"
STORIES_SCHEMA_VERSION = 1
"""Version of `stories_json`'s layout (docs/schema.md); raised when a field changes meaning or goes."""


@dataclass(frozen=True)
class EventArticle:
    """An article of an event as a reader lists it; ``copies`` are the store ids of its syndicated copies."""

    id: int
    url: str | None
    title: str
    published: str | None
    outlet: str | None
    lang: str | None
    copy_of: int | None
    copies: tuple[int, ...]


@dataclass(frozen=True)
class EventSummary:
    """One happening, reported within days: its articles counted (copies included) and its outlets."""

    id: int
    storyline_id: int
    title: str
    size: int
    first_date: str | None
    last_date: str | None
    outlets: tuple[str, ...]
    copies: int
    """Members that are syndicated copies of another member."""
    lang: str | None


@dataclass(frozen=True)
class EventDetail:
    """An event with its articles in date order."""

    event: EventSummary
    articles: tuple[EventArticle, ...]


@dataclass(frozen=True)
class StorylineSummary:
    """The chain of events a reader follows, its events in time order."""

    id: int
    title: str
    size: int
    first_date: str | None
    last_date: str | None
    outlets: tuple[str, ...]
    events: tuple[EventSummary, ...]
    daily: tuple[tuple[str, int], ...]
    """(ISO day, articles published that day), in day order; undated articles are left out."""
    lang: str | None


# --- reading ---------------------------------------------------------------------------------------

_EVENT_ROWS = (
    "SELECT e.id, e.storyline_id, e.title, e.size, e.first_day, e.last_day, e.lang,"
    " group_concat(DISTINCT a.outlet), count(d.article_id)"
    " FROM stories e JOIN memberships m ON m.story_id = e.id"
    " JOIN articles a INDEXED BY articles_listing ON a.id = m.article_id"
    " LEFT JOIN duplicates d ON d.article_id = a.id"
    " WHERE e.merged_into IS NULL {where} GROUP BY e.id HAVING e.size >= 1"
)


def _event(row: Sequence[Any]) -> EventSummary:
    outlets = tuple(sorted(row[7].split(","))) if row[7] else ()
    return EventSummary(
        row[0], row[1], row[2], row[3], day_text(row[4]), day_text(row[5]), outlets, row[8], row[6]
    )


def _events(store: Store, where: str = "", params: Sequence[object] = ()) -> list[EventSummary]:
    rows = store.conn.execute(_EVENT_ROWS.format(where=where), params).fetchall()
    return [_event(r) for r in rows]


def _time_order(events: Sequence[EventSummary]) -> tuple[EventSummary, ...]:
    return tuple(sorted(events, key=lambda e: (e.first_date or "9999", e.id)))


def _storyline_title(events: Sequence[EventSummary]) -> str:
    """The headline of a storyline's largest event (the latest on ties): what it is best known for."""
    return max(events, key=lambda e: (e.size, e.last_date or "", e.id)).title


def _daily(store: Store, storyline_ids: Sequence[int]) -> dict[int, tuple[tuple[str, int], ...]]:
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for chunk_start in range(0, len(storyline_ids), 500):
        chunk = list(storyline_ids[chunk_start : chunk_start + 500])
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            "SELECT e.storyline_id, a.day, count(*) FROM stories e JOIN memberships m ON m.story_id = e.id"
            " JOIN articles a INDEXED BY articles_listing ON a.id = m.article_id"
            f" WHERE e.storyline_id IN ({marks}) AND e.merged_into IS NULL"
            " AND a.day IS NOT NULL GROUP BY e.storyline_id, a.day ORDER BY a.day",
            chunk,
        ).fetchall()
        for line_id, day, n in rows:
            out[line_id].append((dt.date.fromordinal(day).isoformat(), n))
    return {k: tuple(v) for k, v in out.items()}


def _storylines(store: Store, events: Sequence[EventSummary]) -> list[StorylineSummary]:
    by_line: dict[int, list[EventSummary]] = defaultdict(list)
    for event in events:
        by_line[event.storyline_id].append(event)
    daily = _daily(store, sorted(by_line))
    out = []
    for line_id, members in by_line.items():
        firsts = [e.first_date for e in members if e.first_date]
        lasts = [e.last_date for e in members if e.last_date]
        langs = Counter(e.lang for e in members)
        out.append(
            StorylineSummary(
                id=line_id,
                title=_storyline_title(members),
                size=sum(e.size for e in members),
                first_date=min(firsts) if firsts else None,
                last_date=max(lasts) if lasts else None,
                outlets=tuple(sorted({o for e in members for o in e.outlets})),
                events=_time_order(members),
                daily=daily.get(line_id, ()),
                lang=langs.most_common(1)[0][0],
            )
        )
    return out


def _matches(line: StorylineSummary, words: Sequence[str]) -> bool:
    text = " ".join([line.title, *(e.title for e in line.events)]).lower()
    return all(w in text for w in words)


def list_storylines(
    db: str | Path,
    *,
    query: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> list[StorylineSummary]:
    """The storylines of a store, most recently active first (then the largest), each with its events.

    ``query`` keeps storylines whose titles (its own or its events') hold every word of it; ``since``
    and ``until`` (ISO dates) keep those active in that span; ``limit`` caps the count.
    """
    with open_existing(db) as store:
        lines = _storylines(store, _events(store))
    if query:
        words = query.lower().split()
        lines = [line for line in lines if _matches(line, words)]
    if since:
        lines = [line for line in lines if line.last_date is None or line.last_date >= since]
    if until:
        lines = [line for line in lines if line.first_date is None or line.first_date <= until]
    lines.sort(key=lambda s: (s.last_date is None, _neg(s.last_date), -s.size, s.id))
    return lines[:limit] if limit is not None else lines


def _neg(date: str | None) -> str:
    """A sort key that puts later ISO dates first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in date) if date else ""


def list_events(db: str | Path) -> list[EventSummary]:
    """Every event of a store, most recently active first (then the largest)."""
    with open_existing(db) as store:
        events = _events(store)
    return sorted(events, key=lambda e: (e.last_date is None, _neg(e.last_date), -e.size, e.id))


def get_storyline(db: str | Path, storyline_id: int) -> StorylineSummary:
    """One storyline (following merges) with its events in time order."""
    with open_existing(db) as store:
        line_id = store.live("storylines", storyline_id)
        lines = _storylines(store, _events(store, "AND e.storyline_id = ?", (line_id,)))
    if not lines:
        raise InputError(f"storyline {storyline_id} has no events")
    return lines[0]


def _event_articles(store: Store, event_id: int) -> tuple[EventArticle, ...]:
    rows = store.conn.execute(
        "SELECT a.id, a.url, a.title, a.published, a.outlet, a.lang, d.original_id"
        " FROM memberships m JOIN articles a ON a.id = m.article_id"
        " LEFT JOIN duplicates d ON d.article_id = a.id WHERE m.story_id = ? ORDER BY a.day, a.id",
        (event_id,),
    ).fetchall()
    copies: dict[int, list[int]] = defaultdict(list)
    for r in rows:
        if r[6] is not None:
            copies[r[6]].append(r[0])
    return tuple(EventArticle(r[0], r[1], r[2], r[3], r[4], r[5], r[6], tuple(copies[r[0]])) for r in rows)


def get_event(db: str | Path, event_id: int) -> EventDetail:
    """One event (following merges) with its articles in date order."""
    with open_existing(db) as store:
        event_id = store.live("stories", event_id)
        events = _events(store, "AND e.id = ?", (event_id,))
        if not events:
            raise InputError(f"event {event_id} has no articles")
        return EventDetail(events[0], _event_articles(store, event_id))


def stories_json(db: str | Path) -> dict[str, Any]:
    """Every storyline with its events and each event's articles, as the versioned JSON of
    docs/schema.md (``newsbrief stories --format json``)."""
    with open_existing(db) as store:
        lines = _storylines(store, _events(store))
        lines.sort(key=lambda s: (s.last_date is None, _neg(s.last_date), -s.size, s.id))
        articles = {e.id: _event_articles(store, e.id) for line in lines for e in line.events}
    return {
        "schema": STORIES_SCHEMA,
        "version": STORIES_SCHEMA_VERSION,
        "storylines": [
            {
                "id": line.id,
                "title": line.title,
                "size": line.size,
                "first_date": line.first_date,
                "last_date": line.last_date,
                "outlets": list(line.outlets),
                "lang": line.lang,
                "daily": [{"date": d, "articles": n} for d, n in line.daily],
                "events": [
                    {
                        "id": e.id,
                        "title": e.title,
                        "size": e.size,
                        "first_date": e.first_date,
                        "last_date": e.last_date,
                        "outlets": list(e.outlets),
                        "copies": e.copies,
                        "lang": e.lang,
                        "articles": [
                            {
                                "id": a.id,
                                "url": a.url,
                                "title": a.title,
                                "published": a.published,
                                "outlet": a.outlet,
                                "lang": a.lang,
                                "copy_of": a.copy_of,
                                "copies": list(a.copies),
                            }
                            for a in articles[e.id]
                        ],
                    }
                    for e in line.events
                ],
            }
            for line in lines
        ],
    }


def _short(title: str, width: int) -> str:
    return title if len(title) <= width else title[: width - 1] + "…"


def _outlets(outlets: Sequence[str]) -> str:
    shown = ", ".join(outlets[:4]) + (f" +{len(outlets) - 4}" if len(outlets) > 4 else "")
    return f"  [{shown}]" if shown else ""


def format_storylines(lines: Sequence[StorylineSummary]) -> str:
    """A plain-text listing for the terminal: each storyline, then its events indented."""
    if not lines:
        return "no stories in the store yet\n"
    out = [f"{'ID':>6}  {'SIZE':>4}  {'FIRST':10}  {'LAST':10}  TITLE  [OUTLETS]"]
    for line in lines:
        out.append(
            f"S{line.id:>5}  {line.size:>4}  {line.first_date or '-':10}  {line.last_date or '-':10}  "
            f"{_short(line.title, 70)}  ({len(line.events)} event{'s' * (len(line.events) != 1)})"
        )
        for e in line.events:
            copies = f" ({e.copies} syndicated)" if e.copies else ""
            out.append(
                f"E{e.id:>5}  {e.size:>4}  {e.first_date or '-':10}  {e.last_date or '-':10}    "
                f"{_short(e.title, 68)}{copies}{_outlets(e.outlets)}"
            )
    return "\n".join(out) + "\n"


# --- articles for a brief --------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceArticle:
    """An event member that is not a copy, with the outlets that carried it (itself first)."""

    article: Article
    store_id: int
    outlets: tuple[str, ...]
    copies: tuple[int, ...]


def event_sources(db: str | Path, event_id: int) -> list[SourceArticle]:
    """The original articles of an event in date order, each with the outlets of its syndicated copies."""
    with open_existing(db) as store:
        event_id = store.live("stories", event_id)
        rows = store.conn.execute(
            "SELECT a.id, a.raw_text, a.raw_title, a.url, a.outlet, a.published, a.author, a.path, d.original_id"
            " FROM memberships m JOIN articles a ON a.id = m.article_id"
            " LEFT JOIN duplicates d ON d.article_id = a.id WHERE m.story_id = ? ORDER BY a.day, a.id",
            (event_id,),
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
        if original not in originals:  # its original was split into another event: the copy stands alone
            originals[aid] = (article, [outlet] if outlet else [], [])
            continue
        entry = originals[original]
        entry[2].append(aid)
        if outlet and outlet not in entry[1]:
            entry[1].append(outlet)
    return [SourceArticle(a, aid, tuple(o), tuple(c)) for aid, (a, o, c) in originals.items()]


def event_articles(db: str | Path, event_id: int) -> list[Article]:
    """The articles to brief for an event: one per syndicated group, its ``source`` naming every outlet."""
    out = []
    for item in event_sources(db, event_id):
        source = ", ".join(item.outlets) if item.outlets else item.article.source
        out.append(replace(item.article, source=source))
    return out


BRIEF_ARTICLES = 20
"""The most original articles an event's brief reads. Briefing time grows faster than the number of
articles, and an event of a stream can grow without end; a larger event is briefed from its newest
originals, and the brief says so."""


def event_input(
    db: str | Path, event_id: int, newest: int | None = BRIEF_ARTICLES
) -> tuple[list[Article], tuple[str, ...]]:
    """The articles an event's brief reads (`event_articles`; the ``newest`` most recent of them when it
    has more, None for all), and the note that names what was left out."""
    articles = event_articles(db, event_id)
    if newest is None or len(articles) <= newest:
        return articles, ()
    note = f"briefed from the newest {newest} of the event's {len(articles)} original articles"
    return articles[-newest:], (note,)

"""Briefs of a store's events, each kept until the event's articles change (the web app's pages show
the same brief many times: an event page, its storyline, an article page, the downloads)."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from newsbrief.briefing.cited import CitedBrief
from newsbrief.briefing.pipeline import BriefOptions
from newsbrief.errors import InputError
from newsbrief.stream.briefs import brief_event
from newsbrief.stream.browse import find_storylines, store_state
from newsbrief.stream.store import open_existing

SHORT = BriefOptions(words=None, sentences=2, facts=False, timeline=False)
"""The short brief of an event on its storyline's page."""


class EventBriefs:
    """Cited briefs of the events of one store, the ``size`` most recently used kept in memory (safe to
    share between threads; two threads asking for the same new brief may both make it)."""

    def __init__(self, db: str | Path, size: int = 256) -> None:
        self.db = db
        self.size = size
        self._kept: OrderedDict[tuple[int, BriefOptions, str], CitedBrief] = OrderedDict()
        self._lock = threading.Lock()
        self.current = threading.Event()
        """Set while `keep_current` has briefed the most active events of the store as it is now."""

    def _members(self, event_id: int) -> tuple[int, str]:
        """The live event id and a digest of its articles (ids, contents and outlets)."""
        with open_existing(self.db) as store:
            event_id = store.live("stories", event_id)
            rows = store.conn.execute(
                "SELECT a.id, a.content_hash, coalesce(a.outlet, '') FROM memberships m"
                " JOIN articles a ON a.id = m.article_id WHERE m.story_id = ? ORDER BY a.id",
                (event_id,),
            ).fetchall()
        return event_id, hashlib.sha1(repr(rows).encode()).hexdigest()

    def _key(self, event_id: int, options: BriefOptions) -> tuple[int, BriefOptions, str]:
        event_id, digest = self._members(event_id)
        return event_id, options, digest

    def is_kept(self, event_id: int, options: BriefOptions | None = None) -> bool:
        """Whether the brief of the event as it is now is kept (`get` returns it without briefing)."""
        key = self._key(event_id, options or BriefOptions())
        with self._lock:
            return key in self._kept

    def get(self, event_id: int, options: BriefOptions | None = None) -> CitedBrief:
        """The brief of an event (following merges), made again only when its articles changed."""
        options = options or BriefOptions()
        key = self._key(event_id, options)  # the live id: a merged event's brief is its target's
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        made = brief_event(self.db, key[0], options)
        with self._lock:
            self._kept[key] = made
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return made

    def keep_current(self, stop: threading.Event, poll: float = 2.0) -> None:
        """Until ``stop`` is set: whenever the store changes, make the briefs of the events of the most
        active storylines (the first page of `find_storylines`, the newest events of each first; at most
        half of ``size``) that are not kept yet, so that a reader opening one finds it made. Runs in a
        thread of its own."""
        seen = None
        self.current.clear()
        while not stop.is_set():
            state = store_state(self.db)
            if state != seen:
                seen = state
                self.current.clear()
                newest_first = [line.events[::-1] for line in find_storylines(self.db)]
                depth = max(map(len, newest_first), default=0)
                # The newest event of each storyline, then the second newest of each, and so on.
                events = [line[k].id for k in range(depth) for line in newest_first if k < len(line)]
                for event_id in events[: self.size // 2]:
                    if stop.is_set():
                        return
                    with contextlib.suppress(InputError):  # nothing left to brief: its page says why
                        self.get(event_id)
                self.current.set()
            stop.wait(poll)

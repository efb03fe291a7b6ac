"""Briefs of a store's events, each kept until the event's articles change (the web app's pages show
the same brief many times: an event page, its storyline, an article page, the downloads)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from newsbrief.briefing.cited import CitedBrief, cited_brief
from newsbrief.briefing.pipeline import BriefOptions
from newsbrief.stream.catalog import event_articles
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

    def get(self, event_id: int, options: BriefOptions | None = None) -> CitedBrief:
        """The brief of an event (following merges), made again only when its articles changed."""
        options = options or BriefOptions()
        event_id, digest = self._members(event_id)
        key = (event_id, options, digest)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        made = cited_brief(event_articles(self.db, event_id), options)
        with self._lock:
            self._kept[key] = made
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return made

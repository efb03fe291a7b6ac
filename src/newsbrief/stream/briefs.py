"""A storyline as a reader follows it: its events in time order, each with its own short brief."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from newsbrief.briefing.cited import CitedBrief, cited_brief
from newsbrief.briefing.pipeline import BriefOptions
from newsbrief.briefing.render import brief_dict, to_jsonable
from newsbrief.model import Brief, cite
from newsbrief.stream.catalog import (
    BRIEF_ARTICLES,
    EventSummary,
    StorylineSummary,
    event_input,
    get_storyline,
)

STORYLINE_BRIEF_SCHEMA = "newsbrief.storyline-brief"
STORYLINE_BRIEF_VERSION = 1


@dataclass(frozen=True)
class StorylineBrief:
    storyline: StorylineSummary
    events: tuple[tuple[EventSummary, Brief], ...]
    """Each event (oldest first) with its brief."""


def brief_event(
    db: str | Path, event_id: int, options: BriefOptions | None = None, newest: int | None = BRIEF_ARTICLES
) -> CitedBrief:
    """The brief of an event of the store, from its ``newest`` most recent originals at most (None: all;
    the brief's warnings say when some were left out)."""
    articles, notes = event_input(db, event_id, newest)
    return cited_brief(articles, options, notes)


def brief_storyline(db: str | Path, storyline_id: int, options: BriefOptions | None = None) -> StorylineBrief:
    """Brief every event of a storyline on its own (``options`` for each brief), in time order."""
    line = get_storyline(db, storyline_id)
    return StorylineBrief(line, tuple((e, brief_event(db, e.id, options).brief) for e in line.events))


def storyline_markdown(result: StorylineBrief) -> str:
    """The storyline as Markdown: a heading per event (dates, outlets), its cited sentences and sources."""
    line = result.storyline
    span = f"{line.first_date or '?'} to {line.last_date or '?'}"
    lines = [f"# {line.title}", "", f"{len(line.events)} events, {line.size} articles, {span}.", ""]
    for event, event_brief in result.events:
        dates = event.first_date or "undated"
        if event.last_date and event.last_date != event.first_date:
            dates += f" to {event.last_date}"
        lines += [f"## {dates}: {event.title}", ""]
        lines += [f"- {s.text} {cite(s.sources)}" for s in event_brief.sentences]
        sources = "; ".join(
            f"[{s.number}] {s.title}" + (f" ({s.outlet})" if s.outlet else "") for s in event_brief.sources
        )
        lines += ["", f"Sources: {sources}" if sources else "Sources: none", ""]
    return "\n".join(lines).rstrip() + "\n"


def storyline_json(result: StorylineBrief) -> str:
    """The storyline and each event's brief (the brief JSON of docs/schema.md) as one versioned object."""
    data = {
        "schema": STORYLINE_BRIEF_SCHEMA,
        "version": STORYLINE_BRIEF_VERSION,
        "storyline": to_jsonable(dataclasses.replace(result.storyline, events=())),
        "events": [{"event": to_jsonable(e), "brief": brief_dict(b)} for e, b in result.events],
    }
    line = data["storyline"]
    del line["events"]  # type: ignore[attr-defined]
    line["daily"] = [{"date": d, "articles": n} for d, n in result.storyline.daily]  # type: ignore[index]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

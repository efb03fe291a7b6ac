"""A brief as Markdown (for terminals), versioned JSON (for programs) and one self-contained HTML page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
from collections.abc import Callable
from typing import Any

from newsbrief.model import Brief, BriefSentence, Source, cite
from newsbrief.text import printable
from newsbrief.timeline.events import events_sentence

SCHEMA_VERSION = "1.1"
"""Version of the JSON form; bumped in its minor part for additions, in its major part for changes."""


def to_jsonable(value: Any) -> Any:
    """Plain JSON data from dataclasses, tuples, dates and enums-as-strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def brief_dict(brief: Brief) -> dict[str, Any]:
    """The brief as the documented JSON object (docs/schema.md, data/brief.schema.json)."""
    data = to_jsonable(brief)
    for sentence, out in zip(brief.sentences, data["sentences"], strict=True):
        out["sources"] = list(sentence.sources)
    return {"schema_version": SCHEMA_VERSION, **data}


def render_json(brief: Brief) -> str:
    return json.dumps(brief_dict(brief), ensure_ascii=False, indent=2) + "\n"


def _source_line(source: Source) -> str:
    parts = [source.title]
    if source.outlet:
        parts.append(source.outlet)
    parts.append(source.location)
    if source.also_in:
        parts.append("also carried by " + ", ".join(source.also_in))
    if source.published:
        parts.append(source.published + (" (inferred)" if source.date_inferred else ""))
    return printable(" — ".join(parts))


def _sections_by_event(brief: Brief) -> list[tuple[str | None, list[BriefSentence]]]:
    """Sentences grouped under the events the timeline found (one unnamed section if one event)."""
    timeline = brief.timeline
    labels = event_labels(brief)
    if timeline is None or len(labels) < 2:
        return [(None, list(brief.sentences))]
    out: list[tuple[str | None, list[BriefSentence]]] = []
    for event_id, label in labels.items():
        members = [s for s in brief.sentences if s.event == event_id]
        if members:
            out.append((label, members))
    rest = [s for s in brief.sentences if s.event not in labels]
    if rest:
        out.append(("Background", rest))
    return out


def event_labels(brief: Brief) -> dict[int, str]:
    """Event id -> heading, in the order the brief shows them."""
    if brief.timeline is None:
        return {}
    return {e.id: e.label for e in brief.timeline.events}


def render_markdown(brief: Brief) -> str:
    lines = [f"# {printable(brief.title)}", ""]
    sections = _sections_by_event(brief)
    if len(sections) > 1 and brief.timeline is not None:
        lines += [events_sentence(brief.timeline) or "", ""]
    for label, sentences in sections:
        if label:
            lines += [f"## {label}", ""]
        for s in sentences:
            lines += [f"- {s.text} {cite(s.sources)}"]
        lines.append("")
    for section in _extra_sections(brief, "markdown"):
        lines += [section.rstrip(), ""]
    lines += ["## Sources", ""]
    lines += [f"{s.number}. {_source_line(s)}" for s in brief.sources]
    if brief.dropped:
        lines += ["", "## Left out", ""]
        lines += [f"- {printable(d.label)}: {printable(d.reason)}" for d in brief.dropped]
    return "\n".join(lines).rstrip() + "\n"


def _extra_sections(brief: Brief, kind: str) -> list[str]:
    out: list[str] = []
    if brief.facts is not None:
        from newsbrief.facts import facts_html, facts_markdown

        out.append(facts_markdown(brief.facts) if kind == "markdown" else facts_html(brief.facts))
    if brief.timeline is not None:
        from newsbrief.timeline.events import timeline_html, timeline_markdown

        out.append(timeline_markdown(brief.timeline) if kind == "markdown" else timeline_html(brief.timeline))
    return [s for s in out if s.strip()]


_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}ul{padding-left:1.2rem}li{margin:.4rem 0}
.cite{font-size:.8em;color:#555}.muted{color:#666}table{border-collapse:collapse}
td,th{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
"""


def render_html(brief: Brief) -> str:
    esc = html.escape
    body = [f"<h1>{esc(brief.title)}</h1>"]
    sections = _sections_by_event(brief)
    if len(sections) > 1 and brief.timeline is not None:
        body.append(f"<p class='muted'>{esc(events_sentence(brief.timeline) or '')}</p>")
    for label, sentences in sections:
        if label:
            body.append(f"<h2>{esc(label)}</h2>")
        items = "".join(
            f"<li>{esc(s.text)} <span class='cite'>"
            + "".join(f"<a href='#source-{n}'>[{n}]</a>" for n in s.sources)
            + "</span></li>"
            for s in sentences
        )
        body.append(f"<ul>{items}</ul>")
    body += _extra_sections(brief, "html")
    body.append("<h2>Sources</h2><ol>")
    for s in brief.sources:
        body.append(f"<li id='source-{s.number}'>{esc(_source_line(s))}</li>")
    body.append("</ol>")
    if brief.dropped:
        body.append("<h2>Left out</h2><ul>")
        body += [f"<li>{esc(d.label)}: {esc(d.reason)}</li>" for d in brief.dropped]
        body.append("</ul>")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{esc(brief.title)}</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


RENDERERS: dict[str, Callable[[Brief], str]] = {
    "md": render_markdown,
    "json": render_json,
    "html": render_html,
}

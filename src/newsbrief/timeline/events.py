"""A cluster's timeline, and its split into distinct events when it reports several.

``assign_events(docs, groups)`` dates every kept document (metadata, text, then the cluster),
splits the cluster into events when documents were clearly written about different times (two
meetings months apart), and says which event each claim group belongs to. ``build_timeline``
adds the dated sentences in order, each with its date interval, how sure that date is, and its
sources. ``timeline_markdown`` / ``timeline_html`` render the brief's "Timeline" section.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from newsbrief.model import ClaimGroup, DocDate, Document, cite
from newsbrief.text import content_terms
from newsbrief.timeline.dates import refine_dates
from newsbrief.timeline.temporal import (
    DateExpr,
    Mention,
    Span,
    find_expressions,
    sentence_mentions,
    span_label,
)

Certainty = Literal["stated", "resolved", "inferred"]

NARROW_DAYS = 45  # a writing date this precise can found an event
EVENT_GAP_DAYS = 14  # writing windows further apart than this are different events
NEAR_DAYS = 7  # a report of an event is written within about a week of it
COPY_SLACK_DAYS = 3  # an article that copies sentences of another was written within days of it
_NOT_A_POINT = {"since", "until", "till", "by", "over", "within", "starting"}


@dataclass(frozen=True)
class Event:
    """One of the distinct happenings a cluster reports (a meeting, a round of talks, an incident)."""

    id: int
    label: str
    earliest: dt.date
    latest: dt.date
    docs: tuple[int, ...]
    sources: tuple[int, ...]
    groups: tuple[int, ...]
    headline: str


@dataclass(frozen=True)
class TimelineEntry:
    """A dated sentence (or a group of sentences making the same claim)."""

    earliest: dt.date
    latest: dt.date
    label: str
    certainty: Certainty
    when: str
    text: str
    sources: tuple[int, ...]
    group: int
    event: int | None

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest


@dataclass(frozen=True)
class EventAssignment:
    """Which event each document and claim group belongs to; ``None`` for a group that spans events."""

    events: tuple[Event, ...]
    doc_events: tuple[int | None, ...]
    group_events: tuple[tuple[int, int | None], ...]
    doc_dates: tuple[DocDate | None, ...]


@dataclass(frozen=True)
class Timeline:
    """Dated entries in order, the events of the cluster, and each source's writing date."""

    entries: tuple[TimelineEntry, ...]
    events: tuple[Event, ...]
    group_events: tuple[tuple[int, int | None], ...]
    doc_events: tuple[int | None, ...]
    doc_dates: tuple[DocDate | None, ...]

    @property
    def distinct_events(self) -> int:
        return len(self.events)

    def event_of(self, group: int) -> int | None:
        """The event (index into ``events``) of claim group ``group``; None if it spans events."""
        for g, e in self.group_events:
            if g == group:
                return e
        return None


# --- events ----------------------------------------------------------------------------------

def _span(d: DocDate | None) -> Span | None:
    return (d.earliest, d.latest) if d else None


def _width(s: Span) -> int:
    return (s[1] - s[0]).days + 1


def _overlaps(a: Span, b: Span, slack: int = 0) -> bool:
    pad = dt.timedelta(days=slack)
    return a[0] <= b[1] + pad and b[0] <= a[1] + pad


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def _key_days(docs: Sequence[Document], members: Sequence[int], dates: Sequence[DocDate | None],
              exprs: Sequence[Sequence[DateExpr]]) -> list[dt.date]:
    """Exact days that the founding documents of an event name ("August 22")."""
    days: list[dt.date] = []
    for i in members:
        anchor = _span(dates[i])
        for s in docs[i].sentences:
            for m in sentence_mentions(exprs[i], s.start, s.end, anchor):
                if m.kind in ("date", "month_day") and m.earliest == m.latest:
                    days.append(m.earliest)
    return days


def _narrow_to_event(exprs: Sequence[DateExpr], date: DocDate | None, window: Span, key_days: Sequence[dt.date],
                     source_numbers: str) -> DocDate | None:
    """A report of an event was written near it; a weekday it names is the event's day of that name."""
    own = _span(date) or window
    near = dt.timedelta(days=NEAR_DAYS)
    lo, hi = max(own[0], window[0] - near), min(own[1], window[1] + near)
    if lo > hi:
        return date
    notes = [f"reports the same event as {source_numbers}"]
    for expr in exprs:
        if expr.weekday is None:
            continue
        same = sorted({d for d in key_days if d.weekday() == expr.weekday and lo - dt.timedelta(days=7) <= d <= hi})
        if len(same) != 1:
            continue
        day = same[0]
        cand = (day - dt.timedelta(days=7), day - dt.timedelta(days=1)) if expr.future else (
            day, day + dt.timedelta(days=6))
        nlo, nhi = max(lo, cand[0]), min(hi, cand[1])
        if nlo <= nhi:
            lo, hi = nlo, nhi
            notes.append(f"its '{expr.text}' is {span_label(day, day)}")
    evidence = "; ".join(([date.evidence] if date else []) + list(dict.fromkeys(notes)))
    return DocDate(lo, hi, inferred=True, evidence=evidence)


def _event_label(lo: dt.date, hi: dt.date) -> str:
    if (lo.year, lo.month) == (hi.year, hi.month):
        return lo.strftime("%b %Y") if lo != hi else span_label(lo, hi)
    mid = lo + (hi - lo) / 2
    if _width((lo, hi)) <= 62:
        return f"about {mid:%b %Y}"
    return span_label(lo, hi)


def borrow_dates(dates: Sequence[DocDate | None], groups: Sequence[ClaimGroup]) -> list[DocDate | None]:
    """An article with no date of its own (or only a vague inferred one) that carries the same
    sentences, word for word, as articles with a declared date was written within days of them."""
    copies: dict[int, set[int]] = {}
    for g in groups:
        copied = [m.doc for m, kind in zip(g.members, g.kinds, strict=True) if kind in ("self", "exact", "near")]
        for doc in copied:
            copies.setdefault(doc, set()).update(x for x in copied if x != doc)
    out = list(dates)
    for i, date in enumerate(dates):
        span = _span(date)
        if (date is not None and not date.inferred) or (span is not None and _width(span) <= NARROW_DAYS):
            continue
        declared = sorted(j for j in copies.get(i, ()) if (d := dates[j]) is not None and not d.inferred
                          and _width((d.earliest, d.latest)) <= NARROW_DAYS)
        if not declared:
            continue
        slack = dt.timedelta(days=COPY_SLACK_DAYS)
        window: Span | None = (min(dates[j].earliest for j in declared) - slack,  # type: ignore[union-attr]
                               max(dates[j].latest for j in declared) + slack)  # type: ignore[union-attr]
        if span is not None and window is not None:
            window = (max(window[0], span[0]), min(window[1], span[1])) if _overlaps(window, span) else None
        if window is not None:
            refs = "".join(f"[{j + 1}]" for j in declared)
            out[i] = DocDate(window[0], window[1], True, f"carries the same sentences as {refs}, dated")
    return out


def assign_events(docs: Sequence[Document], groups: Sequence[ClaimGroup]) -> EventAssignment:
    """Date the documents, split the cluster into distinct events, and place each claim group."""
    return _assign(docs, groups, [find_expressions(d.text) for d in docs])


def _assign(docs: Sequence[Document], groups: Sequence[ClaimGroup],
            exprs: Sequence[Sequence[DateExpr]]) -> EventAssignment:
    dates = borrow_dates(refine_dates(docs, exprs), groups)
    spans = [_span(d) for d in dates]
    seeds = sorted((i for i, s in enumerate(spans) if s and _width(s) <= NARROW_DAYS),
                   key=lambda i: (spans[i] or (dt.date.min, dt.date.min))[0])
    clusters: list[list[int]] = []
    windows: list[Span] = []
    for i in seeds:
        s = spans[i]
        assert s is not None
        if clusters and s[0] <= windows[-1][1] + dt.timedelta(days=EVENT_GAP_DAYS):
            clusters[-1].append(i)
            windows[-1] = (min(windows[-1][0], s[0]), max(windows[-1][1], s[1]))
        else:
            clusters.append([i])
            windows.append(s)
    doc_events: list[int | None] = [None] * len(docs)
    for e, members in enumerate(clusters):
        for i in members:
            doc_events[i] = e
    if len(clusters) > 1:
        terms = [Counter(t for ts in d.terms for t in ts) if d.terms else Counter(content_terms(d.text))
                 for d in docs]
        profiles = [sum((terms[i] for i in members), Counter()) for members in clusters]
        for i in range(len(docs)):
            if doc_events[i] is not None:
                continue
            s = spans[i]
            cands = [e for e, w in enumerate(windows) if s is None or _overlaps(s, w, NEAR_DAYS)] or list(
                range(len(clusters)))
            doc_events[i] = max(cands, key=lambda e: (_cosine(terms[i], profiles[e]), -e))
        for e, members in enumerate(clusters):
            numbers = "".join(f"[{m + 1}]" for m in members)
            key = _key_days(docs, members, dates, exprs)
            for i in range(len(docs)):
                if doc_events[i] == e and i not in members:
                    dates[i] = _narrow_to_event(exprs[i], dates[i], windows[e], key, numbers)
    elif docs:
        doc_events = [0] * len(docs)
    group_events: list[tuple[int, int | None]] = []
    for g in groups:
        evs = {doc_events[s.doc] for s in g.members if 0 <= s.doc < len(docs)}
        group_events.append((g.id, evs.pop() if len(evs) == 1 else None))
    cores = windows if len(clusters) > 1 else []
    events = _events(docs, dates, doc_events, group_events, cores)
    return EventAssignment(tuple(events), tuple(doc_events), tuple(group_events), tuple(dates))


def _events(docs: Sequence[Document], dates: Sequence[DocDate | None], doc_events: Sequence[int | None],
            group_events: Sequence[tuple[int, int | None]], cores: Sequence[Span]) -> list[Event]:
    """The events, dated by the documents that founded them (or, for a single event, all of them)."""
    events: list[Event] = []
    for e in range(max(len(cores), 1 if docs else 0)):
        members = tuple(i for i, ev in enumerate(doc_events) if ev == e)
        if cores:
            lo, hi = cores[e]
        else:
            dated = [s for i in members if (s := _span(dates[i]))]
            lo = max((s[0] for s in dated), default=dt.date.min)
            hi = min((s[1] for s in dated), default=dt.date.max)
            if lo > hi:
                lo, hi = min(s[0] for s in dated), max(s[1] for s in dated)
        label = _event_label(lo, hi) if lo != dt.date.min else "undated"
        headline = next((docs[i].title for i in members if docs[i].title), "")
        events.append(Event(
            id=e, label=label, earliest=lo, latest=hi, docs=members, sources=tuple(i + 1 for i in members),
            groups=tuple(g for g, ev in group_events if ev == e), headline=headline,
        ))
    return events


# --- timeline --------------------------------------------------------------------------------

def _best(mentions: Sequence[Mention]) -> Mention | None:
    points = [m for m in mentions if m.role not in _NOT_A_POINT and m.kind != "trailing"]
    if not points:
        return None
    return min(points, key=lambda m: (m.width, -m.latest.toordinal(), m.start))


def build_timeline(docs: Sequence[Document], groups: Sequence[ClaimGroup], limit: int | None = None) -> Timeline:
    """Dated claim groups in chronological order, with the cluster's events and source dates.

    ``groups`` are claim groups over ``docs`` (the kept documents); ``limit`` keeps the entries with
    most support and most precise dates.
    """
    exprs = [find_expressions(d.text) for d in docs]
    assignment = _assign(docs, groups, exprs)
    dates = assignment.doc_dates
    event_of = dict(assignment.group_events)
    entries: list[tuple[int, TimelineEntry]] = []
    for g in groups:
        for member in g.members:
            if not 0 <= member.doc < len(docs):
                continue
            date = dates[member.doc]
            best = _best(sentence_mentions(exprs[member.doc], member.start, member.end, _span(date)))
            if best is None:
                continue
            if not best.relative:
                certainty: Certainty = "stated"
            else:
                certainty = "inferred" if date is None or date.inferred else "resolved"
            entries.append((g.support, TimelineEntry(
                earliest=best.earliest, latest=best.latest, label=span_label(best.earliest, best.latest),
                certainty=certainty, when=best.text, text=g.members[0].text,
                sources=tuple(d + 1 for d in g.docs), group=g.id, event=event_of.get(g.id),
            )))
            break
    entries = merge_same_happening(entries)
    kept = [e for _, e in entries] if limit is None else _most_telling(entries, limit)
    ordered = sorted(kept, key=lambda e: (e.earliest, e.latest, e.group))
    return Timeline(
        entries=tuple(ordered), events=assignment.events, group_events=assignment.group_events,
        doc_events=assignment.doc_events, doc_dates=dates,
    )


SAME_HAPPENING = 0.5
"""Share of the shorter entry's content terms the other holds from which two entries with
overlapping dates report one happening ("a cargo ship struck the bridge on Monday")."""


def merge_same_happening(entries: Sequence[tuple[int, TimelineEntry]]) -> list[tuple[int, TimelineEntry]]:
    """One entry per happening: entries of one event whose dates overlap and whose sentences share
    most content words become the one with the most precise date (then the most sources), citing every source."""
    ranked = sorted(entries, key=lambda se: ((se[1].latest - se[1].earliest).days, -len(se[1].sources), se[1].group))
    terms = {e.group: frozenset(content_terms(e.text)) for _, e in entries}
    kept: list[tuple[int, TimelineEntry]] = []
    for support, entry in ranked:
        mine = terms[entry.group]
        for k, (kept_support, other) in enumerate(kept):
            theirs = terms[other.group]
            small = min(len(mine), len(theirs))
            overlap = entry.earliest <= other.latest and other.earliest <= entry.latest
            if overlap and entry.event == other.event and small and len(mine & theirs) / small >= SAME_HAPPENING:
                sources = tuple(sorted(set(other.sources) | set(entry.sources)))
                kept[k] = (max(kept_support, support), dataclasses.replace(other, sources=sources))
                break
        else:
            kept.append((support, entry))
    return kept


def _most_telling(entries: Sequence[tuple[int, TimelineEntry]], limit: int) -> list[TimelineEntry]:
    """Up to ``limit`` entries: best supported and most precise first, one per date before any repeat."""
    ranked = sorted(entries, key=lambda se: (-se[0], (se[1].latest - se[1].earliest).days, se[1].group))
    chosen: list[TimelineEntry] = []
    seen: set[tuple[dt.date, dt.date]] = set()
    for _, e in ranked:
        if len(chosen) < limit and (e.earliest, e.latest) not in seen:
            chosen.append(e)
            seen.add((e.earliest, e.latest))
    for _, e in ranked:
        if len(chosen) < limit and e not in chosen:
            chosen.append(e)
    return chosen


# --- rendering -------------------------------------------------------------------------------

def _written(tl: Timeline) -> str | None:
    """When each dated source was written: "[1] 4 Mar 2025; [2] Mar 2025 (inferred)"."""
    parts = [
        f"[{n}] {span_label(d.earliest, d.latest)}{' (inferred)' if d.inferred else ''}"
        for n, d in enumerate(tl.doc_dates, start=1)
        if d
    ]
    return "; ".join(parts) if parts else None


def _entry_label(e: TimelineEntry) -> str:
    return e.label + (" (inferred)" if e.certainty == "inferred" else "")


def events_sentence(tl: Timeline) -> str | None:
    """"This cluster reports N distinct events: …" when it does, else None."""
    if len(tl.events) < 2:
        return None
    return f"This cluster reports {len(tl.events)} distinct events."


def timeline_markdown(tl: Timeline) -> str:
    """The brief's "## Timeline" section in Markdown."""
    lines = ["## Timeline", ""]
    intro = events_sentence(tl)
    if intro:
        lines.append(intro)
        lines.append("")
        for ev in tl.events:
            head = f" {ev.headline}" if ev.headline else ""
            lines.append(f"- **{ev.label}**{head} {cite(ev.sources)}")
        lines.append("")
    if not tl.entries:
        lines.append("No dated statements found.")
    for e in tl.entries:
        lines.append(f"- **{_entry_label(e)}** — {e.text} {cite(e.sources)}")
    written = _written(tl)
    if written:
        lines.append("")
        lines.append(f"Written: {written}.")
    return "\n".join(lines) + "\n"


def timeline_html(tl: Timeline) -> str:
    """The brief's Timeline section as an HTML fragment; all text escaped."""
    esc = html.escape
    out = ['<section class="timeline">', "<h2>Timeline</h2>"]
    intro = events_sentence(tl)
    if intro:
        out.append(f"<p>{esc(intro)}</p>")
        out.append('<ul class="events">')
        for ev in tl.events:
            out.append(f"<li><strong>{esc(ev.label)}</strong> {esc(ev.headline)} {esc(cite(ev.sources))}</li>")
        out.append("</ul>")
    if not tl.entries:
        out.append("<p>No dated statements found.</p>")
    else:
        out.append('<ul class="entries">')
        for e in tl.entries:
            out.append(
                f'<li><time datetime="{e.earliest.isoformat()}">{esc(_entry_label(e))}</time> '
                f"{esc(e.text)} {esc(cite(e.sources))}</li>"
            )
        out.append("</ul>")
    written = _written(tl)
    if written:
        out.append(f'<p class="written">Written: {esc(written)}.</p>')
    out.append("</section>")
    return "\n".join(out) + "\n"

"""Small charts drawn as SVG by the server: bars of articles per day, and events on a time axis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

MAX_DAYS = 60
MAX_BAR = 12.0


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    description: str
    """What the chart shows, in words (its accessible name)."""


def per_day_chart(counts: Sequence[tuple[str, int]], width: int = 120, height: int = 28) -> Chart:
    """Bars of articles per day from the first to the last day (the last `MAX_DAYS` days of a long story)."""
    if not counts:
        return Chart(width, height, (), "no dated articles")
    by_day = {dt.date.fromisoformat(day): n for day, n in counts}
    last = max(by_day)
    first = max(min(by_day), last - dt.timedelta(days=MAX_DAYS - 1))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    step = width / len(days)
    top = max(by_day.values())
    bars = tuple(
        Bar(
            i * step,
            height - 2 - (height - 2) * by_day[d] / top,
            min(max(step - 1, 1.0), MAX_BAR),
            (height - 2) * by_day[d] / top,
            f"{d.isoformat()}: {by_day[d]}",
        )
        for i, d in enumerate(days)
        if d in by_day
    )
    busiest = max(by_day, key=lambda d: (by_day[d], d))
    description = (
        f"Articles per day, {first.isoformat()} to {last.isoformat()}; "
        f"busiest {busiest.isoformat()} with {by_day[busiest]}"
    )
    return Chart(width, height, bars, description)


@dataclass(frozen=True)
class Span:
    x: float
    y: float
    width: float
    label: str


@dataclass(frozen=True)
class Axis:
    width: int
    height: int
    spans: tuple[Span, ...]
    ticks: tuple[tuple[float, str], ...]
    description: str


@dataclass(frozen=True)
class EventSpan:
    first: str | None
    last: str | None
    label: str


def event_axis(events: Sequence[EventSpan], width: int = 640, row: int = 16) -> Axis:
    """Events as bars on one time axis, from the first event's first day to the last one's last day."""
    dated = [e for e in events if e.first]
    if not dated:
        return Axis(width, row, (), (), "no dated events")
    start = min(dt.date.fromisoformat(e.first or "") for e in dated)
    end = max(dt.date.fromisoformat(e.last or e.first or "") for e in dated)
    days = max((end - start).days, 1)
    scale = (width - 8) / days
    spans = []
    for i, e in enumerate(dated):
        a = dt.date.fromisoformat(e.first or "")
        b = dt.date.fromisoformat(e.last or e.first or "")
        spans.append(Span(4 + (a - start).days * scale, i * row + 2, max((b - a).days * scale, 6), e.label))
    height = len(dated) * row + 22
    middle = start + (end - start) / 2
    ticks = ((4.0, start.isoformat()), (width / 2, middle.isoformat()), (width - 4.0, end.isoformat()))
    description = f"{len(dated)} events from {start.isoformat()} to {end.isoformat()}"
    return Axis(width, height, tuple(spans), ticks, description)

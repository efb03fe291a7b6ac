"""When each article was written: from its metadata, its URL, or inferred from its text.

``document_date(article, text)`` is pure and per article: the ``published`` value (any common
format, parsed by dateparser), else a date in the URL (htmldate's URL rule), else a range inferred
from the cleaned text and marked ``inferred=True`` with the evidence. ``refine_dates(docs)`` then
looks across a cluster: an article with no year of its own ("five-year-old" pact, "November last
year") can be placed using the years and start dates its companions give.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from newsbrief.model import Article, DocDate, Document
from newsbrief.timeline.temporal import (
    NUMBERS,
    DateExpr,
    Span,
    add_months,
    add_years,
    find_expressions,
    month_span,
    resolve,
    span_label,
)

_MIN_YEAR, _MAX_YEAR = 1900, 2100
_PARTIAL_URL = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/")
_FIGURE = re.compile(r"[$€£¥]\s?\d|\d\s?(?:%|percent\b|per cent\b|billion\b|million\b|trillion\b)", re.I)
_HEDGED = re.compile(r"(?i)\b(?:will|would|could|may|might|forecast|projected|expected|estimated|predicted|"
                     r"target|goal|aims?|plans?)\b")
_AGE = re.compile(
    r"(?i)\b(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
    r"[- ]year[- ]old\s+(?:[\w.’'-]+\s+){0,6}?(?P<what>pact|deal|agreement|accord|treaty|fta|law|act|alliance)\b"
)
_INTO_FORCE = re.compile(
    r"(?i)\b(?:took|take|takes|taking|went|go|goes|gone|came|come|comes|entered|enters|entry|entering|"
    r"put|been|was|were)\s+(?:in)?to\s+(?:force|effect)\b|\b(?:took|taken|take|takes|taking)\s+effect\b"
)
_THROUGH = re.compile(r"(?i)\bmonths?\s+(?:through|to|ended|ending|until)\s+(?:the\s+end\s+of\s+)?$")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
_PAIR_CHARS = 250


@dataclass(frozen=True)
class _Clues:
    """What a text says about when it was written, before choosing a year."""

    latest_year: int | None
    latest_text: str
    latest_since: bool
    latest_precise: bool
    stat_year: int | None
    past_dates: tuple[dt.date, ...]
    future_dates: tuple[dt.date, ...]
    month_days: tuple[DateExpr, ...]
    weekdays: tuple[DateExpr, ...]
    ages: tuple[tuple[int, str], ...]
    starts: tuple[tuple[Span, str], ...]
    throughs: tuple[tuple[int, int, bool, str], ...]  # month, year or year offset, offset?, evidence


# --- metadata --------------------------------------------------------------------------------

@cache
def _date_parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"], settings={"PARSERS": ["timestamp", "custom-formats", "absolute-time"]}
    )


def parse_published(value: str) -> Span | None:
    """A day interval for a metadata date in any common format ("2017-08-22T09:00:00+09:00",
    "Tue, 22 Aug 2017 10:00:00 GMT", "August 22, 2017", "2017-08"); None if it is not a date."""
    value = value.strip()
    if not value or len(value) > 80:
        return None
    try:
        day = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        return (day, day) if _MIN_YEAR <= day.year <= _MAX_YEAR else None
    except ValueError:
        pass
    data = _date_parser().get_date_data(value)
    if data is None or data.date_obj is None:
        return None
    got = data.date_obj.date()
    if not _MIN_YEAR <= got.year <= _MAX_YEAR:
        return None
    if data.period == "year":
        return dt.date(got.year, 1, 1), dt.date(got.year, 12, 31)
    if data.period == "month":
        return month_span(got.year, got.month)
    return got, got


def url_date(url: str) -> Span | None:
    """The date in a URL path (/2018/01/05/ or 2018-01-05), or its month (/2018/01/)."""
    from htmldate.extractors import extract_url_date
    from htmldate.utils import Extractor

    options = Extractor(False, dt.datetime(_MAX_YEAR, 12, 31), dt.datetime(1995, 1, 1), True, "%Y-%m-%d")
    found = extract_url_date(url, options)
    if found:
        day = dt.date.fromisoformat(found)
        return day, day
    partial = _PARTIAL_URL.search(url)
    if partial:
        return month_span(int(partial.group(1)), int(partial.group(2)))
    return None


def html_published(html: str, url: str | None = None) -> str | None:
    """The publication date an HTML page declares (meta tags, JSON-LD, URL), by htmldate; no guessing
    from body text. For readers that do not already take it from trafilatura's metadata."""
    import htmldate

    try:
        return htmldate.find_date(html, extensive_search=False, original_date=True, url=url)
    except ValueError:
        return None


def document_date(article: Article, text: str) -> DocDate | None:
    """When ``article`` was written: metadata first, then its URL, else inferred from ``text``."""
    return _document_date(article, text, None)


def _document_date(article: Article, text: str, clues: _Clues | None) -> DocDate | None:
    if article.published:
        span = parse_published(article.published)
        if span:
            return DocDate(span[0], span[1], inferred=False, evidence=f"published: {article.published.strip()}")
    if article.url:
        span = url_date(article.url)
        if span:
            return DocDate(span[0], span[1], inferred=False, evidence=f"date in URL {article.url}")
    return _infer_clues(clues if clues is not None else _clues(text))


# --- inference from the text -----------------------------------------------------------------

def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 400)
    for m in _SENTENCE_END.finditer(text, lo, start):
        lo = m.end()
    hi_m = _SENTENCE_END.search(text, end, end + 400)
    return lo, hi_m.start() + 1 if hi_m else min(len(text), end + 400)


def _clues(text: str, exprs: Sequence[DateExpr] | None = None) -> _Clues:
    if exprs is None:
        exprs = find_expressions(text)
    latest: tuple[int, str, bool] | None = None
    stat: int | None = None
    past_dates: list[dt.date] = []
    future_dates: list[dt.date] = []
    throughs: list[tuple[int, int, bool, str]] = []
    for e in exprs:
        if e.year is not None and e.kind in ("date", "month_year", "year", "quarter") and not e.future \
                and e.role not in ("by", "until", "till", "before"):
            if latest is None or e.year > latest[0] or (e.year == latest[0] and latest[2] and e.role != "since"):
                latest = (e.year, e.text, e.role == "since" and e.kind == "year")
            if e.kind == "year" and not e.part:
                lo, hi = _sentence_bounds(text, e.start, e.end)
                sentence = text[lo:hi]
                if _FIGURE.search(sentence) and not _HEDGED.search(sentence) and (stat is None or e.year > stat):
                    stat = e.year
        if e.kind == "date" and e.year and e.month and e.day:
            (future_dates if e.future else past_dates).append(dt.date(e.year, e.month, e.day))
        if e.role == "through" and e.month and _THROUGH.search(text[max(0, e.start - 40):e.start]):
            if e.kind == "month_relyear":
                throughs.append((e.month, e.offset, True, e.text))
            elif e.kind == "month_year" and e.year:
                throughs.append((e.month, e.year, False, e.text))
    ages = tuple((_age_number(m.group("n")), m.group(0)) for m in _AGE.finditer(text))
    return _Clues(
        latest_year=latest[0] if latest else None,
        latest_text=latest[1] if latest else "",
        latest_since=latest[2] if latest else False,
        latest_precise=latest is not None and any(
            e.year == latest[0] and e.kind in ("date", "month_year") for e in exprs),
        stat_year=stat,
        past_dates=tuple(past_dates),
        future_dates=tuple(future_dates),
        month_days=tuple(e for e in exprs if e.kind == "month_day"),
        weekdays=tuple(e for e in exprs if e.kind == "weekday"),
        ages=ages,
        starts=_starts(text, exprs),
        throughs=tuple(throughs),
    )


def _age_number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBERS.get(word, 0)


def _starts(text: str, exprs: Sequence[DateExpr]) -> tuple[tuple[Span, str], ...]:
    """When something "took effect" / "entered into force": the dated expression nearest the phrase."""
    out: list[tuple[Span, str]] = []
    dated = [e for e in exprs if e.year is not None and e.kind in ("date", "month_year", "year")]
    for m in _INTO_FORCE.finditer(text):
        s_lo, s_hi = _sentence_bounds(text, m.start(), m.end())
        near = [e for e in dated if s_lo <= e.start < s_hi]
        if not near:
            continue
        best = min(near, key=lambda e: min(abs(e.start - m.end()), abs(m.start() - e.end)))
        span = resolve(best, None)
        if span:
            out.append((span, f"{m.group(0)} … {best.text}"))
    return tuple(out)


def _intersect(a: Span | None, b: Span) -> Span | None:
    if a is None:
        return None
    lo, hi = max(a[0], b[0]), min(a[1], b[1])
    return (lo, hi) if lo <= hi else None


def _age_window(age: int, start: Span) -> Span:
    """Written while something that began in ``start`` was ``age`` years old."""
    return add_years(start[0], age), add_years(start[1], age + 1) - dt.timedelta(days=1)


def _window(clues: _Clues, year: int, starts: Sequence[Span], notes: list[str]) -> tuple[Span | None, bool]:
    """The writing interval within ``year`` that the clues allow, and whether a weekday confirmed it."""
    win: Span | None = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    if clues.past_dates:
        latest = max(clues.past_dates)
        win = _intersect(win, (latest, dt.date(_MAX_YEAR, 12, 31)))
    for age, evidence in clues.ages:
        for start in starts:
            win = _intersect(win, _age_window(age, start))
            notes.append(f"'{evidence}' begun {span_label(*start)}")
    for month, value, relative, evidence in clues.throughs:
        y = year + value if relative else value
        y1, m1 = add_months(y, month, 1)
        y2, m2 = add_months(y, month, 2)
        win = _intersect(win, (month_span(y1, m1)[0], month_span(y2, m2)[1]))
        notes.append(f"figures 'through {evidence}' are the latest")
    if win is None:
        return None, False
    confirmed: list[dt.date] = []
    strong = False
    for md in clues.month_days:
        assert md.month is not None and md.day is not None
        for y in (year - 1, year, year + 1):
            try:
                day = dt.date(y, md.month, md.day)
            except ValueError:
                continue
            if not win[0] - dt.timedelta(days=7) <= day <= win[1] + dt.timedelta(days=7):
                continue
            same = [w for w in clues.weekdays if w.weekday == day.weekday()]
            if same:
                confirmed.append(day)
                # A weekday named right beside the date ("on Tuesday, August 22") can choose the year.
                strong = strong or any(abs(w.start - md.start) <= _PAIR_CHARS for w in same)
                notes.append(f"'{md.text}' falls on the {day:%A} the text mentions in {y}")
    if confirmed:
        narrowed = _intersect(win, (min(confirmed) - dt.timedelta(days=7), max(confirmed) + dt.timedelta(days=7)))
        if narrowed is not None:
            return narrowed, strong
    return win, False


def _infer(clues: _Clues, years: Iterable[int], starts: Sequence[Span], head: list[str]) -> DocDate | None:
    results: list[tuple[Span, bool, list[str]]] = []
    for year in years:
        notes: list[str] = []
        win, confirmed = _window(clues, year, starts, notes)
        if win is not None:
            results.append((win, confirmed, notes))
    if any(confirmed for _, confirmed, _ in results):
        results = [r for r in results if r[1]]
    if not results:
        return None
    lo = min(r[0][0] for r in results)
    hi = max(r[0][1] for r in results)
    if (hi - lo).days > 3 * 366:
        return None
    notes = list(dict.fromkeys(head + [n for r in results for n in r[2]]))
    return DocDate(lo, hi, inferred=True, evidence="; ".join(notes))


def _own_years(clues: _Clues) -> tuple[range, list[str]]:
    if clues.latest_year is None:
        return range(0), []
    y = clues.latest_year
    if clues.latest_since:
        return range(y + 1, y + 3), [f"'since {y}' is the latest year mentioned"]
    if clues.stat_year is not None and clues.stat_year >= y:
        return range(y + 1, y + 2), [f"full-year figures for {clues.stat_year} given in the past tense"]
    # A precise recent date ("June 9, 2016") is usually written about within the year; a bare year less so.
    spread = 2 if clues.latest_precise else 3
    return range(y, y + spread), [f"latest year mentioned: '{clues.latest_text}'"]


def infer_text_date(text: str) -> DocDate | None:
    """A writing-date range inferred from the text alone (years, figures, weekdays, ages), or None."""
    return _infer_clues(_clues(text))


def _infer_clues(clues: _Clues) -> DocDate | None:
    years, head = _own_years(clues)
    own_starts = [s for s, _ in clues.starts]
    starts = [_combined(own_starts)] if own_starts and _combined(own_starts) else []
    return _infer(clues, years, [s for s in starts if s is not None], head)


def _combined(spans: Sequence[Span]) -> Span | None:
    """The intersection of spans that agree, or None when they contradict each other."""
    if not spans:
        return None
    out: Span | None = spans[0]
    for s in spans[1:]:
        out = _intersect(out, s)
    return out


def refine_dates(
    docs: Sequence[Document], exprs: Sequence[Sequence[DateExpr]] | None = None
) -> tuple[DocDate | None, ...]:
    """Writing dates for a cluster: each document's own date, narrowed or supplied with what the
    other documents establish (the years they were written in, when the thing they call "N years
    old" began). Metadata dates are kept as they are. ``exprs``: each document's
    `find_expressions(doc.text)`, when the caller has them already."""
    if exprs is None:
        exprs = [find_expressions(d.text) for d in docs]
    clues = [_clues(d.text, e) for d, e in zip(docs, exprs, strict=True)]
    own = [d.date if d.date is not None else _document_date(d.article, d.text, c)
           for d, c in zip(docs, clues, strict=True)]
    start = _combined([s for c in clues for s, _ in c.starts])
    out: list[DocDate | None] = []
    for i, (date, clue) in enumerate(zip(own, clues, strict=True)):
        if date is not None and not date.inferred:
            out.append(date)
            continue
        others = [(j, dd) for j, dd in enumerate(own) if dd is not None and j != i]
        years, head = _own_years(clue)
        if others and (date is None or _weak_and_apart(date, [dd for _, dd in others])):
            # No year of its own (or only an old year that the others contradict): take their years.
            low = date.earliest.year if date else _MIN_YEAR
            years = range(max(low, min(dd.earliest.year for _, dd in others) - 1),
                          max(dd.latest.year for _, dd in others) + 2)
            head = [f"years of the sources it appears with ({''.join(f'[{j + 1}]' for j, _ in others)})"]
            date = None
        elif date is None or not (clue.ages and start):
            out.append(date)
            continue
        new = _infer(clue, years, [start] if start and clue.ages else [], head)
        if new is None or date is None:
            out.append(new if new is not None else own[i])
            continue
        both = _intersect((date.earliest, date.latest), (new.earliest, new.latest))
        notes = dict.fromkeys(date.evidence.split("; ") + new.evidence.split("; "))
        out.append(DocDate(both[0], both[1], True, "; ".join(notes)) if both else date)
    return tuple(out)


def _weak_and_apart(date: DocDate, others: Sequence[DocDate]) -> bool:
    """A date resting only on the latest year mentioned, that no other source's date comes near."""
    weak = date.evidence.startswith("latest year mentioned") and (date.latest - date.earliest).days > 62
    return weak and all(not _intersect((date.earliest, date.latest), (o.earliest, o.latest)) for o in others)

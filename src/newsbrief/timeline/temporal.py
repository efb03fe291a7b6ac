"""Date expressions in sentences, absolute and relative, resolved to day intervals.

``find_expressions`` finds what a sentence says about time ("August 22", "in 2016", "Tuesday",
"last month", "in July last year", "two weeks ago") without resolving it; ``resolve`` turns one
expression into an interval of days, using the article's writing date (itself an interval when it
was inferred) for relative expressions. Vague text stays vague: the result is the union of what the
expression means for every possible writing day, never a single guessed day.

Detection is by regular expressions on capitalised month and weekday names (so "may" and "march"
as words are left alone); calendar arithmetic is the standard library's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

Day = dt.date
Span = tuple[dt.date, dt.date]

MONTHS = {
    name.lower(): i for i, name in enumerate(calendar.month_name) if name
} | {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
     "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
           "several": 3, "a few": 3, "few": 3}

_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?"
MONTH = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d,.]\d)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_NUM = r"(?:\d{1,3}|a few|several|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
       r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)"
_REL = r"(?:last|this|next|previous|past|coming|following)"

# Tried in this order at each position; the first that matches wins, so longer forms come first.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<mo>0[1-9]|1[0-2])-(?P<d>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b(?P<m>{MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})\b")),
    ("dmy", re.compile(rf"\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{MONTH}),?\s+(?P<y>{_YEAR})\b")),
    ("month_relyear", re.compile(
        rf"\b(?P<m>{MONTH})\s+(?:of\s+)?(?P<rel>(?i:last|this|next|the previous|the following))\s+(?i:year)\b")),
    ("month_year", re.compile(rf"\b(?P<m>{MONTH})\s+(?:of\s+)?(?P<y>{_YEAR})\b")),
    ("md", re.compile(rf"\b(?P<m>{MONTH})\s+(?P<d>{_DAY})(?![\d:])\b")),
    ("dm", re.compile(rf"\b(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{MONTH})\b")),
    ("rel_month", re.compile(rf"\b(?P<rel>(?i:last|this|next|this past|this coming))\s+(?P<m>{_MONTH_FULL})\b")),
    ("quarter", re.compile(
        r"\b(?i:(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)"
        rf"(?:\s+(?:of\s+)?(?:(?P<y>{_YEAR})|(?P<rel>(?i:last|this|next))\s+(?i:year)))?")),
    ("decade", re.compile(r"\b(?:the\s+)?(?P<y>1[89]\d0|20[0-9]0)'?s\b")),
    ("year", re.compile(
        r"(?:(?P<part>(?i:\b(?:early|mid|late|the end of|the start of|the beginning of)))[- ]|(?<![\d$£€¥.,/:#-]))"
        rf"(?P<y>{_YEAR})(?![\d%])(?!,\d)(?!\.\d)(?!-\d)")),
    ("bare_month", re.compile(
        r"\b(?P<prep>(?i:in|since|by|until|till|during|through|from|before|after|early|late|mid|"
        rf"the end of|the start of|earlier in|later in))[- ]+(?P<m>{_MONTH_FULL})\b(?!\s+\d)")),
    ("weekday", re.compile(r"\b(?P<w>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?!s\b)\b")),
    ("day_word", re.compile(r"\b(?P<word>(?i:yesterday|today|tomorrow|tonight))\b")),
    ("rel_unit", re.compile(
        r"\b(?P<part>(?i:earlier|later|early|late|mid|the end of|the start of)[- ]?)?"
        rf"(?P<rel>(?i:{_REL}|the previous|the following|the next|the past))\s+(?P<unit>(?i:week|month|year))\b")),
    ("ago", re.compile(
        rf"\b(?P<n>(?i:{_NUM}))\s+(?P<unit>(?i:day|week|month|year))s?\s+"
        r"(?P<dir>(?i:ago|earlier|later|before|after))\b")),
    ("year_earlier", re.compile(
        r"\b(?i:(?:a|the)\s+year\s+(?P<dir>earlier|before|later)|the\s+(?P<rel>previous|following|prior)\s+year)\b")),
]

# Words right before a year that make it a year and not a count ("in 2016", "the 2012 deficit").
_YEAR_CONTEXT = re.compile(
    r"(?i:\b(?:in|since|by|from|to|until|till|through|thru|during|of|for|and|or|between|before|after|"
    r"early|late|mid|end|the|its|their|fiscal|year|years|circa|around|than|spring|summer|fall|autumn|"
    r"winter|season|election|census|budget|around|about|as)\s*-?|[(,'‘\"“]\s*|mid-)$"
)
_AFTER_YEAR_OK = re.compile(r"^(?:\s*$|[\s]*[,.;:)'’\"”!?]|'s|’s|\s+(?:and|to|or|through|when|after|before)\b)")
_ROLE_WORD = re.compile(
    r"(?i)\b(since|until|till|by|through|before|after|from|over|within|starting)\s+(?:the\s+|early\s+|late\s+|mid-?)?$"
)
_FUTURE = re.compile(
    r"(?i)\b(?:will|won't|shall|'ll|is to|are to|(?:is|are|was|were) (?:set|scheduled|due|expected|slated|planned) to|"
    r"(?:is|are) (?:scheduled|due)|plans? to|upcoming|coming)\b"
)
_REPORTING = re.compile(
    r"(?i)\b(?:said|says|told|announced|reported|added|stated|wrote|confirmed|revealed|noted|"
    r"declared|tweeted|insisted|warned|disclosed)\s+(?:on\s+)?$"
)
_BOUNDARY = re.compile(r"[.!?;\n]\s")
# Words that every expression contains; the full patterns only run in windows around them, and only
# the patterns that can contain the word found (a plain alternation is fast; \\b and (?i) are not).
_TRIGGERS = (
    ("M", re.compile(rf"{_MONTH_FULL}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"), False),
    ("W", re.compile(r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"), False),
    ("D", re.compile(r"(?:1[89]|20)\d\d"), False),
    ("R", re.compile(r"yesterday|today|tomorrow|tonight|day|week|month|year|quarter"), True),
)
_PATTERN_CLASSES = {
    "iso": "D", "mdy": "MD", "dmy": "MD", "month_relyear": "M", "month_year": "MD", "md": "M", "dm": "M",
    "rel_month": "M", "quarter": "R", "decade": "D", "year": "D", "bare_month": "M", "weekday": "W",
    "day_word": "R", "rel_unit": "R", "ago": "R", "year_earlier": "R",
}
_WINDOW = 28


@dataclass(frozen=True)
class DateExpr:
    """A date expression found in a text, parsed but not yet resolved."""

    text: str
    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset: int = 0
    unit: str = ""
    part: str = ""
    role: str = ""
    future: bool = False

    @property
    def relative(self) -> bool:
        """True when the expression needs the writing date (or another date) to mean anything."""
        return self.year is None and self.kind not in ("decade",)


@dataclass(frozen=True)
class Mention:
    """A resolved date expression: the days it can mean."""

    text: str
    start: int
    end: int
    kind: str
    earliest: dt.date
    latest: dt.date
    relative: bool
    role: str = ""

    @property
    def width(self) -> int:
        return (self.latest - self.earliest).days + 1


def _month_of(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBERS.get(word, 1)


def _is_future(text: str, start: int) -> bool:
    """Whether the clause before ``start`` speaks of the future ("will meet on Tuesday")."""
    lo = max(0, start - 300)
    clause_start = lo
    for m in _BOUNDARY.finditer(text, lo, start):
        clause_start = m.end()
    before = text[clause_start:start]
    if _REPORTING.search(before):
        return False
    return bool(_FUTURE.search(before))


def _valid_day(year: int | None, month: int, day: int) -> bool:
    return 1 <= day <= calendar.monthrange(year or 2000, month)[1]


def _parse(kind: str, m: re.Match[str], text: str) -> DateExpr | None:
    g = m.groupdict()
    base = DateExpr(text=m.group(0), start=m.start(), end=m.end(), kind=kind)
    if kind == "iso":
        y, mo, d = int(g["y"]), int(g["mo"]), int(g["d"])
        return replace(base, kind="date", year=y, month=mo, day=d) if _valid_day(y, mo, d) else None
    if kind in ("mdy", "dmy", "md", "dm"):
        mo = _month_of(g["m"])
        d = int(re.sub(r"\D", "", g["d"]))
        year = int(g["y"]) if g.get("y") else None
        if not _valid_day(year, mo, d):
            return None
        return replace(base, kind="date" if year else "month_day", year=year, month=mo, day=d)
    if kind == "month_year":
        return replace(base, year=int(g["y"]), month=_month_of(g["m"]))
    if kind == "month_relyear":
        rel = g["rel"].lower()
        offset = -1 if rel in ("last", "the previous") else (1 if rel in ("next", "the following") else 0)
        return replace(base, month=_month_of(g["m"]), offset=offset)
    if kind == "rel_month":
        rel = g["rel"].lower()
        offset = -1 if rel in ("last", "this past") else (1 if rel in ("next", "this coming") else 0)
        return replace(base, kind="month", month=_month_of(g["m"]), offset=offset)
    if kind == "quarter":
        q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}[
            g["q"].lower()]
        rel = (g.get("rel") or "").lower()
        year = int(g["y"]) if g.get("y") else None
        offset = {"last": -1, "next": 1}.get(rel, 0)
        return replace(base, month=3 * q - 2, year=year, offset=offset, unit="quarter" if rel or year else "")
    if kind == "decade":
        return replace(base, year=int(g["y"]))
    if kind == "year":
        before = text[max(0, m.start("y") - 24):m.start("y")]
        after = text[m.end():m.end() + 12]
        if not (g.get("part") or _YEAR_CONTEXT.search(before) or _AFTER_YEAR_OK.match(after)):
            return None
        part = (g.get("part") or "").strip(" -").lower()
        return replace(base, year=int(g["y"]), part=part)
    if kind == "bare_month":
        prep = g["prep"].lower()
        part = prep if prep in ("early", "late", "mid", "the end of", "the start of") else ""
        start = m.start("m") if not part else m.start()
        return replace(base, kind="month", text=text[start:m.end()], start=start, month=_month_of(g["m"]),
                       part=part)
    if kind == "weekday":
        return replace(base, weekday=WEEKDAYS[g["w"].lower()])
    if kind == "day_word":
        word = g["word"].lower()
        return replace(base, offset={"yesterday": -1, "tomorrow": 1}.get(word, 0), unit="day")
    if kind == "rel_unit":
        rel = g["rel"].lower().replace("the ", "")
        offset = {"last": -1, "previous": -1, "past": -1, "this": 0, "next": 1, "coming": 1, "following": 1}[rel]
        part = (g.get("part") or "").strip(" -").lower()
        kind = "trailing" if rel == "past" else kind
        return replace(base, kind=kind, offset=offset, unit=g["unit"].lower(), part=part)
    if kind in ("ago", "year_earlier") and (g.get("dir") or "").lower() in ("before", "after") and not re.match(
            r"\s*(?:[,.;:)]|$)", text[m.end():]):
        return None  # "a year before the pact took effect": relative to what follows, not a date
    if kind == "ago":
        n = _number(g["n"])
        sign = 1 if g["dir"].lower() in ("later", "after") else -1
        chained = g["dir"].lower() != "ago"
        return replace(base, kind="chained" if chained else "ago", offset=sign * n, unit=g["unit"].lower())
    if kind == "year_earlier":
        word = (g.get("dir") or g.get("rel") or "").lower()
        sign = 1 if word in ("later", "following") else -1
        return replace(base, kind="chained", offset=sign, unit="year")
    return None


def _windows(text: str) -> list[tuple[int, int, str]]:
    """Stretches of ``text`` around trigger words (merged where they touch), with the trigger classes."""
    lowered = text.lower()
    hits = sorted((m.start(), m.end(), cls) for cls, pattern, lower in _TRIGGERS
                  for m in pattern.finditer(lowered if lower else text))
    out: list[tuple[int, int, str]] = []
    for start, end, cls in hits:
        lo, hi = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
        if out and lo <= out[-1][1]:
            plo, phi, pcls = out[-1]
            out[-1] = (plo, max(hi, phi), pcls if cls in pcls else pcls + cls)
        else:
            out.append((lo, hi, cls))
    return out


def find_expressions(text: str) -> tuple[DateExpr, ...]:
    """All date expressions in ``text``, left to right, none overlapping."""
    found: list[DateExpr] = []
    for lo, hi, classes in _windows(text):
        local: list[DateExpr] = []
        for kind, pattern in _PATTERNS:
            if not any(c in classes for c in _PATTERN_CLASSES[kind]):
                continue
            for m in pattern.finditer(text, lo, hi):
                if any(m.start() < e.end and e.start < m.end() for e in local):
                    continue
                expr = _parse(kind, m, text)
                if expr is None:
                    continue
                role_m = _ROLE_WORD.search(text, max(0, expr.start - 20), expr.start)
                role = role_m.group(1).lower() if role_m else ""
                local.append(replace(expr, role=role, future=_is_future(text, expr.start)))
        found.extend(local)
    return tuple(sorted(found, key=lambda e: e.start))


def sentence_mentions(exprs: Sequence[DateExpr], start: int, end: int, anchor: Span | None) -> tuple[Mention, ...]:
    """Resolve the expressions (found in a whole document) that lie in ``[start, end)``, one sentence."""
    return _mentions([e for e in exprs if start <= e.start and e.end <= end], anchor, offset=start)


# --- calendar helpers -------------------------------------------------------------------------

def month_span(year: int, month: int) -> Span:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def year_span(year: int) -> Span:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def add_years(day: dt.date, n: int) -> dt.date:
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)


def _part_of(span: Span, part: str, anchor: dt.date | None = None) -> Span:
    """Narrow a span to its early/mid/late third, or to before/after the anchor day."""
    lo, hi = span
    if part and (lo.month, lo.day, hi.month, hi.day) == (1, 1, 12, 31) and lo.year == hi.year:
        # thirds of a year on month boundaries: January-April, May-August, September-December
        thirds = {"early": (1, 4), "the start of": (1, 4), "the beginning of": (1, 4), "mid": (5, 8),
                  "late": (9, 12), "the end of": (9, 12)}
        if part in thirds:
            first, last = thirds[part]
            return month_span(lo.year, first)[0], month_span(lo.year, last)[1]
    days = (hi - lo).days + 1
    if part in ("early", "the start of", "the beginning of"):
        return lo, lo + dt.timedelta(days=days // 3 - 1)
    if part == "mid":
        return lo + dt.timedelta(days=days // 3), lo + dt.timedelta(days=2 * days // 3 - 1)
    if part in ("late", "the end of"):
        return lo + dt.timedelta(days=2 * days // 3), hi
    if part == "earlier" and anchor is not None and lo <= anchor <= hi:
        return lo, anchor
    if part == "later" and anchor is not None and lo <= anchor <= hi:
        return anchor, hi
    return span


def _absolute(expr: DateExpr) -> Span | None:
    """The span of an expression that carries its own year, else None."""
    if expr.year is None:
        return None
    y = expr.year
    if expr.kind == "date" and expr.month and expr.day:
        day = dt.date(y, expr.month, expr.day)
        return day, day
    if expr.kind == "month_year" and expr.month:
        return month_span(y, expr.month)
    if expr.kind == "quarter" and expr.month:
        return month_span(y, expr.month)[0], month_span(y, expr.month + 2)[1]
    if expr.kind == "decade":
        return dt.date(y, 1, 1), dt.date(y + 9, 12, 31)
    if expr.kind == "year":
        return _part_of(year_span(y), expr.part)
    return None


def _at(expr: DateExpr, d: dt.date) -> Span | None:
    """What a relative expression means when the article was written on day ``d``."""
    kind, unit, off = expr.kind, expr.unit, expr.offset
    if kind == "weekday" and expr.weekday is not None:
        if expr.future:
            day = d + dt.timedelta(days=(expr.weekday - d.weekday() - 1) % 7 + 1)
        else:
            day = d - dt.timedelta(days=(d.weekday() - expr.weekday) % 7)
        return day, day
    if kind == "day_word":
        day = d + dt.timedelta(days=off)
        return day, day
    if kind in ("rel_unit", "trailing", "ago"):
        if kind == "trailing":
            length = {"week": 7, "month": 30, "year": 365}[unit]
            return d - dt.timedelta(days=length), d
        if unit == "day":
            day = d + dt.timedelta(days=off)
            return day, day
        if unit == "week":
            if kind == "ago":
                mid = d + dt.timedelta(days=7 * off)
                return mid - dt.timedelta(days=3), mid + dt.timedelta(days=3)
            monday = d - dt.timedelta(days=d.weekday()) + dt.timedelta(days=7 * off)
            return _part_of((monday, monday + dt.timedelta(days=6)), expr.part, d)
        if unit == "month":
            y, m = add_months(d.year, d.month, off)
            return _part_of(month_span(y, m), expr.part, d)
        if unit == "year":
            return _part_of(year_span(d.year + off), expr.part, d)
        return None
    if kind == "month_relyear" and expr.month:
        return month_span(d.year + off, expr.month)
    if kind == "month" and expr.month:
        # "last July": the most recent July before this month; "next July": the next one after it.
        if off < 0:
            y = d.year if expr.month < d.month else d.year - 1
        elif off > 0:
            y = d.year if expr.month > d.month else d.year + 1
        else:
            y = d.year
        return month_span(y, expr.month)
    if kind == "quarter" and expr.month and expr.unit == "quarter":
        y = d.year + off
        return month_span(y, expr.month)[0], month_span(y, expr.month + 2)[1]
    if kind == "month_day" and expr.month and expr.day:
        # The occurrence nearest the writing day, leaning past or future with the tense.
        def cost(cand: dt.date) -> int:
            gap = (cand - d).days
            wrong_side = gap > 14 if not expr.future else gap < -14
            return abs(gap) + (60 if wrong_side else 0)

        cands = [dt.date(y, expr.month, expr.day) for y in (d.year - 1, d.year, d.year + 1)
                 if _valid_day(y, expr.month, expr.day)]
        best = min(cands, key=cost) if cands else None
        return (best, best) if best else None
    return None


def _bare_month(expr: DateExpr, anchor: Span) -> Span | None:
    """ "In June": the June nearest the writing date on the side the tense points to."""
    assert expr.month is not None
    a, b = anchor
    spans = []
    for d in (a, b):
        if expr.future:
            y = d.year if expr.month >= d.month else d.year + 1
        else:
            y = d.year if expr.month <= d.month else d.year - 1
        spans.append(_part_of(month_span(y, expr.month), expr.part))
    return spans[0][0], spans[1][1]


def resolve(expr: DateExpr, anchor: Span | None, previous: Span | None = None) -> Span | None:
    """The days ``expr`` can mean, given the writing date ``anchor`` (an interval) and, for
    chained expressions ("five years earlier", "a year before"), the date mentioned just before it."""
    absolute = _absolute(expr)
    if absolute is not None:
        return absolute
    if expr.kind == "chained":
        base = previous or anchor
        if base is None:
            return None
        lo, hi = base
        if expr.unit == "year":
            return add_years(lo, expr.offset), add_years(hi, expr.offset)
        if expr.unit == "month":
            y1, m1 = add_months(lo.year, lo.month, expr.offset)
            y2, m2 = add_months(hi.year, hi.month, expr.offset)
            return month_span(y1, m1)[0], month_span(y2, m2)[1]
        days = expr.offset * (7 if expr.unit == "week" else 1)
        return lo + dt.timedelta(days=days), hi + dt.timedelta(days=days)
    if anchor is None:
        return None
    if expr.kind == "month" and expr.offset == 0 and expr.month:
        return _bare_month(expr, anchor)
    if expr.kind == "month_day":
        return _month_day(expr, anchor)
    first, last = _at(expr, anchor[0]), _at(expr, anchor[1])
    if first is None or last is None:
        return None
    return min(first[0], last[0]), max(first[1], last[1])


def _month_day(expr: DateExpr, anchor: Span) -> Span | None:
    """ "August 22" with no year: the occurrences within half a year of the writing interval."""
    assert expr.month is not None and expr.day is not None
    a, b = anchor
    if (b - a).days <= 31:
        first, last = _at(expr, a), _at(expr, b)
        if first and last:
            return min(first[0], last[0]), max(first[1], last[1])
        return None
    cands = [dt.date(y, expr.month, expr.day) for y in range(a.year - 1, b.year + 2)
             if _valid_day(y, expr.month, expr.day)]
    near = [c for c in cands if a - dt.timedelta(days=31) <= c <= b + dt.timedelta(days=31)]
    near = near or [c for c in cands if a - dt.timedelta(days=183) <= c <= b + dt.timedelta(days=183)]
    return (min(near), max(near)) if near else None


def find_mentions(text: str, anchor: Span | None) -> tuple[Mention, ...]:
    """Date expressions of ``text`` (one sentence) resolved against the writing interval ``anchor``.

    Expressions that cannot be resolved (relative ones without an anchor) are left out.
    """
    return _mentions(find_expressions(text), anchor)


def _mentions(exprs: Sequence[DateExpr], anchor: Span | None, offset: int = 0) -> tuple[Mention, ...]:
    out: list[Mention] = []
    previous: Span | None = None
    previous_relative = True
    for expr in exprs:
        span = resolve(expr, anchor, previous)
        if span is None:
            continue
        relative = previous_relative if expr.kind == "chained" else expr.relative
        if expr.kind not in ("weekday", "day_word", "chained"):
            previous, previous_relative = span, expr.relative
        out.append(Mention(expr.text, expr.start - offset, expr.end - offset, expr.kind, span[0], span[1],
                           relative, expr.role))
    return tuple(out)


def span_label(lo: dt.date, hi: dt.date) -> str:
    """A short human label for a day interval: "22 Aug 2017", "Aug 2017", "15–21 Aug 2017", "2016"."""
    if lo == hi:
        return f"{lo.day} {lo:%b %Y}"
    if lo.month == 1 and lo.day == 1 and hi.month == 12 and hi.day == 31:
        return str(lo.year) if lo.year == hi.year else f"{lo.year}–{hi.year}"
    full_months = lo.day == 1 and hi.day == calendar.monthrange(hi.year, hi.month)[1]
    if full_months and (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo:%b %Y}"
    if full_months:
        return f"{lo:%b} – {hi:%b %Y}" if lo.year == hi.year else f"{lo:%b %Y} – {hi:%b %Y}"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.day}–{hi.day} {hi:%b %Y}"
    if lo.year == hi.year:
        return f"{lo.day} {lo:%b} – {hi.day} {hi:%b %Y}"
    return f"{lo.day} {lo:%b %Y} – {hi.day} {hi:%b %Y}"

"""Quantities in text: money, percentages and counts, with what they measure and their period."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from newsbrief.facts.model import Figure
from newsbrief.model import DocDate, Document
from newsbrief.text import content_terms, word_list

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"trillion|billion|million|thousand|tn|bn|mn|m|k"
_CURRENCY = r"US\$|U\.S\.\s?\$|S\$|A\$|C\$|NZ\$|HK\$|R\$|\$|€|£|¥|₩|USD\s?|EUR\s?|GBP\s?"
_CUR_WORDS = r"dollars|euros|pounds|yen|won|yuan|rupees|pesos|rubles|roubles"
_UNIT_WORD = r"(?P<noun>(?:[a-z]+-)?[a-z]{3,}s|people|police|staff|children|personnel|cattle)"
_FIGURE_RE = re.compile(
    rf"(?P<money>(?P<cur>{_CURRENCY})\s?(?P<mnum>{_NUM})(?:\s?-?(?P<mscale>{_SCALE})\b)?)"
    rf"|(?P<money2>(?P<m2num>{_NUM})(?:\s(?P<m2scale>{_SCALE}))?\s(?P<curword>{_CUR_WORDS})\b)"
    rf"|(?P<pct>(?P<pnum>{_NUM})\s?(?P<punit>%|percent\b|per cent\b|percentage points?\b))"
    rf"|(?P<count>(?<![\w.,$€£¥-])(?P<cnum>{_NUM})(?:\s(?P<cscale>million|billion|thousand))?\s{_UNIT_WORD}\b)"
)
_CONVERSION_RE = re.compile(
    rf"^\s?\((?:about |around |or |roughly )?(?:{_CURRENCY})\s?(?:{_NUM})(?:\s?(?:{_SCALE}))?\)"
)
_SCALES = {
    "trillion": 1e12,
    "tn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "thousand": 1e3,
    "k": 1e3,
}
_CUR_CODES = {
    "us$": "USD",
    "u.s.$": "USD",
    "$": "USD",
    "usd": "USD",
    "s$": "SGD",
    "a$": "AUD",
    "c$": "CAD",
    "nz$": "NZD",
    "hk$": "HKD",
    "r$": "BRL",
    "€": "EUR",
    "eur": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
    "¥": "JPY",
    "yen": "JPY",
    "₩": "KRW",
    "won": "KRW",
    "yuan": "CNY",
    "dollars": "USD",
    "rupees": "INR",
    "pesos": "MXN",
    "rubles": "RUB",
    "roubles": "RUB",
}
_TIME_NOUNS = frozenset(
    word_list("years months weeks days hours minutes seconds decades centuries times points percent")
)
_APPROX_RE = re.compile(
    r"(?:\bsome|\babout|\baround|\broughly|\bnearly|\balmost|\bapproximately|\bmore than|\bover|\bless than|"
    r"\bunder|\bclose to|\bup to|\bat least|\ban estimated|\bjust over|\bjust under|~)\s*$",
    re.IGNORECASE,
)
_CHANGE_RE = re.compile(
    r"\b(?:rose|fell|increased|decreased|dropped|declined|grew|jumped|climbed|slipped|slid|plunged|soared|"
    r"gained|lost|surged|tumbled|up|down|rise|fall|drop|increase|decrease|decline|growth|jump|cut|"
    r"narrowed|widened|shrank|expanded)\b(?:\s+by)?\s*$",
    re.IGNORECASE,
)
_NEGATIVE_CHANGE = frozenset(
    word_list(
        "fell decreased dropped declined slipped slid plunged lost tumbled down fall drop decrease "
        "decline cut narrowed shrank"
    )
)
_CLAUSE_SPLIT_RE = re.compile(
    r"[,;:()]|\s(?:while|whereas|but|and|when|which|that|who|say|says|said)\s|\s[-–—]\s|-(?:which|who|that)\s"
)
_MONTH = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\."
)
_YEAR = r"(?:19|20)\d\d"
_WEEKDAY = (
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|morning|afternoon|evening|today|yesterday"
)
_WORD_NUMS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_PERIOD_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "months",
        re.compile(
            rf"\b(?:in|during|for|over)\s+the\s+(?P<n>\w+)\s+months?\s+(?:through|to|ending|ended|until)\s+"
            rf"(?P<month>{_MONTH})(?:\s+(?P<year>{_YEAR})|\s+(?P<rel>last|this|previous)\s+year)?"
        ),
    ),
    (
        "quarter",
        re.compile(
            rf"\b(?:in|during|for)\s+the\s+(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter"
            rf"(?:\s+of\s+(?P<year>{_YEAR})|\s+of\s+(?P<rel>last|this|previous)\s+year)?"
        ),
    ),
    (
        "year",
        re.compile(
            rf"\b(?:in|during|for|of|since|by)\s+(?:fiscal\s+)?(?:(?P<month>{_MONTH})\s+)?(?P<year>{_YEAR})\b",
            re.IGNORECASE,
        ),
    ),
    ("rel", re.compile(r"\b(?P<rel>last|previous|this|past)\s+year\b")),
    ("ago", re.compile(r"\b(?P<n>\w+)\s+years?\s+(?:earlier|before)\b")),
    ("span", re.compile(r"\bover\s+the\s+(?P<which>past|last|next)\s+(?P<n>\w+)\s+years\b")),
    ("bare", re.compile(rf"\bthe\s+(?P<year>{_YEAR})\b")),
)


def _number(text: str) -> tuple[float, float]:
    """Value and precision (one unit of the last significant written digit) of "27.7" or "3,000"."""
    plain = text.replace(",", "")
    value = float(plain)
    if "." in plain:
        return value, 10.0 ** -len(plain.split(".")[1])
    digits = plain.lstrip("0") or "0"
    zeros = len(digits) - len(digits.rstrip("0")) if digits != "0" else 0
    return value, 10.0**zeros


def _words_num(word: str) -> int | None:
    return int(word) if word.isdigit() else _WORD_NUMS.get(word.lower())


def cluster_reference_year(docs: Sequence[Document]) -> int | None:
    """The latest year a cluster's texts state, used for "last year" in an undated document."""
    years = [int(y) for doc in docs for y in re.findall(rf"\b(?:in|of|since|during)\s+({_YEAR})\b", doc.text)]
    return max(years) if years else None


def _resolve_period(
    text: str, doc_year: int | None, fallback_year: int | None, prev_period: str | None, change: bool
) -> tuple[str | None, bool]:
    for kind, pattern in _PERIOD_RES:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        rel = groups.get("rel")
        year: str | None = groups.get("year")
        inferred = False
        if rel:
            if rel == "past" and kind == "rel":
                continue
            base = doc_year if doc_year is not None else fallback_year
            if base is None:
                year = f"{rel} year"
            elif doc_year is not None:
                year = str(base - (0 if rel == "this" else 1))
            else:
                # Undated: the latest year the cluster states is taken as "last year".
                year, inferred = (str(base), True) if rel != "this" else ("this year", False)
        if kind == "months":
            return f"{m.group('n')} months through {m.group('month')}{' ' + year if year else ''}", inferred
        if kind == "quarter":
            return f"{m.group('q')} quarter{' ' + year if year else ''}", inferred
        if kind == "year":
            month = groups.get("month")
            return (f"{month} {year}" if month else year), False
        if kind == "rel":
            return year, inferred
        if kind == "ago":
            n = _words_num(m.group("n"))
            if change or n is None or not prev_period or not re.fullmatch(_YEAR, prev_period):
                continue
            return str(int(prev_period) - n), False
        if kind == "span":
            return f"{m.group('which')} {m.group('n')} years", False
        if kind == "bare":
            return year, False
    return None, False


def _clause_left(text: str) -> str:
    parts = _CLAUSE_SPLIT_RE.split(text)
    return parts[-1] if parts else text


def _clause_right(text: str) -> str:
    return _CLAUSE_SPLIT_RE.split(text, maxsplit=1)[0]


_PERIOD_WORDS_RE = re.compile(
    rf"\b(?:in|during|for|of|since|by|over)\s+(?:the\s+)?(?:fiscal\s+)?(?:(?:{_MONTH})\s+)?{_YEAR}\b"
    r"|\b(?:last|previous|this|past)\s+year\b|\b(?:in|over|during)\s+the\s+(?:past|last|next|\w+)\s+(?:months?|years)\b.*"
    r"|\b\w+\s+years?\s+(?:earlier|before)\b",
    re.IGNORECASE,
)
_EDGE_WORDS = frozenset(
    word_list(
        "a an the of in on at to from for with by was were is are be been has have had it its their his "
        "her that which who as than and or stood reaching reached tallied some about around nearly almost "
        "given including"
    )
)


_OF_PHRASE_RE = re.compile(r"^\s*of\s+(?!the\s+(?:total|year|time)\b)(?P<np>[a-z].*)", re.IGNORECASE)
_TRAILING_WORDS = _EDGE_WORDS | frozenset(
    word_list("over under on onto into across about after before during through per via within up down more less")
)


def _measure_text(left: str, right: str) -> str:
    """A short readable phrase for what a figure measures, without its period: the noun phrase
    after "of" when the figure is a share or amount of something ("95% of tariffs on goods"),
    else the clause around it, trimmed of function words at both ends."""
    of_phrase = _OF_PHRASE_RE.match(right)
    text = of_phrase.group("np") if of_phrase else f"{left} {right}"
    words = _PERIOD_WORDS_RE.sub(" ", text).split()
    while words and words[0].lower().strip(".,") in _EDGE_WORDS:
        words = words[1:]
    while words and words[-1].lower().strip(".,") in _TRAILING_WORDS:
        words = words[:-1]
    return " ".join(words)


_STOP_MEASURE = frozenset(
    word_list(
        "said says told according report reported show showed data figure figures indicate indicated "
        "stood reach reaching reached tallied was were is are had has have been total totaled totalled "
        "than as much twice"
    )
)


def measure_terms(measure: str, ignore: Iterable[str] = ()) -> frozenset[str]:
    """Stemmed words that say what a figure measures; deficit/surplus/gap/imbalance count as one."""
    mirror = {
        "deficit": "balanc",
        "surplus": "balanc",
        "gap": "balanc",
        "imbal": "balanc",
        "imbalanc": "balanc",
    }
    ignored = set(content_terms(" ".join(ignore))) | set(content_terms(" ".join(_STOP_MEASURE)))
    words = re.sub(rf"\b{_YEAR}\b|\b(?:{_MONTH}|{_WEEKDAY})\b", " ", measure)
    return frozenset(mirror.get(t, t) for t in content_terms(words) if t not in ignored and len(t) > 1)


def extract_figures(
    docs: Sequence[Document], ignore: Iterable[str] = (), dates: Sequence[DocDate | None] | None = None
) -> list[tuple[Figure, frozenset[str]]]:
    """Every figure of every document with its measure terms (for grouping), in source order.

    ``dates``: each document's writing date (`newsbrief.timeline.dates.refine_dates`), from which a
    relative year ("last year") counts; by default the documents' own dates.
    """
    ignore = tuple(ignore)
    fallback_year = cluster_reference_year(docs)
    out: list[tuple[Figure, frozenset[str]]] = []
    for d, doc in enumerate(docs):
        date = dates[d] if dates is not None else doc.date
        doc_year = date.latest.year if date is not None and date.earliest.year == date.latest.year else None
        for sent in doc.sentences:
            out.extend(_sentence_figures(sent.text, d + 1, doc_year, fallback_year, ignore))
    return out


def _sentence_figures(
    text: str, source: int, doc_year: int | None, fallback_year: int | None, ignore: tuple[str, ...]
) -> list[tuple[Figure, frozenset[str]]]:
    matches = [
        m
        for m in _FIGURE_RE.finditer(text)
        if not (m.group("count") and (m.group("noun") in _TIME_NOUNS or re.fullmatch(_YEAR, m.group("cnum"))))
    ]
    found: list[tuple[Figure, frozenset[str]]] = []
    spans: list[tuple[int, int]] = []
    for i, m in enumerate(matches):
        start, end = m.span()
        if spans and start < spans[-1][1]:
            continue  # inside a conversion already read: "(S$37.7 billion)"
        if m.group("money") or m.group("money2"):
            if m.group("money"):
                num, scale = m.group("mnum"), m.group("mscale")
            else:
                num, scale = m.group("m2num"), m.group("m2scale")
            cur = (m.group("cur") or m.group("curword") or "$").replace(" ", "").lower()
            unit = _CUR_CODES.get(cur, cur.upper())
            conv = _CONVERSION_RE.match(text[end:])
            if conv:
                end += conv.end()
        elif m.group("pct"):
            num, scale = m.group("pnum"), None
            unit = "%" if not m.group("punit").startswith("percentage") else "percentage points"
        else:
            num, scale, unit = m.group("cnum"), m.group("cscale"), m.group("noun")
        value, precision = _number(num)
        mult = _SCALES.get((scale or "").lower(), 1.0)
        value, precision = value * mult, precision * mult
        prev_end = spans[-1][1] if spans else 0
        next_start = next((n.start() for n in matches[i + 1 :] if n.start() >= end), len(text))
        before = text[prev_end:start]
        left = _clause_left(before)
        right = _clause_right(text[end:next_start])
        approx = _APPROX_RE.search(before)
        approximate = approx is not None
        change = unit in ("%", "percentage points") and bool(_CHANGE_RE.search(before))
        measure = _measure_text(" ".join(left.split()[-9:]), " ".join(right.split()[:6]))
        terms = measure_terms(measure, ignore)
        if found and (not terms or len(before.split()) <= 3):
            prev_fig, prev_terms = found[-1]
            terms = prev_terms | terms
            measure = prev_fig.measure
        prev_period = found[-1][0].period if found else None
        period, inferred = _resolve_period(
            text[end:next_start][:90], doc_year, fallback_year, prev_period, change
        )
        if period is None:
            period, inferred = _resolve_period(left, doc_year, fallback_year, prev_period, change)
        if period is None and found and (change or len(before.split()) <= 3):
            period, inferred = found[-1][0].period, found[-1][0].period_inferred
        if period is None:
            years = set(re.findall(rf"\bin\s+({_YEAR})\b", text, re.IGNORECASE))
            if len(years) == 1:
                period = years.pop()
        spans.append((start, end))
        written = text[start:end].strip()
        if approx is not None and approx.group(0).strip():
            written = f"{approx.group(0).strip()} {written}"
        fig = Figure(
            text=written,
            value=value,
            unit=unit,
            approximate=approximate,
            precision=precision,
            measure=measure.strip(" ,.;:") or text[start:end],
            period=period,
            period_inferred=inferred,
            change=change,
            source=source,
            sentence=text,
        )
        found.append((fig, terms))
    return found

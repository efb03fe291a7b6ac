"""Plain typed facts of a brief: people, figures and where sources disagree, quotes.

Every item lists the sources that carry it as 1-based source numbers (kept document index + 1).
Fields are str/int/float/bool/None/tuples/nested dataclasses only, so a generic serializer can
turn a `Facts` into JSON.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entity:
    """A person, organisation or place, merged across sources and name variants."""

    name: str
    kind: str  # "person" | "organisation" | "place"
    variants: tuple[str, ...]
    sources: tuple[int, ...]
    mentions: int
    role: str | None = None


@dataclass(frozen=True)
class Figure:
    """One quantity as one source writes it, with what it measures and when."""

    text: str  # as written: "US$27.7 billion (S$37.7 billion)"
    value: float  # in base units: 27.7e9
    unit: str  # "USD", "EUR", "%", "percentage points", or a counted noun ("people")
    approximate: bool  # "some", "about", "nearly" ...
    precision: float  # one unit of the last written digit, in base units (0.1e9 for "27.7 billion")
    measure: str  # the words around it that say what it measures
    period: str | None  # "2016", "11 months through November 2017", ...
    period_inferred: bool  # period came from "last year" resolved without the article's date
    change: bool  # a rise or fall ("fell 0.03 percent", "down 18 percent")
    source: int
    sentence: str


@dataclass(frozen=True)
class FigureValue:
    """One distinct value of a figure group and the sources that give it."""

    text: str
    value: float
    sources: tuple[int, ...]


@dataclass(frozen=True)
class FigureGroup:
    """Figures about the same thing in the same period, across sources."""

    id: int
    measure: str
    period: str | None
    unit: str
    values: tuple[FigureValue, ...]
    figures: tuple[Figure, ...]
    verdict: str  # "single" | "consistent" | "rounding" | "conflict"
    sources: tuple[int, ...]


@dataclass(frozen=True)
class Disagreement:
    """A figure group whose values conflict even once rounding is allowed."""

    group: int
    measure: str
    period: str | None
    values: tuple[FigureValue, ...]
    note: str


@dataclass(frozen=True)
class SelfContradiction:
    """A figure whose own arithmetic does not add up ("fell 0.03% from 43.5 to 42.3")."""

    source: int
    sentence: str
    claimed: str
    computed: str
    note: str


@dataclass(frozen=True)
class Quote:
    """A direct quotation, its speaker (a merged person or organisation) and where it appears."""

    text: str
    speaker: str | None
    sources: tuple[int, ...]


@dataclass(frozen=True)
class Facts:
    """Everything the facts sections of a brief show."""

    people: tuple[Entity, ...] = ()
    organisations: tuple[Entity, ...] = ()
    places: tuple[Entity, ...] = ()
    figures: tuple[FigureGroup, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    self_contradictions: tuple[SelfContradiction, ...] = ()
    quotes: tuple[Quote, ...] = ()
    ner: str = "rules"

"""Plain typed data that flows through the pipeline: articles in, a brief out.

Every stage takes these objects and returns new ones; nothing here holds state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from newsbrief.facts.model import Facts
    from newsbrief.timeline.events import Timeline


@dataclass(frozen=True)
class Article:
    """One news article as read from a file, a JSON line or a caller."""

    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    author: str | None = None
    path: str | None = None
    id: str | None = None

    @property
    def label(self) -> str:
        """The shortest thing that tells a user which input this was."""
        return self.path or self.url or self.id or (self.title or self.text[:40])

    def fingerprint(self) -> str:
        """A stable id from the content, used when the caller gives none."""
        digest = hashlib.sha1(self.text.encode("utf-8", "replace")).hexdigest()
        return digest[:16]


@dataclass(frozen=True)
class RemovedLine:
    """A line dropped from an article while cleaning it, and why."""

    text: str
    reason: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of a cleaned document; ``start``/``end`` index ``Document.text``."""

    doc: int
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DocDate:
    """When a document was written: a day range, from metadata or inferred from its text."""

    earliest: dt.date
    latest: dt.date
    inferred: bool
    evidence: str

    @property
    def exact(self) -> bool:
        return self.earliest == self.latest


@dataclass(frozen=True)
class Document:
    """An article after cleaning: the text a reader would call the article."""

    id: str
    article: Article
    title: str
    text: str
    sentences: tuple[Sentence, ...]
    removed: tuple[RemovedLine, ...] = ()
    date: DocDate | None = None
    terms: tuple[tuple[str, ...], ...] = ()
    """Stemmed content words of each sentence (`newsbrief.text.content_terms`), in sentence order."""

    @property
    def label(self) -> str:
        return self.article.label


@dataclass(frozen=True)
class ClaimGroup:
    """Sentences from one or more documents that say the same thing."""

    id: int
    members: tuple[Sentence, ...]
    kinds: tuple[MatchKind, ...]

    @property
    def docs(self) -> tuple[int, ...]:
        return tuple(sorted({s.doc for s in self.members}))

    @property
    def support(self) -> int:
        return len(self.docs)


MatchKind = Literal["self", "exact", "near", "paraphrase"]


@dataclass(frozen=True)
class Citation:
    """Where a brief sentence's claim stands in one source."""

    source: int
    doc_id: str
    start: int
    end: int
    text: str
    match: MatchKind


def cite(sources: Iterable[int]) -> str:
    """Source numbers as the text renderings print them: ``[1][3]``."""
    return "".join(f"[{n}]" for n in sources)


@dataclass(frozen=True)
class Repair:
    """Words put in square brackets in place of a source's words so that a sentence stands alone:
    ``text[start:end]`` of the source sentence (``original``) reads ``inserted`` in the brief."""

    start: int
    end: int
    original: str
    inserted: str


@dataclass(frozen=True)
class BriefSentence:
    text: str
    citations: tuple[Citation, ...]
    support: int
    group: int
    event: int | None = None
    repairs: tuple[Repair, ...] = ()
    """Bracket repairs (offsets in the primary citation's text); empty when the text is the source's."""

    @property
    def sources(self) -> tuple[int, ...]:
        return tuple(sorted({c.source for c in self.citations}))


@dataclass(frozen=True)
class Source:
    """A numbered source of a brief: one kept document."""

    number: int
    doc_id: str
    title: str
    location: str
    published: str | None
    date_inferred: bool = False
    outlet: str | None = None
    also_in: tuple[str, ...] = ()
    """Other outlets (or files) that carry the same article: syndicated copies counted as this source."""


@dataclass(frozen=True)
class Dropped:
    """An input that did not make it into the brief, and why."""

    label: str
    reason: str
    doc_id: str | None = None
    copy_of: str | None = None
    """For a copy of a kept document (a syndicated wire story): the doc_id of the one kept."""
    outlet: str | None = None


@dataclass(frozen=True)
class Brief:
    """The result: selected sentences with citations, sources, and what was left out."""

    title: str
    sentences: tuple[BriefSentence, ...]
    sources: tuple[Source, ...]
    dropped: tuple[Dropped, ...] = ()
    warnings: tuple[str, ...] = ()
    words: int = 0
    facts: Facts | None = None
    timeline: Timeline | None = None

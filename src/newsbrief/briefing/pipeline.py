"""The brief pipeline in one place: read -> clean -> filter -> group -> select -> facts, timeline.

Each stage is a pure function of plain data; `brief` runs them in order and assembles a `Brief`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from newsbrief.briefing.claims import ClaimOptions, claim_groups
from newsbrief.briefing.clean import clean_article
from newsbrief.briefing.relevance import RelevanceOptions, filter_documents
from newsbrief.briefing.select import Budget, SelectOptions, select_brief
from newsbrief.briefing.standalone import apply_repairs, repair, resolved, standing
from newsbrief.errors import InputError
from newsbrief.inputs.limits import Limits
from newsbrief.inputs.readers import ReadOptions, read_inputs
from newsbrief.model import (
    Article,
    Brief,
    BriefSentence,
    Citation,
    ClaimGroup,
    DocDate,
    Document,
    Dropped,
    MatchKind,
    Repair,
    Sentence,
    Source,
)
from newsbrief.text import words
from newsbrief.vectors import sentence_space

if TYPE_CHECKING:
    from newsbrief.timeline.events import Timeline

Input = str | Path | Article


@dataclass(frozen=True)
class BriefOptions:
    """Everything that shapes a brief; the CLI folds its flags into one of these."""

    words: int | None = 150
    sentences: int | None = None
    facts: bool = True
    timeline: bool = True
    timeline_entries: int | None = 12
    """The brief's timeline keeps the best-supported, most precise entries (None: all)."""
    ner: Literal["rules", "spacy", "auto"] = "rules"
    """Named-entity back-end of the facts: "spacy" needs the ``ner`` extra."""
    order: Literal["oldest", "newest"] = "oldest"
    cluster: str | None = None
    relevance: RelevanceOptions = field(default_factory=RelevanceOptions)
    claims: ClaimOptions = field(default_factory=ClaimOptions)
    limits: Limits = field(default_factory=Limits)
    """Bounds on what one input may cost to read (`newsbrief.inputs.limits`)."""
    select: SelectOptions = field(default_factory=SelectOptions)
    """Lede, standalone sentences, bracket repairs and same-fact merging (``repairs=False`` turns
    bracket repairs off: a pronoun-led sentence is then chosen only after its source's previous one)."""

    def __post_init__(self) -> None:
        if self.words is not None and self.words < 1:
            raise InputError(f"the word budget must be a positive number, not {self.words}")
        if self.sentences is not None and self.sentences < 1:
            raise InputError(f"the sentence count must be a positive number, not {self.sentences}")
        if self.order not in ("oldest", "newest"):
            raise InputError(f"order must be 'oldest' or 'newest', not {self.order!r}")


@dataclass(frozen=True)
class Prepared:
    """A cluster after the per-article and per-cluster stages, before selection."""

    docs: tuple[Document, ...]
    groups: tuple[ClaimGroup, ...]
    dropped: tuple[Dropped, ...]
    warnings: tuple[str, ...]


def renumber(doc: Document, index: int) -> Document:
    """The same document at another position of the kept list (sentences point to it)."""
    sentences = tuple(dataclasses.replace(s, doc=index) for s in doc.sentences)
    return dataclasses.replace(doc, sentences=sentences)


def prepare_articles(articles: Sequence[Article], options: BriefOptions) -> Prepared:
    """Clean each article, drop what does not belong, and group same-claim sentences."""
    if not articles:
        raise InputError("no articles to brief")
    docs = [clean_article(article, doc=i) for i, article in enumerate(articles)]
    kept, dropped, warnings = filter_documents(docs, options.relevance)
    if not kept:
        reasons = "; ".join(f"{d.label}: {d.reason}" for d in dropped[:3])
        raise InputError(f"nothing left to brief: every article was dropped ({reasons})")
    kept = [renumber(d, i) for i, d in enumerate(kept)]
    groups = claim_groups(kept, options.claims, sentence_space(kept))
    return Prepared(tuple(kept), groups, tuple(dropped), tuple(warnings))


def _read(inputs: Input | Sequence[Input], options: BriefOptions) -> tuple[list[Article], list[str]]:
    items: Sequence[Input] = [inputs] if isinstance(inputs, str | Path | Article) else inputs
    read = read_inputs(items, ReadOptions(cluster=options.cluster, limits=options.limits))
    if not read.articles:
        detail = f" ({'; '.join(read.warnings[:3])})" if read.warnings else ""
        raise InputError(f"no readable articles in {', '.join(map(str, items)) or 'the input'}{detail}")
    return read.articles, read.warnings


def brief(inputs: Input | Sequence[Input], options: BriefOptions | None = None, **overrides: object) -> Brief:
    """Brief a cluster: paths (files, folders, ``-`` for stdin) or `Article` objects.

    Keyword arguments override fields of ``options``: ``brief("news/", words=100)``.
    """
    options = dataclasses.replace(options or BriefOptions(), **overrides)  # type: ignore[arg-type]
    articles, warnings = _read(inputs, options)
    return assemble(prepare_articles(articles, options), options, tuple(warnings))


def timeline_of(inputs: Input | Sequence[Input], options: BriefOptions | None = None) -> tuple[Timeline, list[str]]:
    """The full timeline of a cluster (every dated entry), and the reading warnings."""
    from newsbrief.timeline.events import build_timeline

    options = options or BriefOptions()
    articles, warnings = _read(inputs, options)
    prepared = prepare_articles(articles, options)
    return build_timeline(prepared.docs, prepared.groups), warnings + list(prepared.warnings)


def assemble(prepared: Prepared, options: BriefOptions, read_warnings: tuple[str, ...] = ()) -> Brief:
    """Select sentences, add facts and timeline, and cite every source of each sentence."""
    docs, groups = prepared.docs, prepared.groups
    dated = None
    if options.timeline:
        from newsbrief.timeline.events import build_timeline

        dated = build_timeline(docs, groups, limit=options.timeline_entries)
        if options.order == "newest":
            dated = dataclasses.replace(dated, events=dated.events[::-1])
    # When the cluster reports several events, the brief shows each of them.
    cover = [frozenset(g for g, e in dated.group_events if e == ev.id) for ev in dated.events] if dated else []
    budget = Budget(words=options.words, sentences=options.sentences)
    selection = select_brief(docs, groups, budget, cover=cover if len(cover) > 1 else (), options=options.select)
    facts = None
    if options.facts:
        from newsbrief.facts import extract_facts

        facts = extract_facts(docs, ner=options.ner)
    sentences: list[BriefSentence] = []
    for group, shown in zip(selection.groups, selection.printed, strict=True):
        fixes = _repairs(docs, shown, selection.printed[: len(sentences)]) if options.select.repairs else ()
        also = selection.same_fact.get(group.id, ())
        event = dated.event_of(group.id) if dated else None
        sentences.append(_brief_sentence(group, shown, also, docs, event, fixes))
    dates = dated.doc_dates if dated else tuple(d.date for d in docs)
    return Brief(
        title=brief_title(docs),
        sentences=tuple(sentences),
        sources=tuple(_source(i, d, dates[i], prepared.dropped) for i, d in enumerate(docs)),
        dropped=prepared.dropped,
        warnings=read_warnings + prepared.warnings,
        words=sum(len(words(s.text)) for s in sentences),
        facts=facts,
        timeline=dated,
    )


def _repairs(docs: Sequence[Document], sentence: Sentence, earlier: Sequence[Sentence]) -> tuple[Repair, ...]:
    """The bracket repair that lets ``sentence`` stand after ``earlier``, if it needs and has one."""
    need = standing(sentence.text)
    if resolved(need, sentence, earlier):
        return ()
    fix = repair(docs[sentence.doc], sentence)
    return (fix,) if fix else ()


def _brief_sentence(
    group: ClaimGroup,
    shown: Sentence,
    same_fact: Sequence[ClaimGroup],
    docs: Sequence[Document],
    event: int | None,
    repairs: tuple[Repair, ...],
) -> BriefSentence:
    """The printed sentence with a citation of every source of its claim group and of the left-out
    groups stating the same fact (cited as paraphrases)."""
    kinds: dict[Sentence, MatchKind] = {}
    for member, kind in zip(group.members, group.kinds, strict=True):
        kinds[member] = "self" if member == shown else ("paraphrase" if kind == "self" else kind)
    for other in same_fact:
        for member in other.members:
            if all(m.doc != member.doc for m in kinds):
                kinds[member] = "paraphrase"
    citations = tuple(
        Citation(source=s.doc + 1, doc_id=docs[s.doc].id, start=s.start, end=s.end, text=s.text, match=kind)
        for s, kind in sorted(kinds.items(), key=lambda m: (m[0].doc, m[1] != "self"))
    )
    return BriefSentence(
        text=apply_repairs(shown.text, repairs),
        citations=citations,
        support=len({c.source for c in citations}),
        group=group.id,
        event=event,
        repairs=repairs,
    )


def _source(index: int, doc: Document, date: DocDate | None, dropped: Sequence[Dropped]) -> Source:
    """Source ``index + 1``; ``date`` is the cluster-level writing date (see `newsbrief.dates.refine_dates`)."""
    article = doc.article
    return Source(
        number=index + 1,
        doc_id=doc.id,
        title=doc.title or Path(doc.label).name,
        location=article.url or article.path or doc.id,
        published=_iso(date),
        date_inferred=bool(date and date.inferred),
        outlet=article.source,
        also_in=tuple(d.outlet or d.label for d in dropped if d.copy_of == doc.id),
    )


def _iso(date: DocDate | None) -> str | None:
    """An ISO date, or an ISO interval ``start/end`` when only a range is known."""
    if date is None:
        return None
    if date.exact:
        return date.earliest.isoformat()
    return f"{date.earliest.isoformat()}/{date.latest.isoformat()}"


def brief_title(docs: Sequence[Document]) -> str:
    """The headline most sources share, else the first source's, else a plain description."""
    titles = Counter(d.title for d in docs if d.title)
    if titles:
        best, count = titles.most_common(1)[0]
        return best if count > 1 else next(d.title for d in docs if d.title)
    return f"Brief of {len(docs)} article{'s' if len(docs) != 1 else ''}"

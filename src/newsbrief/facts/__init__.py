"""Facts of a brief: who is involved, the figures and where sources disagree, and who said what."""

from __future__ import annotations

from collections.abc import Sequence

from newsbrief.facts.compare import group_figures, self_contradictions
from newsbrief.facts.entities import merge_entities
from newsbrief.facts.figures import extract_figures
from newsbrief.facts.model import (
    Disagreement,
    Entity,
    Facts,
    Figure,
    FigureGroup,
    FigureValue,
    Quote,
    SelfContradiction,
)
from newsbrief.facts.ner import BACKENDS, MissingBackend, find_mentions
from newsbrief.facts.quotes import find_quotes
from newsbrief.facts.render import facts_html, facts_markdown
from newsbrief.model import Document

__all__ = [
    "BACKENDS",
    "Disagreement",
    "Entity",
    "Facts",
    "Figure",
    "FigureGroup",
    "FigureValue",
    "MissingBackend",
    "Quote",
    "SelfContradiction",
    "extract_facts",
    "facts_html",
    "facts_markdown",
]


def extract_facts(docs: Sequence[Document], *, ner: str = "rules") -> Facts:
    """People, organisations, places, figure groups, disagreements and quotes of cleaned, kept documents.

    ``ner`` is "rules" (the default: as accurate on our annotations and 20 times faster, see
    docs/benchmarks.md), "spacy" (needs ``pip install 'newsbrief[ner]'``) or "auto" (spaCy when
    installed, else rules). Source numbers in the result are kept document index + 1.
    """
    mentions, backend = find_mentions(docs, ner)
    entities = merge_entities(docs, mentions)
    place_words = [v for e in entities.places for v in (e.name, *e.variants)]
    from newsbrief.timeline.dates import refine_dates

    # "Last year" counts from each article's own writing date, inferred from its text when needed.
    figures = extract_figures(docs, ignore=place_words, dates=refine_dates(docs))
    groups, disagreements = group_figures(figures)
    contradictions = self_contradictions([f for f, _ in figures])
    quotes = find_quotes(docs, entities.resolved)
    return Facts(
        people=entities.people,
        organisations=entities.organisations,
        places=entities.places,
        figures=groups,
        disagreements=disagreements,
        self_contradictions=contradictions,
        quotes=quotes,
        ner=backend,
    )

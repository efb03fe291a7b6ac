"""A brief together with the cleaned documents it cites, so a reader can check each citation in place:
the source's own sentence with its neighbours, and where it stands in that source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsbrief.briefing.pipeline import BriefOptions, assemble, prepare_articles
from newsbrief.model import Article, Brief, Citation, Document


@dataclass(frozen=True)
class CitationContext:
    """A cited sentence as its source wrote it, between its neighbours."""

    before: str
    sentence: str
    after: str
    number: int
    """1-based position of the sentence in its source."""
    of: int
    """Sentences in the source."""


@dataclass(frozen=True)
class CitedBrief:
    brief: Brief
    documents: tuple[Document, ...]
    """The kept documents, in source order (source n is ``documents[n - 1]``)."""

    def context(self, citation: Citation) -> CitationContext:
        """The cited sentence in its source, with the sentences around it."""
        doc = self.documents[citation.source - 1]
        sentences = doc.sentences
        index = next((i for i, s in enumerate(sentences) if s.start == citation.start), None)
        if index is None:
            return CitationContext("", citation.text, "", 0, len(sentences))
        before = sentences[index - 1].text if index > 0 else ""
        after = sentences[index + 1].text if index + 1 < len(sentences) else ""
        return CitationContext(before, sentences[index].text, after, index + 1, len(sentences))

    def cited_spans(self, doc_id: str) -> set[tuple[int, int]]:
        """(start, end) in the cleaned text of every sentence of document ``doc_id`` that the brief cites."""
        return {
            (c.start, c.end) for s in self.brief.sentences for c in s.citations if c.doc_id == doc_id
        }


def cited_brief(
    articles: Sequence[Article], options: BriefOptions | None = None, warnings: tuple[str, ...] = ()
) -> CitedBrief:
    """Brief ``articles`` (as `newsbrief.brief`) and keep the cleaned documents the brief cites;
    ``warnings`` (from reading the articles) lead the brief's own."""
    options = options or BriefOptions()
    prepared = prepare_articles(articles, options)
    return CitedBrief(assemble(prepared, options, warnings), prepared.docs)

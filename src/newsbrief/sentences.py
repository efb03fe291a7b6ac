"""Sentence splitting with character offsets, by syntok (rule-based, abbreviation-aware)."""

from __future__ import annotations

from syntok import segmenter

from newsbrief.model import Sentence


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of each sentence in ``text``.

    syntok keeps "U.S.", "Mr.", "Jan. 5", "$27.7 billion", ellipses and quotations together.
    A blank line always ends a sentence; cleaned text has one paragraph per block.
    """
    spans: list[tuple[int, int]] = []
    for paragraph in segmenter.analyze(text):
        for tokens in paragraph:
            if not tokens:
                continue
            first, last = tokens[0], tokens[-1]
            start = first.offset
            end = last.offset + len(last.value)
            if end > start:
                spans.append((start, end))
    return spans


def split_sentences(text: str, doc: int = 0) -> tuple[Sentence, ...]:
    """Split a cleaned document into `Sentence` objects that point back into ``text``."""
    return tuple(
        Sentence(doc=doc, index=i, start=start, end=end, text=text[start:end])
        for i, (start, end) in enumerate(sentence_spans(text))
    )

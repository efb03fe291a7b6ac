"""TF-IDF vectors of a cluster's sentences and documents, computed once and shared by the stages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from newsbrief.model import Document, Sentence
from newsbrief.text import content_terms


def doc_terms(doc: Document) -> tuple[tuple[str, ...], ...]:
    """The document's per-sentence terms, computed here if the cleaner did not."""
    if len(doc.terms) == len(doc.sentences):
        return doc.terms
    return tuple(tuple(content_terms(s.text)) for s in doc.sentences)


@dataclass(frozen=True)
class SentenceSpace:
    """Row ``i`` of ``matrix`` is the L2-normalised TF-IDF vector of ``sentences[i]``."""

    sentences: tuple[Sentence, ...]
    terms: tuple[tuple[str, ...], ...]
    matrix: sparse.csr_matrix
    vocabulary: dict[str, int]
    idf: np.ndarray
    rows: dict[tuple[int, int], int]

    def row(self, sentence: Sentence) -> int:
        return self.rows[(sentence.doc, sentence.index)]


def _normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def tfidf(
    term_lists: Sequence[Sequence[str]], vocabulary: dict[str, int] | None = None
) -> tuple[sparse.csr_matrix, dict[str, int], np.ndarray]:
    """A sublinear TF-IDF matrix (rows L2-normalised), its vocabulary and IDF weights."""
    vocab: dict[str, int] = {} if vocabulary is None else vocabulary
    rows: list[int] = []
    cols: list[int] = []
    for r, terms in enumerate(term_lists):
        for term in terms:
            col = vocab.setdefault(term, len(vocab))
            rows.append(r)
            cols.append(col)
    counts = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(term_lists), len(vocab)), dtype=np.float64
    )
    counts.sum_duplicates()
    counts.data = 1.0 + np.log(counts.data)
    df = np.bincount(counts.indices, minlength=len(vocab))
    idf = np.log((1 + len(term_lists)) / (1 + df)) + 1.0
    return _normalise(counts @ sparse.diags(idf)), vocab, idf


def sentence_space(docs: Sequence[Document]) -> SentenceSpace:
    """Vectorise every sentence of the kept documents, in document order."""
    sentences = tuple(s for d in docs for s in d.sentences)
    terms = tuple(t for d in docs for t in doc_terms(d))
    matrix, vocabulary, idf = tfidf(terms)
    rows = {(s.doc, s.index): i for i, s in enumerate(sentences)}
    return SentenceSpace(sentences, terms, matrix, vocabulary, idf, rows)

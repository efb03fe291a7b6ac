"""Same-claim groups: sentences in different sources that say the same thing.

Pairs are found through the sparse TF-IDF product (no loop over all pairs in Python), then
merged from the most similar down, never putting two sentences of one document in a group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from newsbrief.model import ClaimGroup, Document, MatchKind, Sentence
from newsbrief.text import normal_form, words
from newsbrief.vectors import SentenceSpace, sentence_space


@dataclass(frozen=True)
class ClaimOptions:
    paraphrase_similarity: float = 0.6
    """TF-IDF cosine from which two sentences are taken as one claim in other words."""
    near_overlap: float = 0.7
    """Word-bigram Jaccard overlap from which two sentences are near copies."""
    min_terms: int = 5
    """Shorter sentences (in content terms) only group as exact or near copies."""


def _bigrams(text: str) -> frozenset[tuple[str, str]]:
    tokens = normal_form(text).split()
    return frozenset(zip(tokens, tokens[1:], strict=False))


def match_kind(a: Sentence, b: Sentence, similarity: float, options: ClaimOptions) -> MatchKind | None:
    """How sentence ``b`` says what ``a`` says: exact, near copy, paraphrase, or not at all."""
    if " ".join(a.text.split()) == " ".join(b.text.split()):
        return "exact"
    if normal_form(a.text) == normal_form(b.text):
        return "near"
    ga, gb = _bigrams(a.text), _bigrams(b.text)
    if ga and gb and len(ga & gb) / len(ga | gb) >= options.near_overlap:
        return "near"
    short = min(len(words(a.text)), len(words(b.text)))
    if similarity >= options.paraphrase_similarity and short >= options.min_terms:
        return "paraphrase"
    return None


def claim_groups(
    docs: Sequence[Document],
    options: ClaimOptions = ClaimOptions(),
    space: SentenceSpace | None = None,
) -> tuple[ClaimGroup, ...]:
    """Group every sentence of ``docs`` with its same-claim sentences in other documents.

    Each sentence belongs to exactly one group; a group holds at most one sentence per document.
    ``members[0]`` is the representative: the sentence from the earliest source.
    """
    space = space or sentence_space(docs)
    sentences = space.sentences
    n = len(sentences)
    parent = list(range(n))
    doc_sets: list[set[int]] = [{s.doc} for s in sentences]
    kinds: dict[tuple[int, int], MatchKind] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, sim in _candidate_pairs(space, options):
        kind = match_kind(sentences[i], sentences[j], sim, options)
        if kind is None:
            continue
        ri, rj = find(i), find(j)
        if ri == rj or doc_sets[ri] & doc_sets[rj]:
            continue
        parent[rj] = ri
        doc_sets[ri] |= doc_sets[rj]
        kinds[(i, j)] = kinds[(j, i)] = kind

    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(find(i), []).append(i)
    groups = []
    for gid, rows in enumerate(sorted(members.values(), key=lambda r: r[0])):
        rep = rows[0]
        group_kinds: list[MatchKind] = ["self"]
        for row in rows[1:]:
            kind = (
                kinds.get((rep, row))
                or match_kind(sentences[rep], sentences[row], 1.0, options)
                or "paraphrase"
            )
            group_kinds.append(kind)
        groups.append(ClaimGroup(gid, tuple(sentences[r] for r in rows), tuple(group_kinds)))
    return tuple(groups)


def _candidate_pairs(space: SentenceSpace, options: ClaimOptions) -> list[tuple[int, int, float]]:
    """Pairs of sentences from different documents with some similarity, most similar first."""
    matrix = space.matrix
    if matrix.shape[0] < 2:
        return []
    product = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    docs = np.array([s.doc for s in space.sentences])
    floor = min(options.paraphrase_similarity, 0.3)
    keep = (product.data >= floor) & (docs[product.row] != docs[product.col])
    order = np.argsort(-product.data[keep], kind="stable")
    rows, cols, data = product.row[keep][order], product.col[keep][order], product.data[keep][order]
    return [(int(i), int(j), float(s)) for i, j, s in zip(rows, cols, data, strict=True)]

"""Cheap per-claim-group features for sentence scoring (numpy only).

One row per claim group, computed from its representative sentence (``members[0]``), the
group's cross-source support, and term statistics of the whole cluster. Everything is a few
matrix products on a dense group x term matrix, so a cluster of ~100 sentences takes a few ms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsbrief.model import ClaimGroup, Document
from newsbrief.text import content_terms

FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    "first",  # first sentence of its document
    "pos_inv",  # 1 / (1 + index)
    "pos_rel",  # index / sentences in the document
    "early3",  # among the first three sentences
    "len_log",  # log word count
    "len_short",  # fewer than 10 words
    "len_long",  # more than 40 words
    "centroid",  # tf-idf cosine to the cluster centroid
    "doc_centroid",  # tf-idf cosine to its own document's centroid
    "topic_terms",  # share of its terms that appear in at least half of the documents
    "degree",  # mean tf-idf cosine to the other groups (LexRank-like degree)
    "cross_doc",  # best cosine to a sentence of another document
    "support",  # documents carrying the claim / documents in the cluster
    "support_multi",  # carried by two or more documents
    "doc_share",  # its document's share of the cluster's sentences
    "doc_sim",  # its document's cosine to the cluster centroid
    "quote",  # has a quotation mark
    "question",  # ends with a question mark
    "digit",  # has a number
    "caps",  # share of capitalised words (names, headlines)
    "no_end",  # does not end like a sentence (headline, caption)
    "pronoun_start",  # starts with a pronoun or connective that needs context
    "said",  # reported speech (said, told, according to)
    "first_person",  # I, we, my, our outside quotes: columns, comments
    "junk",  # web furniture words (click, photo, subscribe, @, http)
    "dateline",  # starts with a dateline or agency tag, as wire leads do
)

_PRONOUN_START = re.compile(
    r"^[\"'“‘]?(he|she|it|they|this|that|these|those|his|her|their|its|but|and|so|also|however|still|"
    r"yet|then|meanwhile|instead|there|here)\b",
    re.IGNORECASE,
)
_SAID = re.compile(r"\b(said|says|told|according to|added|stated)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(I|we|my|our|me|us)\b")
_JUNK = re.compile(
    r"(https?://|www\.|@\w|\bclick\b|\bphoto\b|\bimage\b|\bsubscribe\b|\bnewsletter\b|\bcaption\b|"
    r"\bgetty\b|\bAP Photo\b|\bfile photo\b|\bcopyright\b|\(\s*\)|\|)",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(\([A-Za-z .]+\))?\s*[-—–(]")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class GroupFeatures:
    """Feature rows (one per group) and the unit-length tf-idf rows used for redundancy."""

    matrix: np.ndarray  # groups x len(FEATURE_NAMES)
    vectors: np.ndarray  # groups x terms, L2-normalised tf-idf
    lengths: np.ndarray  # word count of each group's printed sentence


def word_count(text: str) -> int:
    """Words as a reader counts them: whitespace-separated tokens."""
    return len(_WORD.findall(text))


def _normalise(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def group_features(docs: Sequence[Document], groups: Sequence[ClaimGroup]) -> GroupFeatures:
    """Features of each claim group in ``groups`` within the cluster ``docs``."""
    n_groups = len(groups)
    n_docs = max(len(docs), 1)
    reps = [g.members[0] for g in groups]
    texts = [s.text for s in reps]
    term_lists = [content_terms(t) for t in texts]
    vocab: dict[str, int] = {}
    for terms in term_lists:
        for term in terms:
            vocab.setdefault(term, len(vocab))
    tf = np.zeros((n_groups, max(len(vocab), 1)), dtype=np.float64)
    for row, terms in enumerate(term_lists):
        for term in terms:
            tf[row, vocab[term]] += 1.0
    rep_docs = np.array([s.doc for s in reps], dtype=np.int64) if reps else np.zeros(0, dtype=np.int64)
    # Document frequency of each term across source documents (which docs use it at all).
    doc_terms = np.zeros((n_docs, tf.shape[1]), dtype=np.float64)
    np.add.at(doc_terms, rep_docs, tf)
    doc_has = doc_terms > 0
    df_docs = doc_has.sum(axis=0)
    df_sent = (tf > 0).sum(axis=0)
    idf = np.log((n_groups + 1.0) / (df_sent + 0.5))
    weights = tf * idf
    vectors = _normalise(weights)
    centroid = _normalise((weights * (df_docs / n_docs)).sum(axis=0))
    doc_centroids = _normalise(doc_terms * idf)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, 0.0)
    same_doc = rep_docs[:, None] == rep_docs[None, :]
    cross = np.where(same_doc, 0.0, sims)
    topic = (df_docs >= max(2.0, n_docs / 2.0)).astype(np.float64)
    doc_sizes = np.bincount(rep_docs, minlength=n_docs).astype(np.float64)
    doc_sim = doc_centroids @ centroid
    sent_counts = [len(d.sentences) for d in docs]

    feats = np.zeros((n_groups, len(FEATURE_NAMES)), dtype=np.float64)
    lengths = np.zeros(n_groups, dtype=np.float64)
    for row, (group, sent, text) in enumerate(zip(groups, reps, texts, strict=True)):
        n_words = word_count(text)
        lengths[row] = n_words
        n_terms = len(term_lists[row])
        idx = sent.index
        total = sent_counts[sent.doc] if sent.doc < len(sent_counts) else idx + 1
        stripped = text.strip()
        tokens = stripped.split()
        caps = sum(1 for t in tokens if t[:1].isupper()) / max(len(tokens), 1)
        outside_quotes = re.sub(r"[\"“].*?[\"”]", " ", stripped)
        feats[row] = (
            1.0,
            float(idx == 0),
            1.0 / (1.0 + idx),
            idx / max(total, 1),
            float(idx < 3),
            math.log1p(n_words),
            float(n_words < 10),
            float(n_words > 40),
            float(vectors[row] @ centroid),
            float(vectors[row] @ doc_centroids[sent.doc]) if sent.doc < len(doc_centroids) else 0.0,
            float(tf[row] @ topic) / max(n_terms, 1),
            float(sims[row].sum()) / max(n_groups - 1, 1),
            float(cross[row].max()) if n_groups > 1 else 0.0,
            group.support / n_docs,
            float(group.support >= 2),
            doc_sizes[sent.doc] / max(n_groups, 1) if sent.doc < n_docs else 0.0,
            float(doc_sim[sent.doc]) if sent.doc < n_docs else 0.0,
            float(any(q in stripped for q in "\"“”")),
            float(stripped.endswith("?")),
            float(any(ch.isdigit() for ch in stripped)),
            caps,
            float(not stripped.endswith((".", "!", "?", '"', "”", "'", "’"))),
            float(bool(_PRONOUN_START.match(stripped))),
            float(bool(_SAID.search(stripped))),
            float(bool(_FIRST_PERSON.search(outside_quotes))),
            float(bool(_JUNK.search(stripped))),
            float(bool(_DATELINE.match(stripped))),
        )
    return GroupFeatures(matrix=feats, vectors=vectors, lengths=lengths)

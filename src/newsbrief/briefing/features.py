"""Cheap per-claim-group features for sentence scoring (numpy only).

One row per claim group, computed from its representative sentence (``members[0]``), the
group's cross-source support, and term statistics of the whole cluster. Everything is a few
matrix products on a dense group x term matrix, so a cluster of ~100 sentences takes a few ms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from newsbrief.model import ClaimGroup, Document, Sentence
from newsbrief.text import content_terms, words

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
    "quote_start",  # opens with a quotation
    "weekday",  # names a day (Monday, yesterday): an event statement
    "money_pct",  # a sum or a percentage
    "modal",  # would, could, may, might, should: speculation
    "colon",  # has a colon (lists, labels, headings)
    "paren",  # has a parenthesis
    "last3",  # among the last three sentences of its document (sign-offs, corrections)
    "word_len",  # mean characters per word
    "stop_share",  # share of words that are stop words
    "lead_sim",  # tf-idf cosine to the leads (first two sentences) of the other documents
    "len_lin",  # words / 40
    "lead_words",  # words before it in its document / 100 (first paragraphs hold the news)
    "doc_first",  # from the first document of the cluster
    "doc_len",  # log words of its document
    "n_docs",  # log documents in the cluster
)

_PRONOUN_START = re.compile(
    r"^[\"'“‘]?(he|she|it|they|this|that|these|those|his|her|their|its|but|and|so|also|however|still|"
    r"yet|then|meanwhile|instead|there|here)\b",
    re.IGNORECASE,
)
_SAID = re.compile(r"\b(?:said|says|told|according to|added|stated)\b")  # on lower-cased text
_FIRST_PERSON = re.compile(r"\b(I|we|my|our|me|us)\b")
_JUNK = re.compile(  # on lower-cased text
    r"https?://|www\.|@\w|\b(?:click|photo|image|subscribe|newsletter|caption|getty|copyright)\b|\(\s*\)|\|"
)
_WEEKDAY = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tonight)\b")
_MONEY = re.compile(r"[$£€%]|\b(?:percent|million|billion)\b")
_MODAL = re.compile(r"\b(?:would|could|may|might|should)\b")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(\([A-Za-z .]+\))?\s*[-—–(]")
_QUOTE = re.compile("[\"“”]")
_QUOTED = re.compile(r"[\"“].*?[\"”]")
_DIGIT = re.compile(r"\d")
_ENDINGS = (".", "!", "?", '"', "”", "'", "’")


@dataclass(frozen=True)
class GroupFeatures:
    """Feature rows (one per group) and the tf-idf cosine between groups, used for redundancy."""

    matrix: np.ndarray  # groups x len(FEATURE_NAMES)
    similarity: np.ndarray  # groups x groups, zero diagonal
    lengths: np.ndarray  # word count of each group's printed sentence


def word_count(text: str) -> int:
    """Words as the brief counts them (`newsbrief.text.words`, as in ``Brief.words``)."""
    return len(words(text))


def _normalise(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def group_features(docs: Sequence[Document], groups: Sequence[ClaimGroup]) -> GroupFeatures:
    """Features of each claim group in ``groups`` within the cluster ``docs``."""
    n_groups = len(groups)
    n_docs = max(len(docs), 1)
    reps = [g.members[0] for g in groups]
    texts = [s.text for s in reps]
    term_lists = [_terms(docs, s) for s in reps]
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols_: list[int] = []
    for row, terms in enumerate(term_lists):
        for term in terms:
            rows.append(row)
            cols_.append(vocab.setdefault(term, len(vocab)))
    n_terms_all = max(len(vocab), 1)
    tf = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols_)), shape=(n_groups, n_terms_all), dtype=np.float64
    )
    tf.sum_duplicates()
    rep_docs = np.array([s.doc for s in reps], dtype=np.int64) if reps else np.zeros(0, dtype=np.int64)
    # Which source documents use each term at all (their representative sentences do).
    membership = sparse.csr_matrix(
        (np.ones(n_groups), (rep_docs, np.arange(n_groups))), shape=(n_docs, n_groups)
    )
    doc_terms = np.asarray((membership @ tf).todense())
    df_docs = (doc_terms > 0).sum(axis=0)
    df_sent = np.bincount(tf.indices, minlength=n_terms_all)
    idf = np.log((n_groups + 1.0) / (df_sent + 0.5))
    weights = tf @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
    vectors = sparse.csr_matrix(sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ weights)
    centroid = _normalise(np.asarray(weights.sum(axis=0)).ravel() * (df_docs / n_docs))
    doc_centroids = _normalise(doc_terms * idf)
    sims = np.asarray((vectors @ vectors.T).todense())
    np.fill_diagonal(sims, 0.0)
    same_doc = rep_docs[:, None] == rep_docs[None, :]
    cross = np.where(same_doc, 0.0, sims)
    topic = (df_docs >= max(2.0, n_docs / 2.0)).astype(np.float64)
    doc_sizes = np.bincount(rep_docs, minlength=n_docs).astype(np.float64)
    doc_sim = doc_centroids @ centroid
    to_docs = np.asarray(vectors @ doc_centroids.T)

    idx = np.array([s.index for s in reps], dtype=np.float64)
    totals = np.array([len(docs[s.doc].sentences) if s.doc < len(docs) else s.index + 1 for s in reps],
                      dtype=np.float64)
    lengths = np.array([word_count(t) for t in texts], dtype=np.float64)
    n_terms = np.array([len(t) for t in term_lists], dtype=np.float64)
    support = np.array([g.support for g in groups], dtype=np.float64)
    stripped = [t.strip() for t in texts]
    lowered = [t.lower() for t in stripped]
    is_lead = np.array([s.index < 2 for s in reps], dtype=np.float64)
    leads = np.asarray((membership @ sparse.diags(is_lead) @ vectors).todense())
    to_leads = np.asarray(vectors @ _normalise(leads.sum(axis=0)[None, :] - leads).T)
    lead_sim = to_leads[np.arange(n_groups), rep_docs]
    # Words before each sentence in its document, and each document's length.
    offsets = [np.concatenate([[0], np.cumsum([len(x.text.split()) for x in d.sentences])]) for d in docs]
    before = np.array(
        [offsets[s.doc][min(s.index, len(offsets[s.doc]) - 1)] if s.doc < len(docs) else 0 for s in reps],
        dtype=np.float64,
    )
    doc_words = np.array([o[-1] for o in offsets] or [0], dtype=np.float64)
    cols: dict[str, np.ndarray] = {
        "bias": np.ones(n_groups),
        "first": (idx == 0).astype(np.float64),
        "pos_inv": 1.0 / (1.0 + idx),
        "pos_rel": idx / np.maximum(totals, 1.0),
        "early3": (idx < 3).astype(np.float64),
        "len_log": np.log1p(lengths),
        "len_short": (lengths < 10).astype(np.float64),
        "len_long": (lengths > 40).astype(np.float64),
        "centroid": vectors @ centroid,
        "doc_centroid": to_docs[np.arange(n_groups), rep_docs],
        "topic_terms": (tf @ topic) / np.maximum(n_terms, 1.0),
        "degree": sims.sum(axis=1) / max(n_groups - 1, 1),
        "cross_doc": cross.max(axis=1) if n_groups > 1 else np.zeros(n_groups),
        "support": support / n_docs,
        "support_multi": (support >= 2).astype(np.float64),
        "doc_share": doc_sizes[rep_docs] / max(n_groups, 1),
        "doc_sim": doc_sim[rep_docs],
        "quote": _flags(_QUOTE, stripped),
        "question": np.array([t.endswith("?") for t in stripped], dtype=np.float64),
        "digit": _flags(_DIGIT, stripped),
        "caps": np.array([_caps_share(t) for t in stripped]),
        "no_end": np.array([not t.endswith(_ENDINGS) for t in stripped], dtype=np.float64),
        "pronoun_start": np.array([bool(_PRONOUN_START.match(t)) for t in stripped], dtype=np.float64),
        "said": _flags(_SAID, lowered),
        "first_person": _flags(_FIRST_PERSON, [_QUOTED.sub(" ", t) for t in stripped]),
        "junk": _flags(_JUNK, lowered),
        "dateline": np.array([bool(_DATELINE.match(t)) for t in stripped], dtype=np.float64),
        "quote_start": np.array([t[:1] in "\"“'‘" for t in stripped], dtype=np.float64),
        "weekday": _flags(_WEEKDAY, lowered),
        "money_pct": _flags(_MONEY, lowered),
        "modal": _flags(_MODAL, lowered),
        "colon": np.array([":" in t for t in stripped], dtype=np.float64),
        "paren": np.array(["(" in t for t in stripped], dtype=np.float64),
        "last3": (idx >= totals - 3).astype(np.float64),
        "word_len": np.array([len(t) for t in stripped], dtype=np.float64) / np.maximum(lengths, 1.0) / 10.0,
        "stop_share": 1.0 - n_terms / np.maximum(lengths, 1.0),
        "lead_sim": lead_sim,
        "len_lin": lengths / 40.0,
        "lead_words": np.minimum(before, 1000.0) / 100.0,
        "doc_first": (rep_docs == 0).astype(np.float64),
        "doc_len": np.log1p(doc_words[rep_docs]),
        "n_docs": np.full(n_groups, np.log(n_docs)),
    }
    feats = np.column_stack([cols[name] for name in FEATURE_NAMES]) if n_groups else np.zeros((0, len(cols)))
    return GroupFeatures(matrix=feats, similarity=sims, lengths=lengths)


def _terms(docs: Sequence[Document], sentence: Sentence) -> Sequence[str]:
    """The sentence's content terms, from the cleaner's cache when it has them."""
    if sentence.doc < len(docs):
        doc = docs[sentence.doc]
        if len(doc.terms) == len(doc.sentences) and sentence.index < len(doc.terms):
            return doc.terms[sentence.index]
    return content_terms(sentence.text)


def _flags(pattern: re.Pattern[str], texts: Sequence[str]) -> np.ndarray:
    return np.array([pattern.search(t) is not None for t in texts], dtype=np.float64)


def _caps_share(text: str) -> float:
    tokens = text.split()
    return sum(1 for t in tokens if t[:1].isupper()) / max(len(tokens), 1)

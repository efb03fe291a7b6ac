"""Which documents belong in the brief: drop empty pages, copies, site notices and off-topic pages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsbrief.model import Document, Dropped
from newsbrief.text import words
from newsbrief.vectors import doc_terms, tfidf

# Pages that a scraper keeps but that are no article: each with the name a user is shown.
PAGE_NOTICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "web-archive crawl notice",
        re.compile(
            r"\b(Internet Archive|Wayback Machine|Alexa Internet|Archive-It|seed ?list|crawl(?:s|ed|er)? "
            r"(?:of|was|were|data|configuration))\b",
            re.I,
        ),
    ),
    (
        "Twitter location notice",
        re.compile(
            r"\b(tweet with a location|location information to your tweets|add a location to your tweets)\b",
            re.I,
        ),
    ),
    (
        "newsletter sign-up page",
        re.compile(
            r"\b(join our mailing list|sign up for (?:our|the) [\w ]{0,30}newsletter|subscribe to (?:our|the) "
            r"[\w ]{0,30}newsletter|confirmation email|already have an account|join us on facebook)\b",
            re.I,
        ),
    ),
    (
        "cookie notice",
        re.compile(
            r"\b(we use cookies|use of cookies|accept (?:all )?cookies|cookie (?:policy|settings))\b", re.I
        ),
    ),
    (
        "video page without article text",
        re.compile(
            r"\b(rating is available when the video has been rented|interactive transcript could not be loaded|"
            r"this feature is not available right now)\b",
            re.I,
        ),
    ),
    (
        "error page",
        re.compile(
            r"\b(page (?:not found|cannot be found|could not be found)|404 error|access denied)\b", re.I
        ),
    ),
    (
        "browser notice",
        re.compile(r"\b(enable javascript|javascript is (?:disabled|required)|update your browser)\b", re.I),
    ),
)
NOTICE_MAX_WORDS = 250
"""A page this short that carries a notice is the notice; a longer one is an article with a footer."""


@dataclass(frozen=True)
class RelevanceOptions:
    min_similarity: float = 0.04
    """Documents less similar than this to the rest of a cluster (of 3 or more) are off-topic."""
    copy_similarity: float = 0.9
    """Documents at least this similar (TF-IDF cosine) to an earlier one are copies of it."""


def page_notice(doc: Document) -> str | None:
    """The kind of site notice this document is, if it is one rather than an article."""
    n_words = len(words(doc.text))
    for name, pattern in PAGE_NOTICES:
        if not pattern.search(doc.text):
            continue
        hits = sum(1 for s in doc.sentences if pattern.search(s.text))
        if hits and (n_words <= NOTICE_MAX_WORDS or hits / max(1, len(doc.sentences)) >= 0.3):
            return name
    return None


def doc_matrix(docs: Sequence[Document]) -> np.ndarray:
    """Dense, L2-normalised TF-IDF rows of whole documents (a cluster is small)."""
    matrix, _, _ = tfidf([[t for terms in doc_terms(d) for t in terms] for d in docs])
    return np.asarray(matrix.toarray())


def similarity_to_rest(dense: np.ndarray) -> np.ndarray:
    """Cosine similarity of each document row to the centroid of the other rows."""
    total = dense.sum(axis=0)
    sims = np.zeros(len(dense))
    for i in range(len(dense)):
        rest = total - dense[i]
        norm = np.linalg.norm(rest)
        sims[i] = float(dense[i] @ rest / norm) if norm else 0.0
    return sims


def filter_documents(
    docs: Sequence[Document], options: RelevanceOptions = RelevanceOptions()
) -> tuple[list[Document], list[Dropped], list[str]]:
    """Split documents into kept ones and dropped ones (with the reason); also return warnings.

    Dropped: pages with no text, site notices, copies of an earlier document (the same wire story
    on another site, or the same file twice: `Dropped.copy_of` names the one kept), and, in a
    cluster of three or more, documents that share almost nothing with the others.
    """
    dropped: list[Dropped] = []
    candidates: list[Document] = []
    for doc in docs:
        reason = "no article text after cleaning" if not doc.sentences else None
        if reason is None and (notice := page_notice(doc)):
            reason = f"not an article: {notice}"
        if reason:
            dropped.append(Dropped(doc.label, reason, doc.id))
        else:
            candidates.append(doc)
    if not candidates:
        return [], dropped, []
    dense = doc_matrix(candidates)
    keep: list[int] = []
    for i, doc in enumerate(candidates):
        original = next((j for j in keep if float(dense[i] @ dense[j]) >= options.copy_similarity), None)
        if original is None:
            keep.append(i)
        else:
            source = candidates[original]
            dropped.append(
                Dropped(doc.label, f"copy of {source.label}", doc.id, copy_of=source.id, outlet=doc.article.source)
            )
    warnings: list[str] = []
    if len(keep) >= 3:
        sims = similarity_to_rest(dense[keep])
        off = {keep[i] for i in np.argsort(sims)[: len(keep) - 2] if sims[i] < options.min_similarity}
        for k, i in enumerate(keep):
            if i in off:
                dropped.append(
                    Dropped(
                        candidates[i].label,
                        f"off-topic: shares little with the other articles (similarity {sims[k]:.2f})",
                        candidates[i].id,
                    )
                )
        keep = [i for i in keep if i not in off]
    elif len(keep) == 2:
        similarity = float(dense[keep[0]] @ dense[keep[1]])
        if similarity < options.min_similarity:
            warnings.append(
                f"the two articles share little vocabulary (similarity {similarity:.2f}); "
                "they may be different stories"
            )
    return [candidates[i] for i in keep], dropped, warnings

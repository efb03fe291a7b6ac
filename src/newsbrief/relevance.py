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


def similarity_to_rest(docs: Sequence[Document]) -> np.ndarray:
    """Cosine similarity of each document to the centroid of the others."""
    matrix, _, _ = tfidf([[t for terms in doc_terms(d) for t in terms] for d in docs])
    dense = matrix.toarray()
    total = dense.sum(axis=0)
    sims = np.zeros(len(docs))
    for i in range(len(docs)):
        rest = total - dense[i]
        norm = np.linalg.norm(rest)
        sims[i] = float(dense[i] @ rest / norm) if norm else 0.0
    return sims


def filter_documents(
    docs: Sequence[Document], options: RelevanceOptions = RelevanceOptions()
) -> tuple[list[Document], list[Dropped], list[str]]:
    """Split documents into kept ones and dropped ones (with the reason); also return warnings."""
    kept: list[Document] = []
    dropped: list[Dropped] = []
    seen: dict[str, Document] = {}
    for doc in docs:
        reason = None
        key = " ".join(doc.text.lower().split())
        if not doc.sentences:
            reason = "no article text after cleaning"
        elif key in seen:
            reason = f"duplicate of {seen[key].label}"
        else:
            notice = page_notice(doc)
            if notice:
                reason = f"not an article: {notice}"
        if reason:
            dropped.append(Dropped(doc.label, reason, doc.id))
        else:
            seen[key] = doc
            kept.append(doc)
    warnings: list[str] = []
    if len(kept) >= 3:
        sims = similarity_to_rest(kept)
        off = [i for i in np.argsort(sims) if sims[i] < options.min_similarity][: len(kept) - 2]
        for i in sorted(off):
            dropped.append(
                Dropped(
                    kept[i].label,
                    f"off-topic: shares little with the other articles (similarity {sims[i]:.2f})",
                    kept[i].id,
                )
            )
        kept = [d for i, d in enumerate(kept) if i not in set(off)]
    elif len(kept) == 2:
        sims = similarity_to_rest(kept)
        if sims[0] < options.min_similarity:
            warnings.append(
                f"the two articles share little vocabulary (similarity {sims[0]:.2f}); they may be different stories"
            )
    return kept, dropped, warnings

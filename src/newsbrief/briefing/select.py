"""Choosing the brief's sentences: score claim groups, pick informative non-redundant ones, order them.

Scoring is a linear model over cheap features (`newsbrief.briefing.features`) whose weights ship in
``data/scorer.json`` (trained by ``benchmarks/train_scorer.py`` on oracle labels, validated
with 5-fold cross-validation). Picking is greedy: best score first, skipping a group too close
to one already chosen, until the word (or sentence) budget is reached; the last sentence may
cross the word budget, nothing after it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from newsbrief.briefing.features import FEATURE_NAMES, GroupFeatures, group_features
from newsbrief.model import ClaimGroup, Document

DEFAULT_WORDS = 150
MIN_WORDS = 5  # shorter fragments (bylines, captions, "Read more.") never make a brief


@dataclass(frozen=True)
class Budget:
    """How long a brief may be: ``words`` (default 150 when neither is given) and/or ``sentences``."""

    words: int | None = None
    sentences: int | None = None

    @property
    def word_limit(self) -> int | None:
        if self.words is None and self.sentences is None:
            return DEFAULT_WORDS
        return self.words


@dataclass(frozen=True)
class Scorer:
    """Linear feature weights plus the redundancy threshold used while picking."""

    weights: tuple[float, ...]
    names: tuple[str, ...] = FEATURE_NAMES
    redundancy: float = 0.3  # max tf-idf cosine to an already chosen sentence
    length_penalty: float = 0.5  # score -= length_penalty * log(words): favours dense sentences
    fit_slack: int = 15  # near the budget, skip a sentence overshooting it by more than this

    def vector(self) -> np.ndarray:
        by_name = dict(zip(self.names, self.weights, strict=True))
        return np.array([by_name.get(name, 0.0) for name in FEATURE_NAMES], dtype=np.float64)


@cache
def default_scorer() -> Scorer:
    """The shipped weights (``newsbrief/data/scorer.json``)."""
    path = resources.files("newsbrief") / "data" / "scorer.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return Scorer(
        weights=tuple(float(w) for w in data["weights"]),
        names=tuple(data["names"]),
        redundancy=float(data.get("redundancy", 0.3)),
        length_penalty=float(data.get("length_penalty", 0.5)),
        fit_slack=int(data.get("fit_slack", 15)),
    )


def score_groups(docs: Sequence[Document], groups: Sequence[ClaimGroup], scorer: Scorer) -> np.ndarray:
    """One score per group: higher means more worth a place in the brief."""
    if not groups:
        return np.zeros(0)
    return _scores(group_features(docs, groups), scorer)


def _scores(feats: GroupFeatures, scorer: Scorer) -> np.ndarray:
    """Linear score minus the length penalty: the order in which groups are considered."""
    return feats.matrix @ scorer.vector() - scorer.length_penalty * np.log(np.maximum(feats.lengths, 1.0))


def _doc_date(docs: Sequence[Document], doc: int) -> dt.date | None:
    if 0 <= doc < len(docs) and docs[doc].date is not None:
        date = docs[doc].date
        return date.earliest if date is not None else None
    return None


def reading_order(docs: Sequence[Document], groups: Sequence[ClaimGroup]) -> list[ClaimGroup]:
    """Dated sources first by date, then by source number and position in the source."""

    def key(group: ClaimGroup) -> tuple[int, dt.date, int, int]:
        rep = group.members[0]
        date = _doc_date(docs, rep.doc)
        return (0 if date else 1, date or dt.date.min, rep.doc, rep.index)

    return sorted(groups, key=key)


def select_sentences(
    docs: Sequence[Document],
    groups: Sequence[ClaimGroup],
    budget: Budget,
    scorer: Scorer | None = None,
    cover: Sequence[frozenset[int]] = (),
) -> list[ClaimGroup]:
    """The claim groups that make the brief, in reading order.

    ``cover`` holds sets of group ids (the claims of each event of the cluster) of which the brief
    must show at least one each when the sources allow: a lower-scored choice makes room.
    """
    if not groups:
        return []
    scorer = scorer or default_scorer()
    feats = group_features(docs, groups)
    scores = _scores(feats, scorer)
    word_limit = budget.word_limit
    order = np.argsort(-scores, kind="stable")
    # Fragments never make a brief, unless the sources hold nothing longer.
    min_words = MIN_WORDS if float(feats.lengths.max()) >= MIN_WORDS else 1
    chosen: list[int] = []
    total = 0
    seen_texts: set[str] = set()
    for idx in order:
        i = int(idx)
        text = " ".join(groups[i].members[0].text.split())
        if feats.lengths[i] < min_words or not text or text.lower() in seen_texts:
            continue
        if word_limit is not None and total and feats.lengths[i] > word_limit - total + scorer.fit_slack:
            continue
        if chosen and float(feats.similarity[chosen, i].max()) > scorer.redundancy:
            continue
        chosen.append(i)
        seen_texts.add(text.lower())
        total += int(feats.lengths[i])
        if word_limit is not None and total >= word_limit:
            break
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
    if cover:
        _cover(cover, chosen, [int(i) for i in order], groups, feats.lengths, budget, min_words)
    return reading_order(docs, [groups[i] for i in chosen])


def _cover(
    cover: Sequence[frozenset[int]],
    chosen: list[int],
    order: list[int],
    groups: Sequence[ClaimGroup],
    lengths: np.ndarray,
    budget: Budget,
    min_words: int,
) -> None:
    """Give every set of ``cover`` its best group in ``chosen`` (kept in score order), dropping the
    lowest-scored choices whose set keeps another member until the new one fits the budget."""
    set_of = {gid: k for k, ids in enumerate(cover) for gid in ids}

    def removable(i: int) -> bool:
        k = set_of.get(groups[i].id)
        return k is None or sum(1 for j in chosen if set_of.get(groups[j].id) == k) > 1

    def fits(new: int) -> bool:
        total = sum(int(lengths[i]) for i in chosen) + int(lengths[new])
        words_ok = budget.word_limit is None or total <= budget.word_limit or not chosen
        return words_ok and (budget.sentences is None or len(chosen) < budget.sentences)

    for ids in cover:
        if any(groups[i].id in ids for i in chosen):
            continue
        best = next((i for i in order if groups[i].id in ids and lengths[i] >= min_words), None)
        if best is None:
            continue
        while not fits(best):
            victim = next((i for i in reversed(chosen) if removable(i)), None)
            if victim is None:
                break
            chosen.remove(victim)
        chosen.append(best)

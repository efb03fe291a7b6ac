"""Online story clustering: each new article joins the best matching story or starts a new one.

Candidates come from an inverted index from a story's keywords to the stories most recently active
under that keyword (a bounded list), so an article is compared with a bounded number of stories,
never with every article. A story that has been quiet needs a closer match to wake up.
Stories are held as top-weighted sparse centroids (numpy arrays); the store persists them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from newsbrief.stream.prepare import ENTITY_BASE, FEATURES

CENTROID_TERMS = 200
"""Terms kept in a story's centroid (the heaviest)."""
KEYWORDS = 15
"""Terms of a story that the inverted index posts it under."""
QUERY_TERMS = 30
"""Terms of an article looked up in the index: more than a story posts, since an article's heaviest
words need not be among its story's (with 15, a dozen articles of the labelled stream never saw the
story they were close enough to join)."""
POSTING_LIMIT = 64
"""Stories kept per keyword: the most recently active ones."""
MAX_CANDIDATES = 40
RECENT_CANDIDATES = 30
"""The most recently joined stories, compared with every article as well: a story's keywords are its
rarest words, and a report of its next development may share none of them."""


@dataclass(frozen=True)
class ClusterParams:
    """When an article joins a story: similarity threshold, and how quiet stories get harder to join."""

    threshold: float = 0.12
    quiet_days: int = 3
    """A story is active within this many days of its first and last article."""
    wake_step: float = 0.1
    """Extra similarity needed to join a story that is not active on the article's day..."""
    wake_penalty: float = 0.25
    """...growing to this much for a story quiet for ``wake_days`` or more."""
    wake_days: int = 30
    close_threshold: float | None = 0.09
    """The similarity that suffices for a story active within ``close_days`` of the article's day (None:
    `threshold`): reports of one happening from other angles (the markets, a local view) share its days
    more than its words."""
    close_days: int = 1
    entity_agreement: float = 0.1
    """Least cosine of the names (capitalised words) of an article and a story for it to join: trade
    talks with Japan and with Brazil share most words but not their names."""
    cross_language: float = 0.1
    """Least cosine of the names and numbers of an article and an active story in another language
    for it to join (without changing the story's centroid: it never pulls the story its way)."""


STORYLINE_PARAMS = ClusterParams(
    threshold=0.12, quiet_days=45, wake_step=0.04, wake_penalty=0.1, wake_days=365, entity_agreement=0.0
)
"""When a new event continues a storyline: a looser match than joining an event, over months."""


@dataclass
class TermStats:
    """Document frequencies of hashed terms: what makes a word rare enough to tell stories apart."""

    df: np.ndarray = field(default_factory=lambda: np.zeros(FEATURES, dtype=np.int32))
    docs: int = 0

    def observe(self, ids: np.ndarray) -> None:
        self.df[ids] += 1
        self.docs += 1

    def weigh(self, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """L2-normalised TF-IDF weights (IDF squared: rare names and words decide what a story is about)
        of a term vector, under the document frequencies seen so far."""
        idf = np.log((1.0 + self.docs) / (1.0 + self.df[ids])) + 1.0
        weights = (tf * idf * idf).astype(np.float32)
        norm = float(np.linalg.norm(weights))
        return weights / norm if norm > 0 else weights


@dataclass
class Story:
    """A story as the clusterer sees it: a sparse centroid (sum of member vectors) and its days."""

    id: int
    ids: np.ndarray
    weights: np.ndarray
    first_day: int | None
    last_day: int | None
    size: int
    norm: float = 0.0
    lang: str | None = None
    """The language of its articles (ISO 639-1); an article of another language never joins."""
    parent: int | None = None
    """The storyline of an event (None for a storyline)."""
    titled: bool = False
    """Whether its title is a real headline (a later member with one may give it)."""

    def __post_init__(self) -> None:
        self.norm = float(np.linalg.norm(self.weights))

    def keywords(self) -> np.ndarray:
        return top_terms(self.ids, self.weights, KEYWORDS)

    def gap(self, day: int | None) -> int:
        """Days between ``day`` and the story's active span (0 inside it or when a day is unknown)."""
        if day is None or self.first_day is None or self.last_day is None:
            return 0
        if day < self.first_day:
            return self.first_day - day
        return max(0, day - self.last_day)

    def add(self, ids: np.ndarray, weights: np.ndarray, day: int | None) -> None:
        self.ids, self.weights = add_sparse(self.ids, self.weights, ids, weights, CENTROID_TERMS)
        self.norm = float(np.linalg.norm(self.weights))
        self.size += 1
        if day is not None:
            self.first_day = day if self.first_day is None else min(self.first_day, day)
            self.last_day = day if self.last_day is None else max(self.last_day, day)


def top_terms(ids: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    if len(ids) <= n:
        return ids
    return ids[np.argpartition(-weights, n - 1)[:n]]


def add_sparse(
    ids_a: np.ndarray, w_a: np.ndarray, ids_b: np.ndarray, w_b: np.ndarray, keep: int
) -> tuple[np.ndarray, np.ndarray]:
    """The sum of two sparse vectors, cut to its ``keep`` heaviest terms, ids sorted."""
    ids = np.concatenate([ids_a, ids_b])
    unique, inverse = np.unique(ids, return_inverse=True)
    summed = np.zeros(len(unique), dtype=np.float32)
    np.add.at(summed, inverse, np.concatenate([w_a, w_b]))
    if len(unique) > keep:
        chosen = np.sort(np.argpartition(-summed, keep - 1)[:keep])
        unique, summed = unique[chosen], summed[chosen]
    return unique.astype(np.int64), summed


def centroid(vectors: Iterable[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The centroid (sum, cut to the heaviest terms) of member vectors."""
    ids = np.zeros(0, dtype=np.int64)
    weights = np.zeros(0, dtype=np.float32)
    for v_ids, v_weights in vectors:
        ids, weights = add_sparse(ids, weights, v_ids, v_weights, CENTROID_TERMS * 4)
    if len(ids) > CENTROID_TERMS:
        ids, weights = add_sparse(ids, weights, ids[:0], weights[:0], CENTROID_TERMS)
    return ids, weights


def cosine(ids: np.ndarray, weights: np.ndarray, story: Story) -> float:
    """Cosine of a unit article vector with a story centroid."""
    if story.norm == 0 or len(ids) == 0:
        return 0.0
    _, a, b = np.intersect1d(ids, story.ids, assume_unique=True, return_indices=True)
    return float(np.dot(weights[a], story.weights[b])) / story.norm


def entity_cosine(ids: np.ndarray, weights: np.ndarray, story: Story) -> float | None:
    """Cosine of the entity-like terms alone (None when the article or the story has none)."""
    a_from = int(np.searchsorted(ids, ENTITY_BASE))
    s_from = int(np.searchsorted(story.ids, ENTITY_BASE))
    a_ids, a_w = ids[a_from:], weights[a_from:]
    s_ids, s_w = story.ids[s_from:], story.weights[s_from:]
    a_norm, s_norm = float(np.linalg.norm(a_w)), float(np.linalg.norm(s_w))
    if a_norm == 0 or s_norm == 0:
        return None
    _, a, b = np.intersect1d(a_ids, s_ids, assume_unique=True, return_indices=True)
    return float(np.dot(a_w[a], s_w[b])) / (a_norm * s_norm)


class StoryIndex:
    """The stories a new article can join, found through keywords; constant work per article."""

    def __init__(self, stories: Iterable[Story] = (), params: ClusterParams | None = None) -> None:
        self.params = params or ClusterParams()
        self.stories: dict[int, Story] = {}
        self.postings: dict[int, list[int]] = {}
        self.recent: OrderedDict[int, None] = OrderedDict()
        self._dense: np.ndarray | None = None
        ordered = sorted(stories, key=lambda s: (s.last_day or 0, s.id))
        for story in ordered:
            self.add(story)

    def __len__(self) -> int:
        return len(self.stories)

    def __iter__(self) -> Iterator[Story]:
        return iter(self.stories.values())

    def add(self, story: Story) -> None:
        """Add a story (or re-add one whose centroid changed) and post it under its keywords."""
        self.stories[story.id] = story
        self._post(story)

    def remove(self, story_id: int) -> None:
        self.stories.pop(story_id, None)
        self.recent.pop(story_id, None)

    def _post(self, story: Story) -> None:
        self.recent[story.id] = None
        self.recent.move_to_end(story.id)
        if len(self.recent) > RECENT_CANDIDATES:
            self.recent.popitem(last=False)
        for term in story.keywords().tolist():
            posting = self.postings.setdefault(term, [])
            if posting and posting[-1] == story.id:
                continue
            if story.id in posting:
                posting.remove(story.id)
            posting.append(story.id)
            if len(posting) > POSTING_LIMIT:
                del posting[0]

    def candidates(self, ids: np.ndarray, weights: np.ndarray) -> list[Story]:
        """Stories sharing keywords with the article, most shared first (at most MAX_CANDIDATES), then
        the most recently joined ones (`RECENT_CANDIDATES`)."""
        counts: dict[int, int] = {}
        for term in top_terms(ids, weights, QUERY_TERMS).tolist():
            for story_id in self.postings.get(term, ()):
                counts[story_id] = counts.get(story_id, 0) + 1
        ranked = sorted(counts, key=lambda s: (-counts[s], -s))[:MAX_CANDIDATES]
        chosen = dict.fromkeys([*ranked, *reversed(self.recent)])
        return [self.stories[s] for s in chosen if s in self.stories]

    def needed(self, story: Story, day: int | None) -> float:
        """The similarity an article on ``day`` needs to join ``story``."""
        p = self.params
        gap = story.gap(day)
        if p.close_threshold is not None and day is not None and gap <= p.close_days:
            return min(p.threshold, p.close_threshold)
        quiet = gap - p.quiet_days
        if quiet <= 0:
            return p.threshold
        return p.threshold + p.wake_step + (p.wake_penalty - p.wake_step) * min(1.0, quiet / p.wake_days)

    def best(
        self, ids: np.ndarray, weights: np.ndarray, day: int | None, lang: str | None = None
    ) -> tuple[Story | None, float]:
        """The story the article should join and its similarity, or (None, best similarity seen).

        A story in another language than ``lang`` is matched by names and numbers alone (they carry
        across languages), only while it is active, and needs `ClusterParams.cross_language`.
        """
        chosen: Story | None = None
        best_margin = 0.0
        best_score = 0.0
        p = self.params
        candidates = self.candidates(ids, weights)
        scores = self._cosines(ids, weights, candidates)
        for story, score in zip(candidates, scores, strict=True):
            if lang is not None and story.lang not in (None, lang):
                names = entity_cosine(ids, weights, story)
                if names is None or story.gap(day) > p.quiet_days:
                    continue
                score, margin = names, names - p.cross_language
            else:
                margin = score - self.needed(story, day)
                if margin >= 0:
                    names = entity_cosine(ids, weights, story)
                    if names is not None and names < p.entity_agreement:
                        continue
            best_score = max(best_score, score)
            if margin >= 0 and (chosen is None or margin > best_margin):
                chosen, best_margin = story, margin
        return chosen, best_score

    def _cosines(self, ids: np.ndarray, weights: np.ndarray, stories: list[Story]) -> list[float]:
        """`cosine` of a unit article vector with each story: the article is spread into a dense
        buffer once, and each centroid gathers from it (no sort per pair)."""
        if self._dense is None:
            self._dense = np.zeros(FEATURES, dtype=np.float32)
        dense = self._dense
        dense[ids] = weights
        try:
            return [
                float(np.dot(dense[s.ids], s.weights)) / s.norm if s.norm > 0 and len(ids) else 0.0
                for s in stories
            ]
        finally:
            dense[ids] = 0.0

    def join(self, story: Story, ids: np.ndarray, weights: np.ndarray, day: int | None) -> None:
        story.add(ids, weights, day)
        self._post(story)

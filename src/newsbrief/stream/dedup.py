"""Near-duplicate (syndicated copy) detection: MinHash signatures (datasketch) in an LSH band index.

Each 128-value MinHash is cut into 32 bands of 4 values; articles that share a band's bucket are
candidates, and a candidate is a copy when the MinHash estimate of the Jaccard similarity of their
word 4-shingles reaches `DUPLICATE_THRESHOLD`. With 32 x 4 bands, a pair at Jaccard 0.5 is a
candidate with probability 0.87, at 0.6 with 0.99, and at 0.2 with 0.05.

The buckets live in a table (the SQLite store, or a dict for a one-off set of articles) rather
than in datasketch's in-memory `MinHashLSH`, whose index would have to be rebuilt on every run and
takes about 0.5 GB per 100,000 articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from datasketch import LeanMinHash

from newsbrief.model import Article
from newsbrief.stream.prepare import MINHASH_SEED, NUM_PERM, lsh_buckets, prepare_batch

DUPLICATE_THRESHOLD = 0.5
"""Estimated Jaccard similarity of word 4-shingles above which two articles are copies of one text."""
CONTAINMENT_THRESHOLD = 0.6
"""Share of the shorter text's shingles found in the longer one above which it is a copy: a syndicated
copy cut to a shorter length and lightly edited stays well above it (0.74 to 0.94 on the labelled
2019 stream) while its Jaccard similarity falls below `DUPLICATE_THRESHOLD`; different reports of one
event share at most 0.12."""


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The MinHash estimate of the Jaccard similarity of two signatures (datasketch's estimator)."""
    left = LeanMinHash(seed=MINHASH_SEED, hashvalues=a, scheme="affine32")
    right = LeanMinHash(seed=MINHASH_SEED, hashvalues=b, scheme="affine32")
    return float(left.jaccard(right))


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """The share of the smaller of two sets inside the larger, from their Jaccard similarity and sizes
    (0 when a size is unknown)."""
    if size_a <= 0 or size_b <= 0:
        return 0.0
    return jaccard * (size_a + size_b) / ((1 + jaccard) * min(size_a, size_b))


class BucketTable(Protocol):
    def add_buckets(self, article_id: int, buckets: Sequence[int]) -> None: ...

    def bucket_matches(self, buckets: Sequence[int]) -> list[tuple[int, np.ndarray, int]]: ...

    def original_of(self, article_id: int) -> int: ...


@dataclass
class MemoryTable:
    """A bucket table in memory, for a one-off set of articles."""

    table: dict[int, list[int]] = field(default_factory=dict)
    signatures: dict[int, np.ndarray] = field(default_factory=dict)
    sizes: dict[int, int] = field(default_factory=dict)
    """Words of each article (for containment); unknown sizes compare by Jaccard similarity alone."""
    originals: dict[int, int] = field(default_factory=dict)

    def add_buckets(self, article_id: int, buckets: Sequence[int]) -> None:
        for bucket in buckets:
            self.table.setdefault(bucket, []).append(article_id)

    def bucket_matches(self, buckets: Sequence[int]) -> list[tuple[int, np.ndarray, int]]:
        ids = sorted({i for b in buckets for i in self.table.get(b, ())})
        return [(i, self.signatures[i], self.sizes.get(i, 0)) for i in ids]

    def original_of(self, article_id: int) -> int:
        return self.originals.get(article_id, article_id)


@dataclass(frozen=True)
class DuplicateMatch:
    original: int
    """The original (the first stored article of the syndicated group)."""
    matched: int
    """The article whose signature matched (the original, or another copy of it)."""
    similarity: float


class DuplicateIndex:
    """Find and record near-duplicates through a bucket table."""

    def __init__(self, table: BucketTable, threshold: float = DUPLICATE_THRESHOLD) -> None:
        self.table = table
        self.threshold = threshold

    def find(
        self,
        minhash: np.ndarray,
        exclude: int | None = None,
        bands: Sequence[int] | None = None,
        words: int = 0,
    ) -> DuplicateMatch | None:
        """The best-matching earlier article if it is a near-duplicate, else None (``bands``: the
        MinHash's buckets when already computed, as `PreparedArticle.buckets`; ``words``: the article's
        length, which lets a shortened copy count by containment)."""
        if len(minhash) != NUM_PERM:
            return None
        best: tuple[float, int, float] | None = None
        for article_id, signature, size in self.table.bucket_matches(bands or lsh_buckets(minhash)):
            if article_id == exclude or len(signature) != NUM_PERM:
                continue
            jaccard = int(np.count_nonzero(signature == minhash)) / NUM_PERM
            passes = jaccard >= self.threshold or containment(jaccard, words, size) >= CONTAINMENT_THRESHOLD
            if passes and (best is None or (jaccard, -article_id) > (best[0], -best[1])):
                best = (jaccard, article_id, jaccard)
        if best is None:
            return None
        return DuplicateMatch(self.table.original_of(best[1]), best[1], best[2])

    def add(self, article_id: int, minhash: np.ndarray, bands: Sequence[int] | None = None) -> None:
        if len(minhash) == NUM_PERM:
            self.table.add_buckets(article_id, bands or lsh_buckets(minhash))


@dataclass(frozen=True)
class SyndicatedGroup:
    """One text carried by several outlets: the first article, the outlets, and the copies."""

    article: Article
    outlets: tuple[str, ...]
    copies: tuple[Article, ...]


def collapse_syndicated(articles: Sequence[Article]) -> list[SyndicatedGroup]:
    """Group articles that are copies of one text (in input order); each group counts as one source."""
    prepared = prepare_batch(articles)
    table = MemoryTable()
    index = DuplicateIndex(table)
    groups: dict[int, list[int]] = {}
    for i, p in enumerate(prepared):
        table.signatures[i] = p.minhash
        table.sizes[i] = p.words
        match = index.find(p.minhash, words=p.words)
        if match is None:
            groups[i] = [i]
        else:
            table.originals[i] = match.original
            groups[match.original].append(i)
        index.add(i, p.minhash)
    out = []
    for members in groups.values():
        outlets: list[str] = []
        for m in members:
            outlet = prepared[m].outlet
            if outlet and outlet not in outlets:
                outlets.append(outlet)
        out.append(
            SyndicatedGroup(articles[members[0]], tuple(outlets), tuple(articles[m] for m in members[1:]))
        )
    return out

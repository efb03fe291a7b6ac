"""`batch dedup`: syndicated copies across a whole prepared crawl, as a distributed join on LSH buckets.

The articles are shuffled by LSH bucket (and by content hash); inside each bucket every article meets
the articles before it, as the store's lookup does (`newsbrief.stream.store.Store.bucket_matches`: the
`BUCKET_CANDIDATES` newest of each bucket, then the `BUCKET_CANDIDATES` sharing most buckets). The
candidate pairs are shuffled again by article and each article keeps its best earlier match under the
store's rule (`newsbrief.stream.dedup.DuplicateIndex.find`: an exact copy of the content first, else the
closest signature at `DUPLICATE_THRESHOLD` or above, or whose shorter text lies in the longer by
`CONTAINMENT_THRESHOLD`). Only the last step, following each match to its
group's first article, walks the articles in order, over one small record per copy.

The shuffles are Dask tasks over numpy arrays: a map task per partition cuts its bucket records into
one piece per reducer, each reducer takes its piece of every map result where it lies, and the same
again from the reducers to the tasks that decide each article's match.

Input order is the order of the prepared partitions, as `newsbrief ingest --prepared` stores them, so
the copy links equal the store's. An article whose key (URL) was seen earlier in the set is an update
of that article in the store, not a new one: it is left out here and counted.
"""

from __future__ import annotations

import operator
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from newsbrief.batch import require_batch
from newsbrief.batch.engine import EngineOptions, dask_client, write_table
from newsbrief.stream.dedup import CONTAINMENT_THRESHOLD, DUPLICATE_THRESHOLD
from newsbrief.stream.prepare import BANDS, NUM_PERM
from newsbrief.stream.store import BUCKET_CANDIDATES

if TYPE_CHECKING:
    from distributed import Client, Future

LINKS = "copies.parquet"

Piece = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[tuple[str, int]]]
"""What a map task sends one reducer: bucket, article's place, MinHash and length in words of each
bucket record, and (content hash, place) of each article."""
Matches = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int]]]
"""What a reducer sends one decider: (article, candidate, equal MinHash values, article's words,
candidate's words) of each pair met in a bucket, and (article, first article with its content) of each
exact copy."""


@dataclass
class DedupReport:
    """What `batch_dedup` found: articles compared, copies (of which exact), copy groups, articles left
    out (a URL seen earlier in the set, or rejected when prepared), and seconds after the cluster started."""

    articles: int = 0
    copies: int = 0
    exact: int = 0
    groups: int = 0
    repeated_keys: int = 0
    rejected: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.copies} of {self.articles} articles are copies ({self.exact} exact) in {self.groups} groups;"
            f" {self.repeated_keys} repeated URLs and {self.rejected} rejected articles left out;"
            f" {self.seconds:.1f} s"
        )


def _scatter(item: tuple[str, int, np.ndarray], reducers: int) -> list[Piece]:
    """Map side of the join: each kept article of a partition once per LSH bucket (with its MinHash)
    and once by content hash, cut into one piece per reducer (by bucket, by hash)."""
    import pyarrow.parquet as pq

    part, offset, kept = item
    table = pq.read_table(part, columns=["content_hash", "minhash", "buckets", "words"])
    hashes = table.column("content_hash").to_pylist()
    minhashes = table.column("minhash").to_pylist()
    buckets = table.column("buckets").to_pylist()
    words = table.column("words").to_pylist()
    sketched = [i for i in kept.tolist() if len(minhashes[i]) == 4 * NUM_PERM]
    signatures = np.frombuffer(b"".join(minhashes[i] for i in sketched), dtype="<u4").reshape(-1, NUM_PERM)
    bands = np.array([buckets[i] for i in sketched], dtype=np.int64).reshape(len(sketched), BANDS)
    sizes = np.array([words[i] for i in sketched], dtype=np.int64)
    flat = bands.ravel()
    places = np.repeat(np.array(sketched, dtype=np.int64) + offset, bands.shape[1])
    rows = np.repeat(np.arange(len(sketched)), bands.shape[1])
    target = np.mod(flat, reducers)
    contents = [(hashes[i], offset + i) for i in kept.tolist()]
    pieces = []
    for j in range(reducers):
        chosen = target == j
        mine = [(h, place) for h, place in contents if int(h[:12], 16) % reducers == j]
        pieces.append((flat[chosen], places[chosen], signatures[rows[chosen]], sizes[rows[chosen]], mine))
    return pieces


def _candidates(reducers: int, *pieces: Piece) -> list[Matches]:
    """Reduce side of the join: in each bucket, every article against the `BUCKET_CANDIDATES` before it
    (with the number of equal MinHash values); in each content hash, every article against the first.
    The pairs are cut into one piece per reducer of the next step (by article)."""
    bucket = np.concatenate([p[0] for p in pieces])
    place = np.concatenate([p[1] for p in pieces])
    signature = np.concatenate([p[2] for p in pieces]).reshape(-1, NUM_PERM)
    size = np.concatenate([p[3] for p in pieces])
    order = np.lexsort((place, bucket))
    bucket, place, signature, size = bucket[order], place[order], signature[order], size[order]
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    ends = np.r_[starts[1:], len(bucket)]
    articles, candidates, equal = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
    article_sizes, candidate_sizes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start, end in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(), strict=True):
        for k in range(start + 1, end):
            low = max(start, k - BUCKET_CANDIDATES)
            articles.append(np.full(k - low, place[k]))
            candidates.append(place[low:k])
            equal.append(np.count_nonzero(signature[low:k] == signature[k], axis=1))
            article_sizes.append(np.full(k - low, size[k]))
            candidate_sizes.append(size[low:k])
    first: dict[str, int] = {}
    exact = []
    for content, at in sorted((c for p in pieces for c in p[4]), key=lambda c: c[1]):
        if content in first:
            exact.append((at, first[content]))
        else:
            first[content] = at
    article = np.concatenate(articles)
    candidate = np.concatenate(candidates)
    count = np.concatenate(equal).astype(np.int64)
    size_a, size_c = np.concatenate(article_sizes), np.concatenate(candidate_sizes)
    target = np.mod(article, reducers)
    return [
        (
            article[target == j],
            candidate[target == j],
            count[target == j],
            size_a[target == j],
            size_c[target == j],
            [e for e in exact if e[0] % reducers == j],
        )
        for j in range(reducers)
    ]


def _decide(*pieces: Matches) -> list[tuple[int, int, str, float]]:
    """Each article's match by the store's rule: an exact copy first; else, of the
    `BUCKET_CANDIDATES` candidates sharing the most buckets (earliest first on ties), the closest of
    those at `DUPLICATE_THRESHOLD` or above or contained by `CONTAINMENT_THRESHOLD` (as
    `newsbrief.stream.dedup.containment`). (article, matched, kind, similarity)."""
    article = np.concatenate([p[0] for p in pieces])
    candidate = np.concatenate([p[1] for p in pieces])
    count = np.concatenate([p[2] for p in pieces])
    size_a = np.concatenate([p[3] for p in pieces])
    size_c = np.concatenate([p[4] for p in pieces])
    exact: dict[int, int] = {}
    for at, matched in (e for p in pieces for e in p[5]):
        exact[at] = min(matched, exact.get(at, matched))
    found = [(at, matched, "exact", 1.0) for at, matched in exact.items()]
    if not len(article):
        return found
    order = np.lexsort((candidate, article))
    article, candidate, count = article[order], candidate[order], count[order]
    size_a, size_c = size_a[order], size_c[order]
    pair_starts = np.flatnonzero(
        np.r_[True, (article[1:] != article[:-1]) | (candidate[1:] != candidate[:-1])]
    )
    shared = np.diff(np.r_[pair_starts, len(article)])
    article, candidate, count = article[pair_starts], candidate[pair_starts], count[pair_starts]
    size_a, size_c = size_a[pair_starts], size_c[pair_starts]
    order = np.lexsort((candidate, -shared, article))
    article, candidate, count = article[order], candidate[order], count[order]
    size_a, size_c = size_a[order], size_c[order]
    read = _rank_in_group(article) < BUCKET_CANDIDATES
    jaccard = count[read] / NUM_PERM
    contained = _containment(jaccard, size_a[read], size_c[read]) >= CONTAINMENT_THRESHOLD
    passes = (jaccard >= DUPLICATE_THRESHOLD) | contained
    article, candidate, count = article[read][passes], candidate[read][passes], count[read][passes]
    order = np.lexsort((candidate, -count, article))
    article, candidate, count = article[order], candidate[order], count[order]
    best = _rank_in_group(article) == 0
    for at, matched, equal in zip(
        article[best].tolist(), candidate[best].tolist(), count[best].tolist(), strict=True
    ):
        if at not in exact:
            found.append((at, matched, "near", equal / NUM_PERM))
    return found


def _containment(jaccard: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """`newsbrief.stream.dedup.containment` over arrays (0 where a length is unknown)."""
    smaller = np.minimum(size_a, size_b)
    known = (size_a > 0) & (size_b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = jaccard * (size_a + size_b) / ((1 + jaccard) * smaller)
    return np.where(known, share, 0.0)


def _rank_in_group(sorted_keys: np.ndarray) -> np.ndarray:
    """The position of each element within its run of equal keys (``sorted_keys`` sorted)."""
    index = np.arange(len(sorted_keys))
    first = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]] if len(sorted_keys) else np.zeros(0, dtype=bool)
    return index - np.maximum.accumulate(np.where(first, index, 0))


def _eligible(parts: Sequence[Path], report: DedupReport) -> tuple[list[int], list[str], frozenset[int]]:
    """Each partition's first place, every article's key, and the places of the articles the store
    would insert (not rejected, first of their key)."""
    import pyarrow.parquet as pq

    offsets: list[int] = []
    keys: list[str] = []
    keep: set[int] = set()
    seen: set[str] = set()
    for part in parts:
        offsets.append(len(keys))
        table = pq.read_table(part, columns=["key", "problem"])
        for key, problem in zip(
            table.column("key").to_pylist(), table.column("problem").to_pylist(), strict=True
        ):
            if problem is not None:
                report.rejected += 1
            elif key in seen:
                report.repeated_keys += 1
            else:
                seen.add(key)
                keep.add(len(keys))
            keys.append(key)
    return offsets, keys, frozenset(keep)


def _pieces(client: Client, futures: list[Future], j: int) -> list[Future]:
    """Piece ``j`` of each result, taken where the result is (the shuffle's data moves once)."""
    return [client.submit(operator.getitem, future, j, pure=False) for future in futures]


def batch_dedup(folder: str | Path, engine: EngineOptions, out: str | Path | None = None) -> DedupReport:
    """Find the copies among the prepared articles in ``folder`` and write the links (article key, its
    original's key, similarity, 'exact' or 'near') to ``out`` (default ``folder/copies.parquet``)."""
    require_batch()
    import pyarrow as pa
    from distributed import as_completed
    from tqdm import tqdm

    from newsbrief.batch.prepare import prepared_parts

    parts = prepared_parts(folder)
    with dask_client(engine) as client:
        started = time.perf_counter()
        report = DedupReport()
        offsets, keys, keep = _eligible(parts, report)
        report.articles = len(keep)
        reducers = max(1, min(len(parts), 2 * sum(client.nthreads().values())))
        ends = [*offsets[1:], len(keys)]
        items = [
            (
                str(part),
                offset,
                np.array([i - offset for i in range(offset, end) if i in keep], dtype=np.int64),
            )
            for part, offset, end in zip(parts, offsets, ends, strict=True)
        ]
        maps = [client.submit(_scatter, item, reducers, pure=False) for item in items]
        joins = [
            client.submit(_candidates, reducers, *_pieces(client, maps, j), pure=False)
            for j in range(reducers)
        ]
        decisions = [client.submit(_decide, *_pieces(client, joins, j), pure=False) for j in range(reducers)]
        tasks = maps + joins + decisions
        bar = tqdm(
            total=len(tasks), disable=not engine.progress, file=sys.stderr, unit=" tasks", desc="dedup"
        )
        with bar:
            for _ in as_completed(tasks):
                bar.update(1)
        found = sorted(match for future in decisions for match in future.result())
    original: dict[int, int] = {}
    rows = []
    for seq, matched, kind, score in found:
        first = original[seq] = original.get(matched, matched)
        rows.append({"key": keys[seq], "original": keys[first], "similarity": score, "kind": kind})
    report.copies = len(rows)
    report.exact = sum(1 for r in rows if r["kind"] == "exact")
    report.groups = len(set(original.values()))
    out = Path(out) if out is not None else Path(folder) / LINKS
    schema = pa.schema(
        [("key", pa.string()), ("original", pa.string()), ("similarity", pa.float64()), ("kind", pa.string())]
    )
    write_table(pa.Table.from_pylist(rows, schema=schema), out)
    report.seconds = time.perf_counter() - started
    return report

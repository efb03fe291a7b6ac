"""`batch dedup`: syndicated copies across a whole prepared crawl, as a distributed join on LSH buckets.

The articles are shuffled by LSH bucket (and by content hash); inside each bucket every article meets
the articles before it, as the store's lookup does (`newsbrief.stream.store.Store.bucket_matches`: the
`BUCKET_CANDIDATES` newest of each bucket, then the `BUCKET_CANDIDATES` sharing most buckets). The
candidate pairs are shuffled again by article and each article keeps its best earlier match under the
store's rule (`newsbrief.stream.dedup.DuplicateIndex.find`: an exact copy of the content first, else the
closest signature at `DUPLICATE_THRESHOLD` or above). Only the last step, following each match to its
group's first article, walks the articles in order, over one small record per copy.

Input order is the order of the prepared partitions, as `newsbrief ingest --prepared` stores them, so
the copy links equal the store's. An article whose key (URL) was seen earlier in the set is an update
of that article in the store, not a new one: it is left out here and counted.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsbrief.batch import require_batch
from newsbrief.batch.engine import EngineOptions, dask_client, write_table
from newsbrief.stream.dedup import DUPLICATE_THRESHOLD
from newsbrief.stream.prepare import NUM_PERM
from newsbrief.stream.store import BUCKET_CANDIDATES

LINKS = "copies.parquet"

Record = tuple[int, bytes]
"""(article's place in the input, its MinHash as bytes)."""
Candidates = tuple[int, str, np.ndarray, np.ndarray]


@dataclass
class DedupReport:
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


def _part_records(item: tuple[str, int, frozenset[int]]) -> list[tuple[tuple[str, Any], Record]]:
    """(join key, record) of each kept article of a partition: one per LSH bucket, one for its content."""
    import pyarrow.parquet as pq

    part, offset, keep = item
    table = pq.read_table(part, columns=["content_hash", "minhash", "buckets"])
    out: list[tuple[tuple[str, Any], Record]] = []
    for i, (content, minhash, buckets) in enumerate(
        zip(*(table.column(c).to_pylist() for c in ("content_hash", "minhash", "buckets")), strict=True)
    ):
        seq = offset + i
        if seq not in keep:
            continue
        out.append((("h", content), (seq, b"")))
        if len(minhash) == 4 * NUM_PERM:
            out.extend((("b", bucket), (seq, minhash)) for bucket in buckets)
    return out


def _pairs(group: tuple[tuple[str, Any], list[tuple[tuple[str, Any], Record]]]) -> Iterator[Candidates]:
    """(article, 'h' or 'b', earlier candidates, their similarities) of each member of one join key."""
    (kind, _), items = group
    members = sorted(record for _, record in items)
    seqs = np.array([seq for seq, _ in members], dtype=np.int64)
    if kind == "h":
        for seq in seqs[1:]:
            yield (int(seq), "h", seqs[:1], np.ones(1))
        return
    signatures = np.stack([np.frombuffer(m, dtype="<u4") for _, m in members])
    for k in range(1, len(members)):
        window = slice(max(0, k - BUCKET_CANDIDATES), k)
        scores = np.count_nonzero(signatures[window] == signatures[k], axis=1) / NUM_PERM
        yield (int(seqs[k]), "b", seqs[window], scores)


def _best(group: tuple[int, list[Candidates]]) -> tuple[int, int, str, float] | None:
    """An article's match by the store's rule, or None: (article, matched, kind, similarity)."""
    seq, found = group
    exact = [int(c[0]) for _, kind, c, _ in found if kind == "h"]
    if exact:
        return (seq, min(exact), "exact", 1.0)
    candidates = np.concatenate([c for _, _, c, _ in found])
    scores = np.concatenate([s for _, _, _, s in found])
    ids, first, shared = np.unique(candidates, return_index=True, return_counts=True)
    read = np.lexsort((ids, -shared))[:BUCKET_CANDIDATES]
    best = read[np.lexsort((ids[read], -scores[first[read]]))[0]]
    score = float(scores[first[best]])
    return (seq, int(ids[best]), "near", score) if score >= DUPLICATE_THRESHOLD else None


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


def batch_dedup(folder: str | Path, engine: EngineOptions, out: str | Path | None = None) -> DedupReport:
    """Find the copies among the prepared articles in ``folder`` and write the links (article key, its
    original's key, similarity, 'exact' or 'near') to ``out`` (default ``folder/copies.parquet``)."""
    require_batch()
    import dask.bag as db
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
        items = [
            (str(part), offset, frozenset(i for i in keep if offset <= i < end))
            for part, offset, end in zip(parts, offsets, [*offsets[1:], len(keys)], strict=True)
        ]
        matches = (
            db.from_sequence(items, npartitions=len(parts))
            .map(_part_records)
            .flatten()
            .groupby(lambda r: r[0], shuffle="tasks", npartitions=len(parts))
            .map(_pairs)
            .flatten()
            .groupby(lambda p: p[0], shuffle="tasks", npartitions=len(parts))
            .map(_best)
            .filter(lambda m: m is not None)
        )
        futures = client.compute(matches.to_delayed())
        bar = tqdm(
            total=len(futures), disable=not engine.progress, file=sys.stderr, unit=" partitions", desc="dedup"
        )
        with bar:
            for _ in as_completed(futures):
                bar.update(1)
        found = sorted(match for future in futures for match in future.result())
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

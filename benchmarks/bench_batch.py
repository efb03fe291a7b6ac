"""Throughput of the batch jobs (issue 16): Dask with 1 and 2 worker processes against one process.

    python benchmarks/bench_batch.py                                     # 4,000 clusters, 50,000 articles
    python benchmarks/bench_batch.py --clusters 20 --articles 1000       # a quick check that it runs

brief: the Multi-News validation clusters (cycled, with new ids, past its 250) briefed one after the
other in this process (`newsbrief.batch.brief.brief_row`, what each batch task runs), then by
`batch_brief` on a local cluster of 1 and of 2 workers. prepare: a stream of ``--articles`` made by
`make_stream.py`, prepared in this process (`prepare_batch`, as `newsbrief ingest --workers 1`
does), then by `batch_prepare`. dedup: the prepared folder's copies found in this process (the
store's `DuplicateIndex` over an in-memory bucket table), then by `batch_dedup`. ingest --prepared:
the sequential part, the prepared folder stored into a new store. "job s" is the time
from submitting the first task to the last result (for dedup, from reading the folder to writing the
links); "wall s" adds starting the cluster. Rates are items per job second.
The defaults take about a minute or more per run on a quiet 2-core machine (35 ms a brief and 3 ms
an article to prepare, in one process). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_stream  # noqa: E402

from newsbrief.batch.brief import batch_brief, brief_row, dataset_clusters  # noqa: E402
from newsbrief.batch.dedup import batch_dedup  # noqa: E402
from newsbrief.batch.engine import EngineOptions  # noqa: E402
from newsbrief.batch.prepare import batch_prepare, plan_sources, read_prepared, source_articles  # noqa: E402
from newsbrief.briefing.pipeline import BriefOptions  # noqa: E402
from newsbrief.stream.dedup import DuplicateIndex, MemoryTable  # noqa: E402
from newsbrief.stream.ingest import ingest_prepared  # noqa: E402
from newsbrief.stream.prepare import prepare_batch  # noqa: E402

Row = tuple[str, str, int, float, float]


def bench_brief(count: int, folder: Path) -> list[Row]:
    started = time.perf_counter()
    base = dataset_clusters(make_stream.VAL, [])
    reading = time.perf_counter() - started
    clusters = [
        dataclasses.replace(base[i % len(base)], id=f"{base[i % len(base)].id}#{i // len(base)}")
        for i in range(count)
    ]
    options = BriefOptions()
    started = time.perf_counter()
    for cluster in clusters:
        brief_row(cluster, options, evaluate=False)
    single = time.perf_counter() - started
    rows: list[Row] = [
        ("read clusters", "client (batch brief's own reading)", len(base), reading, reading),
        ("brief", "one process", count, single, single),
    ]
    for workers in (1, 2):
        started = time.perf_counter()
        summary = batch_brief(clusters, folder / f"brief-{workers}", EngineOptions(workers=workers))
        rows.append(
            (
                "brief",
                f"Dask, {workers} worker{'s' * (workers > 1)}",
                count,
                summary["seconds"],
                time.perf_counter() - started,
            )
        )
    return rows


def bench_prepare(stream: Path, folder: Path) -> tuple[list[Row], Path]:
    started = time.perf_counter()
    articles = [a for source in plan_sources([stream]) for a in source_articles(source, [])]
    for i in range(0, len(articles), 250):
        prepare_batch(articles[i : i + 250])
    single = time.perf_counter() - started
    rows: list[Row] = [("prepare", "one process", len(articles), single, single)]
    for workers in (1, 2):
        started = time.perf_counter()
        report = batch_prepare([stream], folder / f"prepared-{workers}", EngineOptions(workers=workers))
        rows.append(
            (
                "prepare",
                f"Dask, {workers} worker{'s' * (workers > 1)}",
                report.rows,
                report.seconds,
                time.perf_counter() - started,
            )
        )
    return rows, folder / "prepared-2"


def bench_dedup(prepared: Path) -> list[Row]:
    started = time.perf_counter()
    table = MemoryTable()
    index = DuplicateIndex(table)
    n = 0
    for part in read_prepared(prepared, []):
        for p in part:
            if p.problem is not None:
                continue
            table.signatures[n] = p.minhash
            match = index.find(p.minhash, bands=p.buckets)
            if match is not None:
                table.originals[n] = match.original
            index.add(n, p.minhash, p.buckets)
            n += 1
    single = time.perf_counter() - started
    rows: list[Row] = [("dedup", "one process", n, single, single)]
    for workers in (1, 2):
        started = time.perf_counter()
        report = batch_dedup(prepared, EngineOptions(workers=workers), prepared / f"copies-{workers}.parquet")
        rows.append(
            (
                "dedup",
                f"Dask, {workers} worker{'s' * (workers > 1)}",
                report.articles,
                report.seconds,
                time.perf_counter() - started,
            )
        )
    return rows


def bench_ingest(prepared: Path, db: Path) -> list[Row]:
    """The sequential part: `newsbrief ingest --prepared` into a new store."""
    started = time.perf_counter()
    report = ingest_prepared(prepared, db)
    seconds = time.perf_counter() - started
    return [("ingest --prepared", "one process (sequential)", report.seen, seconds, seconds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=4000, help="clusters to brief (default %(default)s)")
    parser.add_argument(
        "--articles", type=int, default=50000, help="articles to prepare (default %(default)s)"
    )
    args = parser.parse_args()
    print("| job | run | items | job s | items/s | wall s | vs 1 worker |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |", flush=True)
    one_worker: dict[str, float] = {}

    def show(rows: list[Row]) -> None:
        """Print rows as each job finishes, so that a run cut short still shows what it measured."""
        for job, run, items, seconds, wall in rows:
            rate = items / seconds
            if run == "Dask, 1 worker":
                one_worker[job] = rate
            ratio = f"{rate / one_worker[job]:.2f}x" if run.startswith("Dask") and job in one_worker else ""
            print(f"| {job} | {run} | {items} | {seconds:.1f} | {rate:.1f} | {wall:.1f} | {ratio} |", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stream = folder / "stream.jsonl"
        make_stream.main([str(stream), "--size", str(args.articles)])
        show(bench_brief(args.clusters, folder))
        prepare_rows, prepared = bench_prepare(stream, folder)
        show(prepare_rows)
        show(bench_dedup(prepared))
        show(bench_ingest(prepared, folder / "store.sqlite"))

if __name__ == "__main__":
    main()

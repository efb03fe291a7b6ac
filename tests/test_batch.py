"""Batch jobs on a real local Dask cluster of two worker processes: results equal the single-process
path, a killed worker loses nothing and doubles nothing, a rerun skips finished partitions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsbrief.batch.brief import batch_brief, dataset_clusters, read_briefs
from newsbrief.batch.engine import EngineOptions
from newsbrief.briefing.pipeline import brief
from newsbrief.briefing.render import render_json
from newsbrief.cli import main
from newsbrief.stream.dump import dump_store
from newsbrief.stream.ingest import ingest

DEV_STREAM = Path(__file__).resolve().parents[2] / "shared" / "data" / "streams" / "dev2019.jsonl"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a local Dask cluster of two worker processes, shared by this module's tests."""
    import dask
    from distributed import LocalCluster

    # As docs/scale.md says to start workers: non-daemonic, so the HTML extractor can start its worker.
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
    ):
        yield cluster.scheduler_address


def _worker_pids(address: str) -> set[int]:
    from distributed import Client

    with Client(address) as client:
        return set(client.run(os.getpid).values())


def test_batch_brief_equals_brief_cluster_and_a_rerun_skips_finished_partitions(
    tmp_path: Path, multinews_val: Path, scheduler: str
) -> None:
    warnings: list[str] = []
    clusters = dataset_clusters(multinews_val, warnings)[:8]
    out = tmp_path / "briefs"
    engine = EngineOptions(scheduler=scheduler)
    summary = batch_brief(clusters, out, engine, evaluate=True, size=2)
    assert warnings == []
    assert summary["clusters"] == summary["briefed"] == 8 and summary["partitions_written"] == 4
    rows = read_briefs(out)
    assert [r["id"] for r in rows] == [c.id for c in clusters]
    for row in rows:
        assert row["brief"] == render_json(brief([multinews_val], cluster=row["id"]))
        assert 0 < row["rouge1"] < 100 and row["seconds"] > 0
    assert summary["rouge1"] == pytest.approx(sum(r["rouge1"] for r in rows) / 8, abs=1e-3)

    kept = {p.name: p.stat().st_mtime_ns for p in sorted(out.glob("part-*.parquet"))[1:]}
    sorted(out.glob("part-*.parquet"))[0].unlink()
    rerun = batch_brief(clusters, out, engine, evaluate=True, size=2)
    assert (rerun["partitions_written"], rerun["partitions_skipped"]) == (1, 3)
    assert {p.name: p.stat().st_mtime_ns for p in sorted(out.glob("part-*.parquet"))[1:]} == kept
    assert [r["id"] for r in read_briefs(out)] == [c.id for c in clusters]


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(
    tmp_path: Path, multinews_val: Path, scheduler: str
) -> None:
    clusters = dataset_clusters(multinews_val, [])[8:28]
    out = tmp_path / "briefs"
    before = _worker_pids(scheduler)
    options = EngineOptions(scheduler=scheduler)
    result: dict[str, object] = {}
    job = threading.Thread(
        target=lambda: result.update(batch_brief(clusters, out, options, size=1)), daemon=True
    )
    job.start()
    deadline = time.monotonic() + 60
    while not list(out.glob("part-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    written_at_kill = len(list(out.glob("part-*.parquet")))
    os.kill(min(before), signal.SIGKILL)
    job.join(timeout=120)
    assert not job.is_alive()
    assert 0 < written_at_kill < len(clusters), "the batch was not running when the worker was killed"
    assert result["clusters"] == result["briefed"] == len(clusters)
    ids = [r["id"] for r in read_briefs(out)]
    assert sorted(ids) == sorted(c.id for c in clusters) and len(ids) == len(set(ids))
    assert len(list(out.glob("part-*.parquet"))) == len(clusters)
    after = _worker_pids(scheduler)
    assert min(before) not in after and len(after) == 2


def test_prepare_then_ingest_prepared_equals_ingest_and_dedup_finds_the_stores_copies(
    tmp_path: Path, scheduler: str
) -> None:
    if not DEV_STREAM.is_file():
        pytest.fail(f"shared data missing: {DEV_STREAM}")
    prepared = tmp_path / "prepared"
    batch = ["batch", "prepare", str(DEV_STREAM), "--out", str(prepared), "--scheduler", scheduler, "-q"]
    assert main(batch) == 0
    assert len(list(prepared.glob("part-*.parquet"))) == 1
    from_prepared = main(["ingest", "--prepared", str(prepared), "--db", str(tmp_path / "a.sqlite"), "-q"])
    single = ingest([DEV_STREAM], tmp_path / "b.sqlite", workers=1)
    assert single.duplicates > 0
    assert from_prepared == (3 if single.rejected else 0)  # the same inputs rejected both ways
    assert dump_store(tmp_path / "a.sqlite") == dump_store(tmp_path / "b.sqlite")

    assert main(["batch", "dedup", str(prepared), "--scheduler", scheduler, "-q"]) == 0
    links = {
        (r["key"], r["original"], r["kind"]) for r in pq.read_table(prepared / "copies.parquet").to_pylist()
    }
    store = dump_store(tmp_path / "b.sqlite")
    key_of = {row[0]: row[1] for row in store["articles"]}
    kinds = {(key_of[a], key_of[o], kind) for a, o, _, kind in store["duplicates"]}
    assert links == kinds


def test_prepare_partitions_follow_the_reading_order(tmp_path: Path) -> None:
    from newsbrief.batch.prepare import Source, plan_sources, source_articles
    from newsbrief.stream.ingest import iter_articles

    if not DEV_STREAM.is_file():
        pytest.fail(f"shared data missing: {DEV_STREAM}")
    sources = plan_sources([DEV_STREAM], size=50)
    assert [(s.files, s.first, s.last) for s in sources] == [
        ((DEV_STREAM,), 1, 50),
        ((DEV_STREAM,), 51, 100),
        ((DEV_STREAM,), 101, 119),
    ]
    lines = DEV_STREAM.read_bytes().split(b"\n")
    assert [s.offset for s in sources] == [0, sum(len(x) + 1 for x in lines[:50]), sum(len(x) + 1 for x in lines[:100])]
    whole = list(iter_articles([DEV_STREAM], []))
    assert [a for s in sources for a in source_articles(s, [])] == whole
    # Without an offset a partition reads past the lines before it: the same articles.
    unseeked = [Source(s.files, s.first, s.last) for s in sources]
    assert [a for s in unseeked for a in source_articles(s, [])] == whole


def test_batch_commands_without_the_extra_name_it(tmp_path: Path) -> None:
    shim = tmp_path / "shim"
    (shim / "dask").mkdir(parents=True)
    (shim / "dask" / "__init__.py").write_text("raise ImportError('no dask here')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), *sys.path])}
    run = subprocess.run(
        [sys.executable, "-m", "newsbrief", "batch", "prepare", str(tmp_path), "--out", str(tmp_path / "o")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "Error: dask is not installed; install it with: pip install 'newsbrief[batch]'"
    ]


def test_ingest_prepared_from_a_folder_without_partitions_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--prepared", str(tmp_path), "--db", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no prepared partitions" in err[0] and "batch prepare" in err[0]


def test_a_brief_does_not_depend_on_the_processs_hash_seed(multinews_val: Path) -> None:
    """Workers are other processes, with other hash seeds: a brief must not change with it (here a
    quote heard from two speakers as often, once settled by a set's order)."""
    outputs = {
        subprocess.run(
            [
                sys.executable,
                "-m",
                "newsbrief",
                "brief",
                str(multinews_val),
                "--cluster",
                "val-034",
                "--format",
                "json",
            ],
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_batch_brief_of_a_store_gives_each_storys_brief(tmp_path: Path, scheduler: str) -> None:
    from newsbrief.batch.brief import store_clusters
    from newsbrief.stream.briefs import brief_event

    if not DEV_STREAM.is_file():
        pytest.fail(f"shared data missing: {DEV_STREAM}")
    lines = DEV_STREAM.read_text(encoding="utf-8").splitlines()[:12]
    stream = tmp_path / "stream.jsonl"
    stream.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "s.sqlite"
    ingest([stream], db, workers=1)
    clusters = store_clusters(db)
    assert len(clusters) >= 2
    out = tmp_path / "stories"
    assert main(["batch", "brief", "--db", str(db), "--out", str(out), "--scheduler", scheduler, "-q"]) == 0
    rows = read_briefs(out)
    assert [r["id"] for r in rows] == [c.id for c in clusters]
    for row in rows[:2]:
        assert row["brief"] == render_json(brief_event(db, int(row["id"])).brief)

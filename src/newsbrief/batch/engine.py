"""The engine of batch jobs: a Dask cluster, partitions submitted as tasks, written atomically.

A job is a list of `Partition`s, each a pure function writing one Parquet file. A partition whose
file exists is skipped, so a rerun continues an interrupted job. A task writes to a temporary name
in the output folder and renames it, so a file is whole or absent: a worker killed mid-write leaves
only a temporary file, the scheduler reruns the task on another worker, and the rerun writes the
same file again (same name, same rows), so nothing is written twice.

The output folder must be one that every worker sees (a local folder for a local cluster, a shared
file system for a remote one).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsbrief.batch import require_batch

if TYPE_CHECKING:
    import pyarrow as pa
    from distributed import Client

DEFAULT_WORKERS = 2
WARNINGS_KEY = b"newsbrief.warnings"
"""Parquet metadata key of the warnings (JSON list of strings) met while making a partition."""


@dataclass(frozen=True)
class EngineOptions:
    """Where a batch job runs: a local cluster of ``workers`` processes, or the Dask scheduler at
    ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``)."""

    workers: int = DEFAULT_WORKERS
    scheduler: str | None = None
    progress: bool = False


@dataclass(frozen=True)
class Partition:
    """One unit of work: ``function(*args, path)`` writes ``path`` and returns its row count."""

    path: Path
    function: Callable[..., int]
    args: tuple[Any, ...] = ()


@dataclass
class RunReport:
    """What a job did: partitions written now and skipped as already written, rows written now."""

    written: int = 0
    skipped: int = 0
    rows: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


@contextmanager
def dask_client(options: EngineOptions) -> Iterator[Client]:
    """A client of the scheduler at ``options.scheduler``, else of a new local cluster of worker
    processes (one thread each: the per-article work holds the GIL)."""
    require_batch()
    import dask
    from distributed import Client, LocalCluster

    if options.scheduler:
        with Client(options.scheduler) as client:
            yield client
        return
    # Workers must be able to start the HTML extractor's own worker process (`newsbrief.inputs.extract`).
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(
            n_workers=options.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def write_table(table: pa.Table, path: Path, warnings: Sequence[str] = ()) -> int:
    """Write ``table`` to ``path`` as Parquet, whole or not at all (temporary name, then rename);
    ``warnings`` go in the file's metadata. Returns the row count."""
    import pyarrow.parquet as pq

    metadata = dict(table.schema.metadata or {})
    metadata[WARNINGS_KEY] = json.dumps(list(warnings)).encode("utf-8")
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table.replace_schema_metadata(metadata), temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return table.num_rows


def read_warnings(metadata: Mapping[bytes, bytes] | None) -> list[str]:
    """The warnings `write_table` kept in a Parquet file's metadata."""
    raw = (metadata or {}).get(WARNINGS_KEY)
    return list(json.loads(raw)) if raw else []


def run_partitions(
    client: Client, partitions: Sequence[Partition], *, progress: bool, desc: str
) -> RunReport:
    """Run every partition whose file is missing on the cluster, and wait for all of them.

    A worker that dies has its tasks rerun by the scheduler; an error raised by a task is raised here.
    """
    from distributed import as_completed
    from tqdm import tqdm

    started = time.perf_counter()
    report = RunReport()
    for folder in {p.path.parent for p in partitions}:
        for stale in folder.glob(".*.tmp"):  # left by a worker killed mid-write in an earlier run
            stale.unlink(missing_ok=True)
    todo = [p for p in partitions if not p.path.exists()]
    report.skipped = len(partitions) - len(todo)
    futures = [
        client.submit(p.function, *p.args, p.path, pure=False, key=f"{desc}-{p.path.name}-{uuid.uuid4().hex}")
        for p in todo
    ]
    bar = tqdm(
        total=len(todo),
        disable=not progress,
        file=sys.stderr,
        unit=" partitions",
        desc=desc,
        dynamic_ncols=True,
    )
    with bar:
        for future in as_completed(futures):
            report.rows += int(future.result())
            report.written += 1
            bar.update(1)
    report.seconds = time.perf_counter() - started
    return report

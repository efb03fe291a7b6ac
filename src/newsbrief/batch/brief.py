"""`batch brief`: brief every cluster of a data set (or every story of a store) on a Dask cluster.

Each cluster is read as `newsbrief brief DATA --cluster ID` reads it (for JSON lines, the dataset
row through `newsbrief.inputs.readers.read_records`), so the JSON of each brief equals that command's
output. Partitions of `PARTITION_CLUSTERS` clusters are written as Parquet (one row per cluster: id,
the brief's JSON or the error that prevented it, seconds, and with ``evaluate`` ROUGE F1 x100), and
``summary.json`` gives the counts and mean ROUGE of the whole run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsbrief.batch import require_batch
from newsbrief.batch.engine import EngineOptions, Partition, RunReport, dask_client, run_partitions
from newsbrief.briefing.pipeline import BriefOptions
from newsbrief.errors import InputError, MissingExtraError
from newsbrief.model import Article

PARTITION_CLUSTERS = 10
"""Clusters per partition: a few seconds of work, so a lost worker costs little and progress moves."""
METRICS = ("rouge1", "rouge2", "rougeLsum")
SUMMARY = "summary.json"


@dataclass(frozen=True)
class ClusterInput:
    """One cluster to brief: its id, articles, reference summaries (for ``--eval``), reading warnings."""

    id: str
    articles: tuple[Article, ...]
    references: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def dataset_clusters(path: str | Path, warnings: list[str]) -> list[ClusterInput]:
    """The clusters of a Multi-News or WCEP JSON-lines file, or of a DUC folder, in file order."""
    from newsbrief.inputs.datasets import DatasetError, load_clusters
    from newsbrief.inputs.readers import ReadOptions, json_records, read_records

    path = Path(path)
    try:
        clusters, dataset_warnings = load_clusters(path)
    except DatasetError as err:
        raise InputError(str(err)) from err
    references = {c.id: tuple(c.references) for c in clusters}
    if path.is_dir():
        warnings.extend(dataset_warnings)
        return [ClusterInput(c.id, tuple(c.articles), tuple(c.references)) for c in clusters]
    out = []
    for label, record in json_records(path, warnings):
        if not isinstance(record, dict) or not ("documents" in record or "articles" in record):
            warnings.append(f"skipped {label}: not a cluster (no 'documents' or 'articles')")
            continue
        cluster_id = str(record.get("id", label))
        read = read_records([(label, record)], str(path), ReadOptions(cluster=cluster_id))
        out.append(
            ClusterInput(
                cluster_id, tuple(read.articles), references.get(cluster_id, ()), tuple(read.warnings)
            )
        )
    return out


def store_clusters(db_path: str | Path) -> list[ClusterInput]:
    """Every event of a store, as `newsbrief brief --story ID` reads it."""
    from newsbrief.stream.catalog import event_input, list_events

    out = []
    for event_id in sorted(s.id for s in list_events(db_path)):
        articles, notes = event_input(db_path, event_id)
        out.append(ClusterInput(str(event_id), tuple(articles), warnings=notes))
    return out


def brief_row(cluster: ClusterInput, options: BriefOptions, evaluate: bool) -> dict[str, Any]:
    """The row of one cluster: its brief as `newsbrief brief --format json` prints it, or the error."""
    from newsbrief.briefing.pipeline import assemble, prepare_articles
    from newsbrief.briefing.render import render_json

    started = time.perf_counter()
    row: dict[str, Any] = {"id": cluster.id, "brief": None, "error": None}
    sentences: list[str] = []
    try:
        if not cluster.articles:
            raise InputError(f"no readable articles in cluster {cluster.id}")
        result = assemble(prepare_articles(cluster.articles, options), options, cluster.warnings)
        row["brief"] = render_json(result)
        sentences = [s.text for s in result.sentences]
    except InputError as err:
        row["error"] = str(err)
    row["seconds"] = time.perf_counter() - started
    if evaluate:
        from newsbrief.briefing.evaluate import rouge

        scores = rouge(sentences, cluster.references) if cluster.references else {}
        row.update({m: scores.get(m) for m in METRICS})
    return row


def brief_partition(
    clusters: Sequence[ClusterInput], options: BriefOptions, evaluate: bool, path: Path
) -> int:
    """Brief ``clusters`` and write their rows to ``path`` (a task of `batch_brief`)."""
    import pyarrow as pa

    from newsbrief.batch.engine import write_table

    rows = [brief_row(c, options, evaluate) for c in clusters]
    schema = [("id", pa.string()), ("brief", pa.string()), ("error", pa.string()), ("seconds", pa.float64())]
    schema += [(m, pa.float64()) for m in METRICS] if evaluate else []
    return write_table(pa.Table.from_pylist(rows, schema=pa.schema(schema)), path)


def batch_brief(
    clusters: Sequence[ClusterInput],
    out: str | Path,
    engine: EngineOptions,
    options: BriefOptions | None = None,
    *,
    evaluate: bool = False,
    size: int = PARTITION_CLUSTERS,
) -> dict[str, Any]:
    """Brief every cluster into Parquet partitions in the folder ``out``; returns the summary it
    writes to ``out/summary.json`` (counts, seconds, and with ``evaluate`` the mean ROUGE)."""
    require_batch()
    if evaluate:
        try:
            import rouge_score  # noqa: F401
        except ImportError as err:
            raise MissingExtraError("rouge-score", "eval") from err
    options = options or BriefOptions()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    partitions = [
        Partition(
            out / f"part-{i // size:06d}.parquet",
            brief_partition,
            (tuple(clusters[i : i + size]), options, evaluate),
        )
        for i in range(0, len(clusters), size)
    ]
    with dask_client(engine) as client:
        report = run_partitions(client, partitions, progress=engine.progress, desc="brief")
    summary = summarise(out, report)
    (out / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def read_briefs(out: str | Path) -> list[dict[str, Any]]:
    """Every row written by `batch_brief` in ``out``, in cluster order."""
    import pyarrow.parquet as pq

    return [
        row for part in sorted(Path(out).glob("part-*.parquet")) for row in pq.read_table(part).to_pylist()
    ]


def summarise(out: Path, report: RunReport) -> dict[str, Any]:
    rows = read_briefs(out)
    summary: dict[str, Any] = {
        "clusters": len(rows),
        "briefed": sum(1 for r in rows if r["brief"] is not None),
        "failed": sum(1 for r in rows if r["brief"] is None),
        "partitions_written": report.written,
        "partitions_skipped": report.skipped,
        "seconds": round(report.seconds, 3),
        "brief_seconds": round(sum(r["seconds"] for r in rows), 3),
    }
    for metric in METRICS:
        scored = [r[metric] for r in rows if r.get(metric) is not None]
        if scored:
            summary[metric] = round(sum(scored) / len(scored), 3)
    return summary

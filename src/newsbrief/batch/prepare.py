"""`batch prepare`: read, clean, date, vectorise and sketch every article of a crawl, in partitions.

The partitions follow the order in which `newsbrief ingest` reads the same paths: files in order,
a JSON-lines file cut into runs of lines, a WARC file whole (a crawl is many WARC files of similar
size), other files (text, HTML) in runs. `read_prepared` gives the articles back in that order, so
`newsbrief ingest --prepared` stores exactly what `newsbrief ingest` stores.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from newsbrief.batch import require_batch
from newsbrief.batch.engine import (
    EngineOptions,
    Partition,
    RunReport,
    dask_client,
    read_warnings,
    run_partitions,
)
from newsbrief.errors import InputError
from newsbrief.inputs.readers import ReadOptions, is_warc, parse_json_lines, read_records
from newsbrief.model import Article
from newsbrief.stream.ingest import input_files, iter_articles
from newsbrief.stream.prepare import PreparedArticle, prepare_batch

PARTITION_ARTICLES = 1000
"""Articles (JSON lines) or files per partition: large enough that a task costs seconds, not ms."""
PREPARE_BATCH = 250
"""Articles prepared together (they share a memo of word codes), as `newsbrief ingest` does."""
PART_GLOB = "part-*.parquet"


@dataclass(frozen=True)
class Source:
    """The input of one partition: some files whole, or lines ``first``..``last`` (1-based, inclusive)
    of one JSON-lines file."""

    files: tuple[Path, ...]
    first: int | None = None
    last: int | None = None
    offset: int | None = None
    """Where line ``first`` starts in the file (bytes), so that a task seeks to its lines instead of
    reading past the ones before them; None: read from the start."""


def _line_starts(path: Path, every: int) -> tuple[list[int], int]:
    """The byte offsets of lines 1, 1 + every, 1 + 2 * every, ... of a file, and its line count."""
    starts, lines, at = [], 0, 0
    with path.open("rb") as handle:
        for line in handle:
            if lines % every == 0:
                starts.append(at)
            lines += 1
            at += len(line)
    return starts, lines


def plan_sources(paths: Sequence[str | Path], size: int = PARTITION_ARTICLES) -> list[Source]:
    """The partitions of the inputs under ``paths``, in reading order."""
    sources: list[Source] = []
    loose: list[Path] = []

    def flush() -> None:
        if loose:
            sources.append(Source(tuple(loose)))
            loose.clear()

    for file in input_files(paths):
        if file.suffix.lower() == ".jsonl":
            flush()
            starts, lines = _line_starts(file, size)
            sources.extend(
                Source((file,), first, min(first + size - 1, lines), offset)
                for first, offset in zip(range(1, lines + 1, size), starts, strict=True)
            )
        elif is_warc(file) or file.suffix.lower() == ".json":
            flush()
            sources.append(Source((file,)))
        else:
            loose.append(file)
            if len(loose) >= size:
                flush()
    flush()
    return sources


class _LineWindow:
    """Lines ``first``..``last`` of a text file as a stream (`newsbrief.inputs.readers.LineStream`), the
    lines before them blank, so that line numbers (and the labels naming them) stay those of the whole
    file; blank lines cost no JSON parsing. With ``seeked``, ``handle`` already stands at line
    ``first`` and the lines before it are not read at all."""

    def __init__(self, handle: TextIO, first: int, last: int, seeked: bool = False) -> None:
        self.handle, self.first, self.last, self.seeked = handle, first, last, seeked
        self.number = 0
        self.partial = False

    def readline(self, limit: int = -1, /) -> str:
        if not self.partial:
            self.number += 1
        if self.number > self.last:
            return ""
        if self.seeked and self.number < self.first:
            return "\n"
        line = self.handle.readline(limit)
        self.partial = bool(line) and not line.endswith("\n")
        if self.number >= self.first:
            return line
        while self.partial:
            line = self.handle.readline(limit)
            self.partial = bool(line) and not line.endswith("\n")
        return "\n"


def source_articles(source: Source, warnings: list[str]) -> Iterator[Article]:
    """The articles of a partition, as `newsbrief.stream.ingest.iter_articles` reads them."""
    if source.first is None or source.last is None:
        yield from iter_articles(source.files, warnings)
        return
    (file,) = source.files
    try:
        with file.open("rb") as raw:
            raw.seek(source.offset or 0)
            handle = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
            lines = _LineWindow(handle, source.first, source.last, seeked=source.offset is not None)
            for label, record in parse_json_lines(lines, str(file), warnings):
                result = read_records([(label, record)], label, ReadOptions())
                warnings.extend(result.warnings)
                yield from result.articles
    except (InputError, OSError, ValueError) as err:
        warnings.append(f"skipped {file}: {err}")


def prepare_partition(source: Source, path: Path) -> int:
    """Prepare the articles of ``source`` and write them to ``path`` (a task of `batch_prepare`)."""
    from newsbrief.batch.columns import to_table
    from newsbrief.batch.engine import write_table

    warnings: list[str] = []
    articles = list(source_articles(source, warnings))
    prepared = [
        p
        for i in range(0, len(articles), PREPARE_BATCH)
        for p in prepare_batch(articles[i : i + PREPARE_BATCH])
    ]
    return write_table(to_table(prepared), path, warnings)


def batch_prepare(
    paths: Sequence[str | Path], out: str | Path, engine: EngineOptions, size: int = PARTITION_ARTICLES
) -> RunReport:
    """Prepare every article under ``paths`` into Parquet partitions in the folder ``out``."""
    require_batch()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sources = plan_sources(paths, size)
    partitions = [
        Partition(out / f"part-{i:06d}.parquet", prepare_partition, (s,)) for i, s in enumerate(sources)
    ]
    with dask_client(engine) as client:
        return run_partitions(client, partitions, progress=engine.progress, desc="prepare")


def prepared_parts(folder: str | Path) -> list[Path]:
    """The partition files of a prepared folder, in order; InputError when there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(
            f"{folder}: no such folder (make one with: newsbrief batch prepare PATH... --out {folder})"
        )
    parts = sorted(folder.glob(PART_GLOB))
    if not parts:
        raise InputError(f"{folder}: no prepared partitions ({PART_GLOB}); run newsbrief batch prepare first")
    return parts


def read_prepared(folder: str | Path, warnings: list[str]) -> Iterator[list[PreparedArticle]]:
    """The prepared articles of a folder, one list per partition, in order; the warnings met while
    preparing are added to ``warnings``."""
    import pyarrow.parquet as pq

    from newsbrief.batch.columns import from_table

    require_batch()
    for part in prepared_parts(folder):
        table = pq.read_table(part)
        warnings.extend(read_warnings(table.schema.metadata))
        yield from_table(table)

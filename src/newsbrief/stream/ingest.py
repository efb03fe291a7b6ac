"""Ingest: read -> prepare in batches (worker processes) -> dedup -> cluster -> commit.

A transaction holds whole batches and is committed every `COMMIT_ARTICLES` articles or `COMMIT_SECONDS`
seconds, whichever comes first, so an interrupted ingest keeps every commit and a rerun skips those
articles as unchanged and completes the rest. (One commit per 250-article batch wrote most pages of the
duplicate-bucket index again each time: its cost grew with the store.)
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from newsbrief.errors import InputError
from newsbrief.inputs.extract import Extractor
from newsbrief.inputs.limits import Limits
from newsbrief.inputs.readers import (
    REJECTED,
    SKIPPED,
    ReadOptions,
    files_under,
    is_warc,
    json_records,
    read_records,
    reader_for,
    unsupported,
)
from newsbrief.inputs.warc import iter_warc
from newsbrief.model import Article
from newsbrief.stream.dedup import DuplicateIndex
from newsbrief.stream.prepare import PreparedArticle, prepare_batch
from newsbrief.stream.store import Level, Store, pack_vector, writer_lock
from newsbrief.stream.stories import STORYLINE_PARAMS, ClusterParams, Story, StoryIndex, add_sparse, cosine
from newsbrief.workers import die_with_parent

BATCH_SIZE = 250
COMMIT_ARTICLES = 2000
COMMIT_SECONDS = 3.0
MAX_EXAMPLES = 10
T = TypeVar("T")


@dataclass
class IngestReport:
    """What an ingest did: counts, and why articles or files were rejected."""

    added: int = 0
    new_stories: int = 0
    """New events."""
    new_storylines: int = 0
    updated: int = 0
    duplicates: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    """Inputs with nothing to read (an empty file, an unsupported type), each named in the warnings."""
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    timings: list[tuple[int, float]] = field(default_factory=list)
    """(articles, seconds) of each batch, from the end of the previous batch to its commit."""

    def reject(self, label: str, reason: str) -> None:
        self.rejected += 1
        self.reasons[re.sub(r"\s*\([^)]*\)$", "", reason)] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(f"{label}: {reason}")

    def skip(self, label: str, reason: str) -> None:
        self.skipped += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(f"{label}: skipped, {reason}")

    @property
    def seen(self) -> int:
        return self.added + self.updated + self.duplicates + self.unchanged + self.rejected + self.skipped

    def summary(self) -> str:
        lines = [
            f"added {self.added} articles ({self.new_stories} new events, {self.new_storylines} new storylines)",
            f"updated {self.updated} articles changed at the same URL",
            f"linked {self.duplicates} syndicated copies to their originals (stored, counted as one source)",
            f"skipped {self.unchanged} articles already in the store",
            f"skipped {self.skipped} inputs with nothing to read",
            f"rejected {self.rejected}" + (":" if self.rejected or self.skipped else ""),
        ]
        lines += [f"  {n} x {reason}" for reason, n in self.reasons.most_common()]
        lines += [f"  e.g. {example}" for example in self.examples]
        other = [w for w in self.warnings if not w.startswith((SKIPPED, REJECTED))]
        lines += [f"warning: {w}" for w in other[:MAX_EXAMPLES]]
        if len(other) > MAX_EXAMPLES:
            lines.append(f"warning: ... and {len(other) - MAX_EXAMPLES} more")
        rate = self.seen / self.seconds if self.seconds > 0 else 0.0
        lines.append(f"{self.seen} inputs in {self.seconds:.1f} s ({rate:.0f} per second)")
        return "\n".join(lines)


# --- reading ---------------------------------------------------------------------------------------


def input_files(paths: Sequence[str | Path], warnings: list[str] | None = None) -> list[Path]:
    """The files under ``paths`` (folders recursively); InputError for a path that does not exist,
    folders that cannot be read and broken or looping links named in ``warnings``."""
    return [file for item in paths for file in files_under(Path(item), warnings)]


def estimate_articles(files: Iterable[Path]) -> int:
    """About how many articles ``files`` hold, for a progress bar: lines of JSON-lines files, one per
    HTML or text file, and for a WARC file its size over 20 kB (a typical compressed news page)."""
    total = 0
    for file in files:
        if is_warc(file):
            total += max(1, file.stat().st_size // 20_000)
        elif file.suffix.lower() == ".jsonl":
            with file.open("rb") as lines:
                total += sum(1 for line in lines if line.strip())
        else:
            total += 1
    return total


def iter_articles(files: Iterable[Path], warnings: list[str], options: ReadOptions | None = None) -> Iterator[Article]:
    """Every article of every file, streamed; what cannot be read becomes a warning naming it.

    Unlike `newsbrief.readers.read_inputs`, a dataset file holding many clusters gives all of them.
    """
    options = options or ReadOptions()
    for file in files:
        try:
            if is_warc(file):
                yield from iter_warc(file, warnings, options)
            elif file.suffix.lower() in (".jsonl", ".json"):
                for label, record in json_records(file, warnings, options.limits):
                    result = read_records([(label, record)], label, options)
                    warnings.extend(result.warnings)
                    yield from result.articles
            elif (reader := reader_for(file)) is not None:
                result = reader(file, options)
                warnings.extend(result.warnings)
                yield from result.articles
            else:
                warnings.append(unsupported(file))
        except (InputError, OSError) as err:
            warnings.append(f"{REJECTED}{file}: {err}")


def _batches(articles: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def prepared_batches(
    batches: Iterable[list[Article]], pool: ProcessPoolExecutor | None, ahead: int = 3
) -> Iterator[list[PreparedArticle]]:
    """`prepare_batch` over batches, in order; with a pool, a few batches run ahead in workers."""
    if pool is None:
        for batch in batches:
            yield prepare_batch(batch)
        return
    pending: deque[Future[list[PreparedArticle]]] = deque()
    for batch in batches:
        pending.append(pool.submit(prepare_batch, batch))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


# --- the loop --------------------------------------------------------------------------------------


class _Ingester:
    """The per-run state rebuilt from the store: term statistics, the event and storyline indexes, the
    duplicate index."""

    def __init__(
        self, store: Store, report: IngestReport, params: ClusterParams, lines: ClusterParams
    ) -> None:
        self.store = store
        self.report = report
        self.stats = store.load_term_stats()
        self.events = StoryIndex(store.load("stories"), params)
        self.storylines = StoryIndex(store.load("storylines"), lines)
        self.dups = DuplicateIndex(store)
        self.latest_day: int | None = store.latest_day()
        """The latest day of a dated article so far: where an undated article is matched in time."""

    def batch(self, prepared: Sequence[PreparedArticle]) -> None:
        """Store a batch; the caller holds the transaction (`Store.transaction`)."""
        joined: dict[int, list[int | None]] = {}
        recompute: set[int] = set()
        changed: list[np.ndarray] = []
        for p in prepared:
            self.one(p, joined, recompute, changed)
        lines_joined: dict[int, list[int | None]] = {}
        for event_id, days in joined.items():
            lines_joined.setdefault(self.store.storyline_of(event_id), []).extend(days)
        lines_recompute = {self.store.storyline_of(e) for e in recompute}
        levels: tuple[tuple[Level, StoryIndex, set[int], dict[int, list[int | None]]], ...] = (
            ("stories", self.events, recompute, joined),
            ("storylines", self.storylines, lines_recompute, lines_joined),
        )
        for level, index, redo, grown_days in levels:
            for group_id in sorted(redo):
                self.store.recompute(level, group_id)
                index.remove(group_id)
                for group in self.store.load(level, group_id):
                    index.add(group)
            grown = sorted(grown_days.keys() - redo)
            self.store.save_centroids(level, (index.stories[g] for g in grown if g in index.stories))
            for group_id in grown:
                self.store.grow(level, group_id, grown_days[group_id])
        if changed:
            self.store.save_term_stats(self.stats, np.concatenate(changed))

    def one(
        self,
        p: PreparedArticle,
        joined: dict[int, list[int | None]],
        recompute: set[int],
        changed: list[np.ndarray],
    ) -> None:
        """Store one article: an update, a copy joining its original's event, or a new article placed in
        an event (and a new event in a storyline); ``joined`` collects the days of each event's new
        members."""
        report, store = self.report, self.store
        label = p.article.label
        if p.problem is not None:
            report.reject(label, p.problem)
            return
        existing = store.lookup(p.key)
        if existing is not None and existing[1] == p.content_hash:
            report.unchanged += 1
            return
        if existing is not None:
            article_id = existing[0]
            store.update_article(article_id, p, *self._packed(p, self.stats.weigh(p.term_ids, p.term_weights)))
            self.dups.add(article_id, p.minhash, p.buckets)
            event_id = store.event_of(article_id)
            if event_id is not None:
                recompute.add(event_id)
            report.updated += 1
            return
        exact = store.by_content(p.content_hash)
        match = None if exact is not None else self.dups.find(p.minhash, bands=p.buckets, words=p.words)
        if exact is not None or match is not None:
            original = store.original_of(exact) if exact is not None else match.original  # type: ignore[union-attr]
            similarity = 1.0 if exact is not None else match.similarity  # type: ignore[union-attr]
            vector = self.stats.weigh(p.term_ids, p.term_weights)
            article_id = store.insert_article(p, *self._packed(p, vector))
            store.link_duplicate(article_id, original, similarity, "exact" if exact is not None else "near")
            self.dups.add(article_id, p.minhash, p.buckets)
            event_id = store.event_of(original)
            if event_id is not None:
                store.join_event(article_id, event_id, similarity)
                joined.setdefault(event_id, []).append(p.day)
            report.duplicates += 1
            return
        self.stats.observe(p.term_ids)
        changed.append(p.term_ids)
        vector = self.stats.weigh(p.term_ids, p.term_weights)
        e_ids, e_vector = self._event_vector(p, vector)
        article_id = store.insert_article(p, *self._packed(p, vector, (e_ids, e_vector)))
        self.dups.add(article_id, p.minhash, p.buckets)
        lang = p.lang or None
        if p.day is not None:
            self.latest_day = p.day if self.latest_day is None else max(self.latest_day, p.day)
        # An undated article is news when it arrives: matched as of the latest day seen, so it does
        # not wake an event or storyline that went quiet months ago.
        day = p.day if p.day is not None else self.latest_day
        event, score = self.events.best(e_ids, e_vector, day, lang)
        if event is not None and not self._fits(event, p, (e_ids, e_vector), vector, day):
            event = None
        if event is None:
            event = self._new_event(p, vector, day)
            score = 1.0
        elif p.headline and not event.titled:
            store.retitle_event(event.id, p.title)
            event.titled = True
        line = self._storyline_of(event)
        levels = ((self.events, event, e_ids, e_vector), (self.storylines, line, p.term_ids, vector))
        for index, group, ids, weights in levels:
            if lang is None or group.lang in (None, lang):
                index.join(group, ids, weights, day)
            else:  # another language: counted and dated, but its words never pull the group its way
                index.join(group, ids[:0], weights[:0], day)
        store.join_event(article_id, event.id, score)
        joined.setdefault(event.id, []).append(p.day)
        report.added += 1

    def _packed(
        self, p: PreparedArticle, vector: np.ndarray, as_event: tuple[np.ndarray, np.ndarray] | None = None
    ) -> tuple[bytes, bytes | None]:
        """The article's vectors as the store keeps them: the text's, and the events' (`_event_vector`,
        made here unless given) when it differs."""
        event = pack_vector(*(as_event or self._event_vector(p, vector))) if len(p.headline_ids) else None
        return pack_vector(p.term_ids, vector), event

    def _event_vector(self, p: PreparedArticle, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The article as events see it: its text's terms with its headline's added, weighed as one unit
        vector. A headline names the happening, so a report from another angle (the farmers' view of a
        trade deal) shares it with the event's own reports even where its body talks of other things.
        Storylines match the text alone (``vector``): a headline names one happening, and a storyline
        is followed through many (with headlines in its vectors too, a new trade pact joined an older
        storyline on dev2019). The store keeps both (`_packed`), so an event rebuilt after a correction
        or an update has the centroid that matching gave it."""
        if not len(p.headline_ids):
            return p.term_ids, vector
        every = len(p.term_ids) + len(p.headline_ids)
        ids, tf = add_sparse(p.term_ids, p.term_weights, p.headline_ids, p.headline_weights, every)
        return ids, self.stats.weigh(ids, tf)

    def _fits(
        self,
        event: Story,
        p: PreparedArticle,
        as_event: tuple[np.ndarray, np.ndarray],
        vector: np.ndarray,
        day: int | None,
    ) -> bool:
        """Whether an article may join ``event``: yes when it matches as closely as `ClusterParams.threshold`
        asks (``as_event``: `_event_vector`); an article that joins only by being close in time
        (`ClusterParams.close_threshold`) must fit no other storyline better than the event's own (by its
        text's ``vector``)."""
        lang = p.lang or None
        if (lang is not None and event.lang not in (None, lang)) or cosine(
            *as_event, event
        ) >= self.events.params.threshold:
            return True
        line, _ = self.storylines.best(p.term_ids, vector, day, lang)
        return line is None or line.id == self._storyline_of(event).id

    def _storyline_of(self, event: Story) -> Story:
        line_id = event.parent if event.parent is not None else self.store.storyline_of(event.id)
        if line_id not in self.storylines.stories:  # emptied by a correction, now taking articles again
            for line in self.store.load("storylines", line_id) or [
                Story(line_id, event.ids[:0], event.weights[:0], None, None, 0)
            ]:
                self.storylines.add(line)
        return self.storylines.stories[line_id]

    def _new_event(self, p: PreparedArticle, vector: np.ndarray, day: int | None) -> Story:
        """A new event for an article that joins none, in the storyline it continues or a new one."""
        store, lang = self.store, p.lang or None
        title = p.title or p.text[:80]
        line, _ = self.storylines.best(p.term_ids, vector, day, lang)
        if line is None:
            line = Story(
                store.new_storyline(title, p.day, lang),
                p.term_ids[:0],
                vector[:0],
                day,
                day,
                0,
                lang=lang,
            )
            self.storylines.add(line)
            self.report.new_storylines += 1
        event = Story(
            store.new_event(title, p.day, line.id, lang, p.headline),
            p.term_ids[:0],
            vector[:0],
            day,
            day,
            0,
            lang=lang,
            parent=line.id,
            titled=p.headline,
        )
        self.events.add(event)
        self.report.new_stories += 1
        return event


def ingest(
    paths: Sequence[str | Path],
    db_path: str | Path,
    *,
    progress: bool = False,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    params: ClusterParams | None = None,
    storyline_params: ClusterParams | None = None,
    commit_every: int = COMMIT_ARTICLES,
    limits: Limits | None = None,
    on_batch: Callable[[IngestReport], None] | None = None,
) -> IngestReport:
    """Add the articles under ``paths`` to the store at ``db_path``; see `IngestReport`.

    ``params`` decide when an article joins an event, ``storyline_params`` when a new event continues
    a storyline (`newsbrief.stream.stories`). Commits after every ``commit_every`` articles (whole
    batches) or `COMMIT_SECONDS` seconds. ``limits`` bound what one input may cost (`Limits`).

    ``workers`` processes run the per-article step (default: one per core, at most 2 when there
    are 2 cores); 1 runs everything in this process. ``on_batch`` is called with the report so far
    after each batch is stored (the web app's progress bar).
    """
    started = time.perf_counter()
    report = IngestReport()
    files = input_files(paths, report.warnings)
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    # The pool forks before the store opens, so no worker holds a copy of the SQLite connection.
    pool = (
        ProcessPoolExecutor(workers, initializer=die_with_parent, initargs=(os.getpid(),)) if workers > 1 else None
    )
    extractor = Extractor(limits)
    try:
        options = ReadOptions(limits=limits or Limits(), extractor=extractor)
        batches = _batches(iter_articles(files, report.warnings, options), batch_size)
        store_prepared(
            prepared_batches(batches, pool),
            db_path,
            report,
            progress=progress,
            params=params,
            storyline_params=storyline_params,
            commit_every=commit_every,
            on_batch=on_batch,
        )
    finally:
        extractor.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    report.seconds = time.perf_counter() - started
    return report


def store_prepared(
    batches: Iterable[Sequence[PreparedArticle]],
    db_path: str | Path,
    report: IngestReport,
    *,
    progress: bool = False,
    params: ClusterParams | None = None,
    storyline_params: ClusterParams | None = None,
    commit_every: int = COMMIT_ARTICLES,
    on_batch: Callable[[IngestReport], None] | None = None,
) -> None:
    """The sequential part of ingesting: store batches of prepared articles (from `prepare_batch`, or
    from `newsbrief batch prepare`) in order, linking copies and placing each article in an event and
    a storyline. Holds the store's writer lock throughout, so concurrent ingests queue up."""
    from tqdm import tqdm

    def waiting() -> None:
        if progress:
            print(f"ingest: waiting for another ingest into {db_path} to finish", file=sys.stderr)

    def fresh(store: Store) -> _Ingester:
        return _Ingester(store, report, params or ClusterParams(), storyline_params or STORYLINE_PARAMS)

    with writer_lock(db_path, waiting) as waited, Store(db_path) as store:
        if waited >= 1:
            report.warnings.append(f"waited {waited:.0f} s for another ingest into {db_path} to finish")
        ingester = fresh(store)
        seen = store.data_version()
        bar = tqdm(disable=not progress, file=sys.stderr, unit=" articles", desc="ingest", dynamic_ncols=True)
        with bar, store.transaction():
            mark = committed = time.perf_counter()
            pending = 0
            for prepared in batches:
                ingester.batch(prepared)
                pending += len(prepared)
                if pending >= commit_every or time.perf_counter() - committed >= COMMIT_SECONDS:
                    store.commit()
                    pending, committed = 0, time.perf_counter()
                    if store.data_version() != seen:
                        # A correction (stories --merge, ...) came in between: start again from the store.
                        ingester = fresh(store)
                        seen = store.data_version()
                report.timings.append((len(prepared), time.perf_counter() - mark))
                mark = time.perf_counter()
                bar.update(len(prepared))
                bar.set_postfix(added=report.added, copies=report.duplicates, events=len(ingester.events))
                if on_batch is not None:
                    on_batch(report)
    for warning in report.warnings:
        if warning.startswith(REJECTED):
            label, _, reason = warning.removeprefix(REJECTED).partition(": ")
            report.reject(label, reason)
        elif warning.startswith(SKIPPED):
            label, _, reason = warning.removeprefix(SKIPPED).partition(": ")
            report.skip(label, reason)


def ingest_prepared(
    folder: str | Path,
    db_path: str | Path,
    *,
    progress: bool = False,
    batch_size: int = BATCH_SIZE,
    params: ClusterParams | None = None,
    storyline_params: ClusterParams | None = None,
    commit_every: int = COMMIT_ARTICLES,
) -> IngestReport:
    """Add the articles prepared by `newsbrief.batch.prepare.batch_prepare` in ``folder`` to the store,
    in the batches `ingest` would make, so the store equals one `ingest` builds from the same paths."""
    from newsbrief.batch.prepare import prepared_parts, read_prepared

    started = time.perf_counter()
    report = IngestReport()
    prepared_parts(folder)
    articles = (p for part in read_prepared(folder, report.warnings) for p in part)
    store_prepared(
        _batches(articles, batch_size),
        db_path,
        report,
        progress=progress,
        params=params,
        storyline_params=storyline_params,
        commit_every=commit_every,
    )
    report.seconds = time.perf_counter() - started
    return report

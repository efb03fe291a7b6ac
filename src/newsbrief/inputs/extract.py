"""HTML extraction in a worker process with a time limit: a page that hangs or crashes the extractor
is rejected and named, the stuck worker is killed and a fresh one takes the next page.

trafilatura has no time limit of its own, and some pages raise from deep inside lxml or htmldate
(``<!html><svg >`` gives an ``AssertionError`` in ``drop_tree``); both are faults of one input, not of
the run.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from newsbrief.inputs.limits import MB, Limits
from newsbrief.model import Article
from newsbrief.workers import die_with_parent


class ExtractionError(Exception):
    """One page could not be extracted: too large, too slow, or the extractor failed on it."""


def _serve(conn: Connection, parent: int, parents_end: Connection | None = None) -> None:
    """The worker: extract each page it is sent; a failure inside the extractor goes back as text.
    ``parents_end``: the other end of the pipe, which a forked worker inherits and closes, so that it
    sees the end of input when the parent closes its own end (else the parent waits for it in vain)."""
    if parents_end is not None:
        parents_end.close()
    die_with_parent(parent)
    from newsbrief.inputs.readers import html_article

    while True:
        try:
            html, url, path = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", html_article(html, url=url, path=path)))
        except Exception as err:  # the input boundary: the extractor's failure on this page
            conn.send(("error", f"the HTML extractor failed ({type(err).__name__}: {str(err)[:100]})"))


class Extractor:
    """Extract pages in one worker process; use as a context manager (the worker starts on first use)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> Connection:
        if multiprocessing.current_process().daemon:
            raise ExtractionError(
                "HTML extraction needs a worker process, which a daemonic process cannot start"
                " (on a Dask cluster, start the workers with distributed.worker.daemon: false)"
            )
        # Imported here, before the fork, so that each replacement worker starts without importing it again.
        import trafilatura  # noqa: F401

        methods = multiprocessing.get_all_start_methods()
        context: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        ours, theirs = context.Pipe()
        forked = context.get_start_method() == "fork"
        process = context.Process(target=_serve, args=(theirs, os.getpid(), ours if forked else None), daemon=True)
        process.start()
        theirs.close()
        self._process, self._conn = process, ours
        return ours

    def close(self) -> None:
        """Stop the worker (killed if it does not stop at once)."""
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            self._process.join(timeout=1)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._process = self._conn = None

    def article(self, html: str, *, url: str | None = None, path: str | None = None) -> Article | None:
        """Main text and metadata of a page (None when it has no article); `ExtractionError` when the
        page is over the size or time limit or the extractor fails on it."""
        limit = self.limits.file_mb * MB
        if len(html) > limit:
            raise ExtractionError(f"{len(html) / MB:.1f} MB of HTML is over the limit ({self.limits.file_mb} MB)")
        conn = self._conn or self._start()
        try:
            conn.send((html, url, path))
            if not conn.poll(self.limits.extract_seconds):
                self.close()
                raise ExtractionError(
                    f"HTML extraction took longer than {self.limits.extract_seconds} s (the worker was replaced)"
                )
            status, value = conn.recv()
        except (EOFError, OSError):
            self.close()
            raise ExtractionError("the HTML extractor's worker died on this page (it was replaced)") from None
        if status == "error":
            raise ExtractionError(str(value))
        article: Article | None = value
        return article

"""Uploads into the store: files saved under names the app makes (never the uploaded names), then one
`newsbrief.stream.ingest.ingest` run in a background thread whose progress a page can follow."""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from newsbrief.errors import NewsbriefError
from newsbrief.inputs.readers import READERS, WARC_ENDINGS
from newsbrief.stream.ingest import IngestReport, estimate_articles, ingest

CHUNK = 1024 * 1024
ENDINGS = tuple(sorted(set(READERS) | set(WARC_ENDINGS), key=len, reverse=True))


def safe_ending(filename: str | None, head: bytes) -> str:
    """The file type of an upload, the only part of an uploaded name the app keeps: a known ending
    (``.jsonl``, ``.warc.gz`` ...), else another plain ending (``.pdf``: the ingest names it as not
    supported), else, for a name without one, the type its first bytes show."""
    name = (filename or "").lower().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    known = next((e for e in ENDINGS if name.endswith(e)), None)
    if known:
        return known
    other = re.fullmatch(r".+(\.[a-z0-9]{1,10})", name)
    if other:
        return other.group(1)
    start = head.lstrip()[:16].lower()
    if head.startswith(b"\x1f\x8b"):
        return ".warc.gz"
    if start.startswith(b"warc/"):
        return ".warc"
    if start.startswith((b"{", b"[")):
        return ".jsonl"
    if start.startswith(b"<"):
        return ".html"
    return ".txt"


@dataclass
class IngestJob:
    """One upload's ingest: its state, an estimate of its size, and the report as it grows."""

    id: str
    names: dict[str, str]
    """Saved file path -> the name the user uploaded (shown in the report, never used as a path)."""
    total: int = 0
    state: str = "queued"  # queued, running, done, failed
    report: IngestReport = field(default_factory=IngestReport)
    error: str | None = None

    def shown(self, text: str) -> str:
        for path, name in self.names.items():
            text = text.replace(path, name)
        return text

    def as_dict(self) -> dict[str, object]:
        r = self.report
        return {
            "id": self.id,
            "state": self.state,
            "total": max(self.total, r.seen),
            "seen": r.seen,
            "added": r.added,
            "new_stories": r.new_stories,
            "updated": r.updated,
            "duplicates": r.duplicates,
            "unchanged": r.unchanged,
            "rejected": r.rejected,
            "reasons": [[self.shown(reason), n] for reason, n in r.reasons.most_common()],
            "examples": [self.shown(e) for e in r.examples],
            "warnings": [self.shown(w) for w in r.warnings if not w.startswith("skipped")][:10],
            "error": self.error,
        }


class Uploads:
    """The app's ingest jobs; one ingest writes at a time."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.jobs: dict[str, IngestJob] = {}
        self._lock = threading.Lock()

    def start(self, files: Iterable[tuple[str | None, BinaryIO]], pasted: str) -> IngestJob:
        """Save the uploads (streamed in chunks) and the pasted JSON lines, then ingest them in a thread."""
        folder = Path(tempfile.mkdtemp(prefix="newsbrief-upload-"))
        names: dict[str, str] = {}
        for n, (filename, stream) in enumerate(files, 1):
            head = stream.read(CHUNK)
            target = folder / f"upload-{n:03d}{safe_ending(filename, head)}"
            with target.open("wb") as out:
                out.write(head)
                shutil.copyfileobj(stream, out, CHUNK)
            names[str(target)] = filename or target.name
        if pasted.strip():
            target = folder / "pasted.jsonl"
            target.write_text(pasted, encoding="utf-8")
            names[str(target)] = "pasted lines"
        job = IngestJob(uuid.uuid4().hex, names)
        job.total = estimate_articles(sorted(folder.iterdir()))
        self.jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, folder, sorted(folder.iterdir())), daemon=True).start()
        return job

    def _run(self, job: IngestJob, folder: Path, files: Sequence[Path]) -> None:
        def follow(report: IngestReport) -> None:
            job.report = report

        try:
            with self._lock:
                job.state = "running"
                # One process: a worker pool forked from a threaded server could copy a held lock.
                job.report = ingest(files, self.db, workers=1, on_batch=follow, batch_size=25)
            job.state = "done"
        except (NewsbriefError, OSError) as err:
            job.error = job.shown(str(err))
            job.state = "failed"
        finally:
            shutil.rmtree(folder, ignore_errors=True)

"""Ingest: idempotent re-ingest, bad files reported and skipped, a real SIGKILL mid-ingest."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from newsbrief.stream.ingest import ingest
from newsbrief.stream.store import Store


def _multinews_records(path: Path, clusters: int) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:clusters]]
    return [
        {"id": f"{row['id']}-{i}", "text": doc, "published": f"2024-02-{1 + n % 27:02d}"}
        for n, row in enumerate(rows)
        for i, doc in enumerate(row["documents"])
    ]


def _write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _consistent(db: Path) -> int:
    """Check the store's invariants; return the number of articles."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        members = conn.execute("SELECT count(*) FROM memberships").fetchone()[0]
        assert members == articles, "every article belongs to exactly one story"
        wrong_sizes = conn.execute(
            "SELECT s.id FROM stories s WHERE s.size != (SELECT count(*) FROM memberships m WHERE m.story_id = s.id)"
            " AND s.merged_into IS NULL"
        ).fetchall()
        assert wrong_sizes == []
        dangling = conn.execute(
            "SELECT count(*) FROM duplicates d LEFT JOIN articles a ON a.id = d.original_id WHERE a.id IS NULL"
        ).fetchone()[0]
        assert dangling == 0
        return int(articles)
    finally:
        conn.close()


def test_reingest_is_a_no_op(tmp_path: Path, multinews_val: Path) -> None:
    stream = _write(tmp_path / "a.jsonl", _multinews_records(multinews_val, 12))
    db = tmp_path / "s.sqlite"
    first = ingest([stream], db, workers=1)
    with Store(db) as store:
        before = store.conn.execute(
            "SELECT article_id, story_id FROM memberships ORDER BY article_id"
        ).fetchall()
        stories_before = store.conn.execute("SELECT id, size, title FROM stories ORDER BY id").fetchall()
    second = ingest([stream], db, workers=2)
    assert first.added > 20
    assert (second.added, second.updated, second.duplicates) == (0, 0, 0)
    assert second.unchanged == first.added + first.duplicates
    with Store(db) as store:
        assert (
            store.conn.execute("SELECT article_id, story_id FROM memberships ORDER BY article_id").fetchall()
            == before
        )
        assert (
            store.conn.execute("SELECT id, size, title FROM stories ORDER BY id").fetchall() == stories_before
        )


def test_bad_files_are_reported_and_skipped(tmp_path: Path) -> None:
    good = {
        "text": "Officials in Harbor County opened a new bridge on Monday after three years of work. " * 4
    }
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder / "good.jsonl", [good])
    (folder / "broken.jsonl").write_text('{"text": "unterminated\n', encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n")
    (folder / "short.txt").write_text("Click here to subscribe.", encoding="utf-8")
    report = ingest([folder], tmp_path / "s.sqlite", workers=1)
    assert report.added == 1
    assert report.rejected == 2 and report.skipped == 2  # broken line, short text; empty file, a .png
    text = report.summary()
    for name in ("broken.jsonl line 1", "empty.txt", "picture.png", "short.txt"):
        assert name in text
    assert "not valid JSON" in text and "not a supported file type" in text


_CHILD = """
import sys
from newsbrief.stream.ingest import ingest
ingest([sys.argv[1]], sys.argv[2], workers=1, batch_size=50, commit_every=50)
"""


def test_sigkill_mid_ingest_leaves_a_consistent_store_and_rerun_completes(
    tmp_path: Path, multinews_val: Path
) -> None:
    records = _multinews_records(multinews_val, 250)
    stream = _write(tmp_path / "big.jsonl", records)
    db = tmp_path / "s.sqlite"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(stream), str(db)], env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        committed = 0
        while time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.2)
            if db.exists():
                try:
                    conn = sqlite3.connect(db, timeout=1)
                    committed = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                    conn.close()
                except sqlite3.OperationalError:
                    committed = 0
                if committed >= 100:
                    break
        assert child.poll() is None, "the ingest finished before it could be killed; make the input larger"
        os.killpg(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    stored = _consistent(db)
    assert 100 <= stored < len(records)
    report = ingest([stream], db, workers=2)
    assert report.unchanged >= stored
    total = _consistent(db)
    assert total == report.added + report.duplicates + report.unchanged
    assert total + report.rejected == len(records)


def test_prepared_text_matches_the_briefs_own_word_view(multinews_val: Path) -> None:
    """The ingest's fast tokenising sees the words the brief sees (aliases folded, curly quotes plain),
    and its duplicate buckets are the ones the duplicate index computes, so a copy found in a brief is
    found in the store."""
    from newsbrief.briefing.clean import clean_text
    from newsbrief.model import Article
    from newsbrief.stream.dedup import DuplicateIndex, MemoryTable
    from newsbrief.stream.prepare import prepare_batch
    from newsbrief.text import canonical_aliases, fold_words, words

    records = _multinews_records(multinews_val, 5)
    texts = [r["text"] for r in records] + [
        "The U.S. and the United States’ “allies” met the U.N. — in Britain."
    ]
    for text in texts:
        cleaned, _, _ = clean_text(Article(text=text))
        assert fold_words(cleaned)[1] == words(canonical_aliases(cleaned))
    assert fold_words(texts[-1])[1][:4] == ["the", "us", "and", "the"]
    # Indexed by the brief's way (buckets computed from the MinHash), found by the store's (the buckets
    # the workers computed), and the other way round.
    for i, p in enumerate(prepare_batch([Article(text=t) for t in texts[:-1]])):
        if p.problem is None:
            briefs, stores = MemoryTable(), MemoryTable()
            briefs.signatures[i] = stores.signatures[i] = p.minhash
            DuplicateIndex(briefs).add(i, p.minhash)
            DuplicateIndex(stores).add(i, p.minhash, p.buckets)
            assert DuplicateIndex(briefs).find(p.minhash, bands=p.buckets) is not None
            assert DuplicateIndex(stores).find(p.minhash) is not None

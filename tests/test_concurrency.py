"""Concurrent ingests into one store (issue 14): four processes give the store one process gives, reading
the same parts in the order they took the store's writer lock, while a reader lists storylines."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import SHARED

from newsbrief.stream.catalog import list_storylines
from newsbrief.stream.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
STREAM = SHARED / "data" / "streams" / "dev2019.jsonl"


def _parts(tmp_path: Path, count: int) -> list[Path]:
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    parts = []
    for i in range(count):
        part = tmp_path / f"part{i}.jsonl"
        part.write_text("\n".join(lines[i::count]) + "\n", encoding="utf-8")
        parts.append(part)
    return parts


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table, without the wall-clock columns (``*_at``)."""
    with sqlite3.connect(db) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        dump = {}
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if not row[1].endswith("_at")]
            listed = ", ".join(columns)
            dump[table] = conn.execute(f"SELECT {listed} FROM {table} ORDER BY {listed}").fetchall()
    return dump


def test_four_ingests_at_once_give_the_store_of_one(tmp_path: Path) -> None:
    parts = _parts(tmp_path, 4)
    db = tmp_path / "new" / "store.sqlite"
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "newsbrief", "ingest", str(part), "--db", str(db), "-q"],
            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for part in parts
    ]
    reads = 0
    while any(child.poll() is None for child in children):
        if db.exists():
            list_storylines(db)  # a reader never fails while ingests run
            reads += 1
        time.sleep(0.05)
    for child in children:
        out, err = child.communicate()
        assert child.returncode == 0, err
        assert "Traceback" not in err
    assert reads > 0
    with sqlite3.connect(db) as conn:
        first = {path: conn.execute("SELECT min(id) FROM articles WHERE path LIKE ?", (f"{path}%",)).fetchone()[0]
                 for path in map(str, parts)}
    order = sorted(parts, key=lambda part: first[str(part)])
    alone = tmp_path / "alone.sqlite"
    for part in order:
        ingest([part], alone, workers=1)
    concurrent, single = _dump(db), _dump(alone)
    assert concurrent.keys() == single.keys()
    for table in single:
        assert concurrent[table] == single[table], table
    assert len(single["articles"]) == 119 and len(single["term_df"]) > 1000


_OPEN = """
import sys, time
from newsbrief.stream.store import Store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
with Store(sys.argv[1]) as store:
    print(store.conn.execute("PRAGMA user_version").fetchone()[0])
"""


def test_processes_opening_a_new_store_at_once_all_succeed(tmp_path: Path) -> None:
    for round_ in range(2):
        db = tmp_path / f"fresh{round_}.sqlite"
        start = str(time.time() + 2)
        children = [
            subprocess.Popen([sys.executable, "-c", _OPEN, str(db), start],
                             env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(6)
        ]
        versions = set()
        for child in children:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            versions.add(out.strip())
        assert len(versions) == 1

"""A store's content in a canonical form, for comparing two stores built different ways.

Every table (so tables added later are compared too), every row in primary-key order, every column
but the clock times (``added_at``, ``updated_at``, ``created_at``, ``at``), which differ between runs.
Article and story ids are kept: both are given in input order, so equal stores number them alike.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsbrief.errors import InputError

_CLOCK_COLUMNS = ("at",)


def _is_clock(column: str) -> bool:
    return column in _CLOCK_COLUMNS or column.endswith("_at")


def dump_store(db_path: str | Path) -> dict[str, list[tuple[object, ...]]]:
    """{table: sorted rows without clock columns} of the store at ``db_path``."""
    path = Path(db_path)
    if not path.is_file():
        raise InputError(f"{path}: no such store")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]
        out: dict[str, list[tuple[object, ...]]] = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")') if not _is_clock(r[1])]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f'SELECT {listed} FROM "{table}"').fetchall()
            out[table] = sorted(rows, key=repr)
        return out
    finally:
        conn.close()

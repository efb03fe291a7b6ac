"""The store: schema version, re-ingest, updates at the same URL, duplicate links, corrections."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newsbrief.errors import InputError
from newsbrief.stream.catalog import (
    event_articles,
    event_sources,
    format_storylines,
    list_events,
    list_storylines,
)
from newsbrief.stream.ingest import ingest
from newsbrief.stream.store import SCHEMA_VERSION, Store, default_db_path

BODY = (
    "The city council of Riverton approved a new budget on Tuesday that raises spending on public "
    "transit by twelve percent and freezes property taxes for a second year. Mayor Ellen Park said "
    "the plan would add three bus lines to the northern districts by the spring. Council member Raj "
    "Patel voted against it, saying the transit money should have gone to road repairs first. "
    "The budget takes effect on the first of July after a final reading next month."
)


def _write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_new_store_has_schema_version_and_tables(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        version = store.conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert version == SCHEMA_VERSION
    assert {"articles", "duplicates", "stories", "memberships", "corrections"} <= tables


def test_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(InputError, match="newer newsbrief"):
        Store(db)


def test_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(InputError, match="not a newsbrief store"):
        Store(bad)


def test_default_path_is_in_user_data_folder() -> None:
    path = default_db_path()
    assert path.name == "store.sqlite" and "newsbrief" in str(path)


def test_article_updated_at_same_url_is_updated_not_doubled(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    url = "https://www.example.com/news/riverton-budget"
    first = ingest(
        [_write(tmp_path / "a.jsonl", [{"url": url, "text": BODY, "published": "2024-03-05"}])], db, workers=1
    )
    changed = BODY + " A correction was added: the vote was six to three."
    again = ingest([_write(tmp_path / "b.jsonl", [{"url": url + "/", "text": changed}])], db, workers=1)
    assert (first.added, again.added, again.updated) == (1, 0, 1)
    with Store(db) as store:
        rows = store.conn.execute("SELECT text FROM articles").fetchall()
    assert len(rows) == 1 and "six to three" in rows[0][0]


def test_syndicated_copy_is_one_source_with_several_outlets(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    records = [
        {
            "url": "https://wire.example/riverton",
            "source": "Wire Service",
            "text": BODY,
            "published": "2024-03-05",
        },
        {
            "url": "https://daily.example/2024/riverton",
            "source": "Daily Example",
            "published": "2024-03-05",
            "text": "By Staff Reporter\n\n" + BODY.replace("said", "stated", 1),
        },
    ]
    report = ingest([_write(tmp_path / "a.jsonl", records)], db, workers=1)
    assert (report.added, report.duplicates) == (1, 1)
    (story,) = list_events(db)
    assert story.size == 2 and story.copies == 1
    assert set(story.outlets) == {"Wire Service", "Daily Example"}
    (source,) = event_sources(db, story.id)
    assert source.outlets == ("Wire Service", "Daily Example")
    (article,) = event_articles(db, story.id)
    assert article.source == "Wire Service, Daily Example"
    assert "Daily Example" in format_storylines(list_storylines(db))


def test_unknown_story_and_missing_store_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no store"):
        list_events(tmp_path / "none.sqlite")
    db = tmp_path / "s.sqlite"
    ingest([_write(tmp_path / "a.jsonl", [{"text": BODY}])], db, workers=1)
    with pytest.raises(InputError, match="no event 99"):
        event_articles(db, 99)


def test_a_wire_text_carried_by_a_hundred_outlets_is_one_source(tmp_path: Path) -> None:
    # More copies than a duplicate lookup reads from one bucket (`BUCKET_CANDIDATES`): each later copy still
    # finds an earlier one, and through it the original.
    db = tmp_path / "s.sqlite"
    days = [f"2024-03-{5 + i // 40:02d}" for i in range(100)]
    records = [
        {
            "url": f"https://outlet{i}.example/riverton",
            "source": f"Outlet {i}",
            "published": days[i],
            "text": (f"By Reporter {i}\n\n" if i else "") + BODY.replace("Tuesday", f"Tuesday ({i})"),
        }
        for i in range(100)
    ]
    ingest([_write(tmp_path / "first.jsonl", records[:60])], db, workers=1)
    report = ingest([_write(tmp_path / "more.jsonl", records[60:])], db, workers=1)
    assert (report.added, report.duplicates) == (0, 40)
    (story,) = list_events(db)
    assert (story.size, story.copies) == (100, 99)
    assert (story.first_date, story.last_date) == ("2024-03-05", "2024-03-07")
    (source,) = event_sources(db, story.id)
    assert len(source.outlets) == 100 and source.outlets[0] == "Outlet 0"

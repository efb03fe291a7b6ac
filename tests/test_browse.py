"""The web app's library reads: bounded storyline search, stored articles, the change token, kept briefs."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from newsbrief.errors import InputError
from newsbrief.stream import browse, catalog
from newsbrief.stream.brief_cache import EventBriefs
from newsbrief.stream.ingest import ingest


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, dev_stream: Path) -> Path:
    db = tmp_path_factory.mktemp("browse") / "store.sqlite"
    ingest([dev_stream], db, workers=1)
    return db


@pytest.mark.parametrize(
    "query, since, until",
    [(None, None, None), ("boeing", None, None), ("brexit vote", None, None), (None, "2019-06-01", "2019-09-30")],
)
def test_find_storylines_agrees_with_list_storylines(store: Path, query: str, since: str, until: str) -> None:
    expected = catalog.list_storylines(store, query=query, since=since, until=until, limit=20)
    found = browse.find_storylines(store, query=query, since=since, until=until, limit=20)
    assert [line.id for line in found] == [line.id for line in expected]
    assert found == expected
    if query:
        assert found and all(query.split()[0] in (line.title + " ".join(e.title for e in line.events)).lower()
                             for line in found)


def test_a_bad_date_is_one_clear_error(store: Path) -> None:
    with pytest.raises(InputError, match="since must be a date like 2019-01-31"):
        browse.find_storylines(store, since="last tuesday")


def test_the_change_token_moves_with_corrections_and_briefs_follow_them(store: Path) -> None:
    briefs = EventBriefs(store)
    first, second = (e.id for e in catalog.list_events(store)[:2])
    before = briefs.get(first)
    assert briefs.get(first) is before  # kept while the event's articles stay the same
    token = browse.store_state(store)
    catalog.merge_events(store, [first, second])
    assert browse.store_state(store) != token
    after = briefs.get(first)
    assert after is not before
    assert len(after.documents) > len(before.documents)
    assert briefs.get(second) is after  # a merged event's id follows the merge


def test_a_stored_article_knows_its_event_and_what_it_copies(store: Path) -> None:
    copy_id = next(a.id for e in catalog.list_events(store) for a in catalog.get_event(store, e.id).articles
                   if a.copy_of is not None)
    stored = browse.stored_article(store, copy_id)
    assert stored.copy_of is not None and stored.event_id is not None
    assert stored.article.text
    with pytest.raises(InputError, match="no article 999999"):
        browse.stored_article(store, 999_999)


def test_the_most_active_events_are_briefed_ahead_and_again_when_the_store_changes(
    tmp_path: Path, dev_stream: Path
) -> None:
    lines = dev_stream.read_text(encoding="utf-8").splitlines()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[:60]) + "\n", encoding="utf-8")
    second.write_text("\n".join(lines[60:]) + "\n", encoding="utf-8")
    db = tmp_path / "store.sqlite"
    ingest([first], db, workers=1)
    briefs, stop = EventBriefs(db), threading.Event()
    worker = threading.Thread(target=briefs.keep_current, args=(stop, 0.1), daemon=True)
    worker.start()
    try:
        for part in (None, second):
            if part is not None:
                ingest([part], db, workers=1)
            shown = [e.id for line in browse.find_storylines(db) for e in line.events[-4:]]
            deadline = time.monotonic() + 120
            while not all(briefs.is_kept(e) for e in shown) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert shown and all(briefs.is_kept(e) for e in shown)
            assert briefs.current.wait(60)
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()

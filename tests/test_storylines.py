"""Events and storylines on the real 2019 stream: both levels, a storyline that wakes after months,
other languages, clean titles, raw HTML in a JSON line, and corrections at both levels that stick."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest

from newsbrief.cli import main
from newsbrief.stream import catalog
from newsbrief.stream.evaluate import LabelFields, evaluate_stream, read_labels
from newsbrief.stream.ingest import ingest
from newsbrief.stream.store import _SCHEMA_V1, SCHEMA_VERSION, Store

LABELS = ("storyline", "event", "copy_of", "true_date", "lang")


def _unlabelled(records: list[dict[str, object]], path: Path) -> Path:
    """The records as a reader gets them: the labels are left out."""
    path.write_text(
        "".join(json.dumps({k: v for k, v in r.items() if k not in LABELS}) + "\n" for r in records),
        encoding="utf-8",
    )
    return path


def _groups(db: Path) -> dict[str, tuple[int, int]]:
    """(event, storyline) of each stored article, by its input id."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT a.ext_id, m.story_id, e.storyline_id FROM articles a JOIN memberships m ON m.article_id = a.id"
        " JOIN stories e ON e.id = m.story_id"
    ).fetchall()
    conn.close()
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.fixture(scope="module")
def records(dev2019: Path) -> list[dict[str, object]]:
    return read_labels(dev2019, LabelFields())


@pytest.fixture(scope="module")
def dev_store(records: list[dict[str, object]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("dev2019")
    db = tmp / "store.sqlite"
    report = ingest([_unlabelled(records, tmp / "stream.jsonl")], db, workers=1)
    assert report.rejected == 0 and report.added + report.duplicates == len(records)
    return db


def test_every_article_is_in_one_event_and_every_event_in_one_storyline(dev_store: Path) -> None:
    lines = catalog.list_storylines(dev_store)
    events = [e for line in lines for e in line.events]
    assert len({e.id for e in events}) == len(events), "an event is listed under two storylines"
    assert all(e.storyline_id == line.id for line in lines for e in line.events)
    assert sum(line.size for line in lines) == sum(e.size for e in events) == 119
    assert len(lines) < len(events), "no storyline holds more than one event"
    for line in lines:
        dated = [e.first_date for e in line.events if e.first_date]
        assert dated == sorted(dated), f"events of storyline {line.id} are not in time order"
        assert sum(n for _, n in line.daily) <= line.size


def test_one_happening_is_one_event_and_its_follow_ups_are_events_of_the_same_storyline(
    dev_store: Path,
) -> None:
    groups = _groups(dev_store)
    crash = {groups[f"w2-00{i}"] for i in range(1, 7)}
    assert len(crash) == 1, "six reports of the Ethiopian crash within two days are split into several events"
    (crash_event, boeing) = crash.pop()
    # the view from Dover the day after the third Brexit vote, sharing few of its words, joins it
    assert groups["w0-010"] == groups["w0-009"]
    report_event, report_line = groups["w2-013"]  # the preliminary report, three weeks later
    assert report_event != crash_event and report_line == boeing
    # neighbours that share the vocabulary stay apart: Airbus's A380 and the USMCA trade pact
    assert groups["w2-030"][1] != boeing
    assert groups["w1-034"][1] != groups["w1-001"][1]


def test_a_storyline_wakes_up_after_months(dev_store: Path) -> None:
    groups = _groups(dev_store)
    for march, december in (("w2-001", "w2-022"), ("w0-001", "w0-037")):
        assert groups[march][1] == groups[december][1], f"{december} did not wake the storyline of {march}"
        assert groups[march][0] != groups[december][0]
    line = catalog.get_storyline(dev_store, groups["w2-022"][1])
    assert line.first_date is not None and line.last_date is not None
    assert line.first_date[:7] == "2019-03" and line.last_date[:7] == "2019-12"


def test_an_article_in_another_language_never_pollutes_an_english_event(
    dev_store: Path, records: list[dict[str, object]]
) -> None:
    truth = {str(r["id"]): r for r in records}
    groups = _groups(dev_store)
    members: dict[int, list[str]] = defaultdict(list)
    for article, (event, _) in groups.items():
        members[event].append(article)
    foreign = [i for i, r in truth.items() if r["lang"] != "en"]
    assert len(foreign) == 9
    joined = 0
    for article in foreign:
        others = [m for m in members[groups[article][0]] if m != article]
        if others:
            # the event it joined holds reports of its own happening, and nothing from another storyline
            assert truth[article]["event"] in {truth[m]["event"] for m in others}, (
                f"{article} ({truth[article]['lang']}) joined an event about something else"
            )
            assert {truth[m]["storyline"] for m in others} == {truth[article]["storyline"]}
        joined += bool(others)
    assert joined >= 6, "articles in French, German or Spanish no longer find the event they report"
    detail = catalog.get_event(dev_store, groups["w0-018"][0])  # French, on the Notre-Dame fire
    assert detail.event.lang == "en" and {a.lang for a in detail.articles} == {"en", "fr"}


MARKUP = re.compile(r"<[a-zA-Z!/][^>]*>|&[a-z]+;")
DATE_STAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\s*(?:[AP]M)?\b|^\s*date\b", re.IGNORECASE)
BYLINE = re.compile(r"^\s*by\s+[A-Z]", re.IGNORECASE)
MENU = re.compile(
    r"\b(home|menu|navigation|subscribe|sign in|log in|cookies?)\b.*\|| \| .* \| ", re.IGNORECASE
)


def test_titles_are_headlines_not_markup_date_stamps_bylines_or_menus(dev_store: Path) -> None:
    data = catalog.stories_json(dev_store)
    titles = [line["title"] for line in data["storylines"]]
    titles += [e["title"] for line in data["storylines"] for e in line["events"]]
    titles += [a["title"] for line in data["storylines"] for e in line["events"] for a in e["articles"]]
    assert len(titles) > 150
    for title in titles:
        assert title.strip() and len(title.split()) >= 3, f"no headline: {title!r}"
        for name, pattern in (
            ("markup", MARKUP),
            ("date stamp", DATE_STAMP),
            ("byline", BYLINE),
            ("menu", MENU),
        ):
            assert not pattern.search(title), f"title with a {name}: {title!r}"


def test_stories_json_is_versioned_and_lists_each_events_articles_and_copies(dev_store: Path) -> None:
    data = catalog.stories_json(dev_store)
    assert data["schema"] == "newsbrief.stories" and data["version"] == catalog.STORIES_SCHEMA_VERSION
    articles = [a for line in data["storylines"] for e in line["events"] for a in e["articles"]]
    assert len(articles) == 119
    assert {"id", "url", "title", "published", "outlet", "lang", "copy_of", "copies"} <= set(articles[0])
    copies = [a for a in articles if a["copy_of"] is not None]
    assert len(copies) == 9
    by_id = {a["id"]: a for a in articles}
    assert all(c["id"] in by_id[c["copy_of"]]["copies"] for c in copies)


def test_eval_stories_scores_the_labelled_stream_from_the_command_line(
    dev2019: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(dev2019), "--stories", "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["articles"] == 119
    assert scores["levels"]["event"]["f1"] > 0.85 and scores["levels"]["storyline"]["f1"] > 0.85
    assert scores["copies"]["precision"] == 1.0 and scores["copies"]["recall"] >= 0.95


def test_eval_stories_reads_other_label_names(tmp_path: Path, records: list[dict[str, object]]) -> None:
    renamed = [
        {
            "key": r["id"],
            "text": r["text"],
            "title": r["title"],
            "url": r["url"],
            "published": r["published"],
            "thread": r["storyline"],
        }
        for r in records[:30]
    ]
    path = tmp_path / "mine.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in renamed), encoding="utf-8")
    with pytest.raises(Exception, match="no 'id' field"):
        evaluate_stream(path)
    fields = LabelFields(id="key", storyline="thread", event="-", copy_of="-")
    scores = evaluate_stream(path, fields)
    assert list(scores.levels) == ["storyline"] and scores.copies is None


HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbor ferry strike ends after nine days | Coast Daily</title>
<meta property="og:title" content="Harbor ferry strike ends after nine days">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Harbor ferry strike ends after nine days</h1>
<p>Ferry crews at the harbor voted on Tuesday to end a nine-day strike over pay and rosters, restoring
crossings for about forty thousand commuters who had been squeezed onto buses and a single rail line.</p>
<p>The union said members accepted a four percent raise this year and a review of night shifts, after
talks that ran late into Monday evening at the port authority offices beside the main terminal.</p>
<p>The first boats will sail at six on Wednesday morning, the operator said, with the full timetable
back by the weekend once crews have finished safety checks on the vessels that sat idle at the quay.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>"""


def test_raw_html_inside_a_json_line_is_read_as_a_web_page(tmp_path: Path) -> None:
    stream = tmp_path / "page.jsonl"
    stream.write_text(
        json.dumps({"id": "p1", "text": HTML_PAGE, "published": "2024-05-07"}) + "\n", encoding="utf-8"
    )
    db = tmp_path / "s.sqlite"
    ingest([stream], db, workers=1)
    (line,) = catalog.list_storylines(db)
    assert line.title == "Harbor ferry strike ends after nine days"
    (article,) = catalog.event_articles(db, line.events[0].id)
    assert "<" not in article.text and "Ferry crews at the harbor voted" in article.text
    assert "Home" not in article.text.split("\n")[0]


def _two_parts(records: list[dict[str, object]], tmp: Path) -> tuple[Path, Path]:
    """The stream cut at the end of June 2019 (undated articles go with the dated ones before them)."""
    cut = next(i for i, r in enumerate(records) if str(r["published"] or "") >= "2019-07")
    return _unlabelled(records[:cut], tmp / "first.jsonl"), _unlabelled(records[cut:], tmp / "second.jsonl")


def test_corrections_at_both_levels_stick_as_more_articles_arrive(
    tmp_path: Path, records: list[dict[str, object]]
) -> None:
    first, second = _two_parts(records, tmp_path)
    db = tmp_path / "store.sqlite"
    ingest([first], db, workers=1)
    before = _groups(db)
    brexit, boeing, trade = before["w0-001"][1], before["w2-001"][1], before["w1-001"][1]
    assert len({brexit, boeing, trade}) == 3
    # event level: merge the first two Brexit votes, split the Canadian story off the crash
    assert "merged events" in catalog.merge_events(db, [before["w0-001"][0], before["w0-006"][0]])
    crash = before["w2-001"][0]
    message = catalog.split_event(db, crash, [catalog_id(db, "w2-006")])
    canadian_event = int(message.rsplit(" ", 1)[1])
    # storyline level: merge Boeing into Brexit, move the Notre-Dame fire into the trade war, split Huawei off
    catalog.merge_storylines(db, [brexit, boeing])
    catalog.move_event(db, before["w0-016"][0], trade)
    message = catalog.split_storyline(db, trade, [before["w1-010"][0]])
    huawei_line = int(message.rsplit(" ", 1)[1])

    ingest([second], db, workers=1)
    after = _groups(db)
    assert after["w0-001"][0] == after["w0-006"][0], "merged events came apart"
    assert after["w2-006"][0] == canadian_event != after["w2-001"][0], "the split article went back"
    assert after["w2-001"][1] == after["w0-001"][1] == brexit, "merged storylines came apart"
    assert catalog.get_storyline(db, boeing).id == brexit
    assert after["w0-016"][1] == trade, "the moved event went back"
    assert after["w1-010"][1] == huawei_line != trade, "the split storyline came back together"
    later = [i for i in after if i not in before]
    assert later and all(after[i] for i in later)
    assert after["w2-022"][1] == brexit, (
        "a new Boeing event did not find the storyline Boeing was merged into"
    )


def catalog_id(db: Path, ext_id: str) -> int:
    with Store(db) as store:
        row = store.conn.execute("SELECT id FROM articles WHERE ext_id = ?", (ext_id,)).fetchone()
    return int(row[0])


def test_a_schema_1_store_becomes_events_in_storylines_of_their_own(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(_SCHEMA_V1)
    conn.executescript(
        "INSERT INTO stories (id, title, first_day, last_day, size, centroid, created_at, updated_at)"
        " VALUES (7, 'Old story', 738000, 738002, 0, x'', 'then', 'then');"
        "PRAGMA user_version = 1;"
    )
    conn.close()
    with Store(db) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.storyline_of(7) == 7
        assert store.conn.execute("SELECT title FROM storylines WHERE id = 7").fetchone()[0] == "Old story"


def test_stories_command_lists_storylines_and_corrects_both_levels(
    dev_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "copy.sqlite"
    with sqlite3.connect(dev_store) as source, sqlite3.connect(db) as target:
        source.backup(target)
    assert main(["stories", "--db", str(db), "--query", "boeing max", "--limit", "1"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("\nS") == 1 and "Ethiopian" in listing
    groups = _groups(db)
    event, line = groups["w0-016"]
    other = groups["w1-001"][1]
    assert main(["stories", "--db", str(db), "--move", str(event), "--to", str(other)]) == 0
    assert f"into storyline {other}" in capsys.readouterr().out
    assert main(["stories", "--db", str(db), "--merge-storylines", str(other), str(groups["w2-001"][1])]) == 0
    assert main(["stories", "--db", str(db), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    merged = next(s for s in data["storylines"] if s["id"] == other)
    assert event in {e["id"] for e in merged["events"]}
    assert main(["stories", "--db", str(db), "--split-storyline", str(other)]) == 2
    assert "--events" in capsys.readouterr().err


def test_brief_storyline_gives_each_event_its_own_brief_in_time_order(
    dev_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _groups(dev_store)["w2-022"][1]  # Boeing: from the March crash to the CEO's exit in December
    assert main(["brief", "--db", str(dev_store), "--storyline", str(line), "--words", "30"]) == 0
    out = capsys.readouterr().out
    headings = re.findall(r"^## (\d{4}-\d{2}-\d{2})", out, flags=re.M)
    events = catalog.get_storyline(dev_store, line).events
    assert len(headings) == len(events) >= 3 and headings == sorted(headings)
    assert out.count("\n- ") >= len(events), "an event without its brief"


def test_a_large_event_is_briefed_from_its_newest_originals_and_the_brief_says_so(dev_store: Path) -> None:
    from newsbrief.stream.briefs import brief_event

    sizes = {e.id: len(catalog.event_articles(dev_store, e.id)) for e in catalog.list_events(dev_store)}
    event = max(sizes, key=sizes.__getitem__)
    assert sizes[event] >= 4
    newest = catalog.event_articles(dev_store, event)[-2:]
    cited = brief_event(dev_store, event, newest=2)
    assert cited.brief.sources and {s.doc_id for s in cited.brief.sources} <= {a.id for a in newest}
    assert f"briefed from the newest 2 of the event's {sizes[event]} original articles" in cited.brief.warnings
    whole = brief_event(dev_store, event, newest=None).brief
    assert len(whole.sources) > 2 and not any("newest" in w for w in whole.warnings)

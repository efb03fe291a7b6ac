"""Timeline and events: what happened when, and clusters that report several events."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from newsbrief.briefing.claims import claim_groups
from newsbrief.briefing.clean import clean_article
from newsbrief.model import Article, ClaimGroup, Document
from newsbrief.timeline.events import (
    Timeline,
    assign_events,
    build_timeline,
    timeline_html,
    timeline_markdown,
)

D = dt.date


def docs_of(articles: list[Article]) -> list[Document]:
    return [clean_article(a, doc=i) for i, a in enumerate(articles)]


@pytest.fixture(scope="module")
def korus(korus_dir: Path) -> tuple[list[Path], list[Document], tuple[ClaimGroup, ...], Timeline]:
    paths = sorted(korus_dir.glob("*.txt"))
    docs = docs_of([Article(text=p.read_text(encoding="utf-8"), path=str(p)) for p in paths])
    groups = claim_groups(docs)
    return paths, docs, groups, build_timeline(docs, groups)


def in_month(lo: dt.date, hi: dt.date, year: int, month: int) -> bool:
    return (lo.year, lo.month) == (hi.year, hi.month) == (year, month)


def test_korus_writing_dates(korus) -> None:
    _, _, _, tl = korus
    for i in range(4):  # the Seoul session: inferred, placed in August 2017
        d = tl.doc_dates[i]
        assert d is not None and d.inferred, i
        mid = d.earliest + (d.latest - d.earliest) / 2
        assert (mid.year, mid.month) == (2017, 8) and (d.latest - d.earliest).days <= 31, (i, d)
    d = tl.doc_dates[4]  # the Washington round: no year in its text, placed by the cluster
    assert d is not None and d.inferred and in_month(d.earliest, d.latest, 2018, 1), d
    assert "November last year" in d.evidence and "five-year-old" in d.evidence


def test_korus_timeline_has_the_expected_events_in_order(korus, korus_expected) -> None:
    paths, _, _, tl = korus
    number = {p.name: i + 1 for i, p in enumerate(paths)}
    positions = []
    for event in korus_expected["events"]:
        sources = {number[f] for f in event["files"]}
        parts = [int(x) for x in event["date"].split("-")]
        year, month = parts[0], parts[1]
        found = None
        for pos, e in enumerate(tl.entries):
            if not sources & set(e.sources):
                continue
            if len(parts) == 3 and e.exact and e.earliest == D(*parts):
                found = pos
            elif len(parts) == 3 and not e.exact and e.earliest <= D(*parts) <= e.latest:
                # a day the text only gives as "on Friday" in a month-wide writing date: the interval must
                # hold the day, span at most a month, and lie mostly in the right month
                mid = e.earliest + (e.latest - e.earliest) / 2
                if (e.latest - e.earliest).days <= 31 and (mid.year, mid.month) == (year, month):
                    found = pos
            elif len(parts) == 2 and in_month(e.earliest, e.latest, year, month):
                found = pos
            if found is not None:
                break
        assert found is not None, event
        positions.append(found)
    assert positions == sorted(positions)
    seoul = [e for e in tl.entries if e.exact and e.earliest == D(2017, 8, 22)]
    assert {1, 3, 4} <= {s for e in seoul for s in e.sources}


def test_korus_reports_two_events_and_keeps_january_apart(korus) -> None:
    _, docs, groups, tl = korus
    assert len(tl.events) == 2
    august, january = tl.events
    assert in_month(august.earliest, august.latest, 2017, 8) and august.sources == (1, 2, 3, 4)
    assert january.earliest.year == 2018 and january.sources == (5,)
    for g in groups:
        if any(s.doc == 4 for s in g.members):
            assert tl.event_of(g.id) != august.id, g.members[0].text
    for e in tl.entries:
        if 5 in e.sources:
            assert e.event != august.id
    md = timeline_markdown(tl)
    assert "This cluster reports 2 distinct events." in md
    assert "**Aug 2017**" in md and "**Jan 2018**" in md


def test_entries_are_in_order_and_say_how_sure_they_are(korus) -> None:
    _, _, _, tl = korus
    keys = [(e.earliest, e.latest) for e in tl.entries]
    assert keys == sorted(keys)
    stated = [e for e in tl.entries if "March 2012" in e.text]
    assert stated and all(e.certainty == "stated" for e in stated)
    assert all(e.certainty == "inferred" for e in tl.entries if e.when in ("Tuesday", "last month"))


def test_metadata_dates_split_events_and_resolve_relative_dates() -> None:
    articles = [
        Article(text="Officials met on Tuesday to open talks on the trade deal. Exports fell in 2016.",
                published="2017-08-23", path="a.txt"),
        Article(text="The ministers agreed on Tuesday to keep talking. They will meet again next month.",
                published="2017-08-24", path="b.txt"),
        Article(text="Negotiators met again on Friday in Washington for a second round of trade talks.",
                published="2018-01-06", path="c.txt"),
    ]
    docs = docs_of(articles)
    sentences = [s for d in docs for s in d.sentences]
    singles = [ClaimGroup(id=k, members=(s,), kinds=("self",)) for k, s in enumerate(sentences)]
    tl = build_timeline(docs, singles)
    assert [e.sources for e in tl.events] == [(1, 2), (3,)]
    tuesday = next(e for e in tl.entries if e.text.startswith("Officials met"))
    assert (tuesday.earliest, tuesday.certainty) == (D(2017, 8, 22), "resolved")
    friday = next(e for e in tl.entries if e.text.startswith("Negotiators"))
    assert friday.earliest == friday.latest == D(2018, 1, 5)
    assert tl.entries[0].when == "2016" and tl.entries[0].certainty == "stated"
    assert next(e for e in tl.entries if "next month" in e.text).label == "Sep 2017"
    assert next(e for e in tl.entries if "ministers" in e.text).earliest == D(2017, 8, 22)
    # a claim reported in both events belongs to neither: the brief shows it as background
    both = ClaimGroup(id=99, members=(docs[0].sentences[0], docs[2].sentences[0]), kinds=("self", "paraphrase"))
    assignment = assign_events(docs, [*singles, both])
    assert dict(assignment.group_events)[99] is None
    assert assignment.doc_events == (0, 0, 1)


def test_one_event_when_dates_agree_or_are_missing() -> None:
    same = docs_of([
        Article(text="The council voted on Monday to close the old bridge.", published="2019-05-07", path="a"),
        Article(text="The old bridge will close after Monday's vote, the council said.", published="2019-05-08",
                path="b"),
    ])
    assert len(build_timeline(same, claim_groups(same)).events) == 1
    undated = docs_of([
        Article(text="The council voted to close the old bridge. It opened in 1962.", path="a"),
        Article(text="The old bridge will close, the council said on Tuesday.", path="b"),
    ])
    tl = build_timeline(undated, claim_groups(undated))
    assert len(tl.events) == 1 and "distinct events" not in timeline_markdown(tl)
    assert [e.label for e in tl.entries] == ["1962"]  # "Tuesday" cannot be placed without a writing date


def test_rendering_escapes_and_cites() -> None:
    docs = docs_of([
        Article(text="The <script>alert(1)</script> law passed in March 2012 & stayed.", path="a"),
        Article(text="Officials said the law passed in March 2012.", path="b"),
    ])
    groups = (ClaimGroup(id=0, members=(docs[0].sentences[0], docs[1].sentences[0]), kinds=("self", "near")),)
    tl = build_timeline(docs, groups)
    md = timeline_markdown(tl)
    assert md.startswith("## Timeline") and "**Mar 2012** — " in md and "[1][2]" in md
    out = timeline_html(tl)
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; stayed" in out
    assert '<time datetime="2012-03-01">Mar 2012</time>' in out and "[1][2]" in out


def test_timeline_is_plain_data_for_json(korus) -> None:
    _, _, _, tl = korus
    data = json.loads(json.dumps(dataclasses.asdict(tl), default=lambda o: o.isoformat()))
    assert data["events"][1]["sources"] == [5]
    assert data["entries"][0]["earliest"] <= data["entries"][-1]["earliest"]


def test_timeline_runs_on_every_validation_cluster(multinews_val: Path) -> None:
    rows = [json.loads(line) for line in multinews_val.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 250
    for row in rows:
        docs = docs_of([Article(text=t, id=f"{row['id']}-{k}") for k, t in enumerate(row["documents"])])
        tl = build_timeline(docs, claim_groups(docs))
        assert sorted(i for e in tl.events for i in e.docs) == list(range(len(docs))), row["id"]
        for e in tl.entries:
            assert e.earliest <= e.latest and set(e.sources) <= set(range(1, len(docs) + 1)), row["id"]
        timeline_markdown(tl)
        timeline_html(tl)


def test_limit_keeps_distinct_dates_in_order(korus) -> None:
    _, docs, groups, full = korus
    short = build_timeline(docs, groups, limit=8)
    assert len(short.entries) == 8 < len(full.entries)
    spans = [(e.earliest, e.latest) for e in short.entries]
    assert spans == sorted(spans) and len(set(spans)) == 8
    assert any(e.exact and e.earliest == D(2017, 8, 22) for e in short.entries)

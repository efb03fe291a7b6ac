"""Stories: neighbouring subjects stay apart, time matters, user merges and splits stick."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from newsbrief.model import Article
from newsbrief.stream.catalog import event_articles, list_events, merge_events, split_event
from newsbrief.stream.ingest import ingest
from newsbrief.stream.prepare import feature, prepare_batch
from newsbrief.stream.store import Store
from newsbrief.stream.stories import Story, StoryIndex, add_sparse

TRADE_JAPAN = [
    "Trade negotiators from the United States and Japan met in Tokyo for a new round of talks on tariffs.",
    "Japanese officials said Toyota and Honda want lower American duties on car exports.",
    "American farmers want Japan to open its rice and beef markets to imports.",
    "Japan's trade minister Kenji Watanabe called the talks with Washington constructive.",
    "The US trade representative said a deal on Japanese auto tariffs was within reach.",
    "Tokyo has resisted cutting rice tariffs that protect Japanese farmers.",
    "Honda and Toyota executives attended the Tokyo trade talks as observers.",
    "Watanabe said Japan would not accept quotas on car exports to the United States.",
]
TRADE_BRAZIL = [
    "Trade negotiators from the United States and Brazil met in Brasilia for a new round of talks on tariffs.",
    "Brazilian officials said Embraer and Petrobras want lower American duties on exports.",
    "American steelmakers want Brazil to cut the subsidies it pays its steel mills.",
    "Brazil's trade minister Luiz Carvalho called the talks with Washington constructive.",
    "The US trade representative said a deal on Brazilian steel tariffs was within reach.",
    "Brasilia has resisted cutting ethanol tariffs that protect Brazilian sugar growers.",
    "Embraer executives attended the Brasilia trade talks as observers.",
    "Carvalho said Brazil would not accept quotas on soybean exports to the United States.",
]
MILITARY_JAPAN = [
    "Japan's defence ministry said its navy will hold joint exercises with Australian warships near Okinawa.",
    "Destroyers, submarines and patrol aircraft will take part in the naval drills.",
    "Defence minister Hiroshi Tanaka said the exercises would improve the readiness of the fleet.",
    "China's foreign ministry criticised the drills near Okinawa as provocative.",
    "The Japanese navy said two Australian frigates arrived in Okinawa for the exercises.",
    "Tanaka said the navy drills were routine and not aimed at any country.",
    "Submarine warfare and air defence are the focus of this year's exercises.",
    "The Maritime Self-Defense Force will also rehearse a rescue at sea with the Australian navy.",
]


EXTRAS = [
    "Further meetings are planned for next month.",
    "Analysts expect an agreement before the end of the year.",
    "Officials declined to give details of the schedule.",
    "The next round will take place in two weeks.",
]


def _records(pool: list[str], key: str, days: list[int]) -> list[dict[str, str]]:
    out = []
    for i, day in enumerate(days):
        chosen = [i % len(pool), (i + 1) % len(pool), (i + 3) % len(pool)]  # two articles share at most one
        out.append(
            {
                "id": f"{key}-{i}",
                "url": f"https://outlet{i}.example/{key}/{i}",
                "source": f"Outlet {i}",
                "published": f"2024-05-{day:02d}",
                "text": " ".join(pool[j] for j in chosen) + " " + EXTRAS[i % len(EXTRAS)],
            }
        )
    return out


def _write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _groups(db: Path) -> dict[str, int]:
    with Store(db) as store:
        return dict(
            store.conn.execute(
                "SELECT a.ext_id, m.story_id FROM articles a JOIN memberships m ON m.article_id = a.id"
            ).fetchall()
        )


def _ours(db: Path) -> dict[str, int]:
    return {k: v for k, v in _groups(db).items() if not k.startswith("bg-")}


def _background(multinews_val: Path) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in multinews_val.read_text(encoding="utf-8").splitlines()[:30]]
    return [
        {"id": f"bg-{r['id']}-{i}", "text": d, "published": "2024-04-01"}
        for r in rows
        for i, d in enumerate(r["documents"])
    ]


def test_neighbouring_subjects_stay_apart(tmp_path: Path, multinews_val: Path) -> None:
    records = (
        _records(TRADE_JAPAN, "japan-trade", [3, 3, 4, 5])
        + _records(TRADE_BRAZIL, "brazil-trade", [3, 4, 4, 5])
        + _records(MILITARY_JAPAN, "japan-navy", [3, 4, 5, 5])
    )
    records = [records[i] for i in np.random.default_rng(1).permutation(len(records))]
    db = tmp_path / "s.sqlite"
    report = ingest(
        [_write(tmp_path / "bg.jsonl", _background(multinews_val)), _write(tmp_path / "a.jsonl", records)],
        db,
        workers=1,
    )
    groups = _groups(db)
    with Store(db) as store:
        copies = store.conn.execute(
            "SELECT count(*) FROM duplicates d JOIN articles a ON a.id = d.article_id"
            " WHERE a.ext_id NOT LIKE 'bg-%'"
        ).fetchone()[0]
    assert copies <= 2, "the articles are different texts, not syndicated copies"
    assert report.added >= 10
    for key in ("japan-trade", "brazil-trade", "japan-navy"):
        assert len({groups[f"{key}-{i}"] for i in range(4)}) == 1, f"{key} split into several stories"
    assert len({groups["japan-trade-0"], groups["brazil-trade-0"], groups["japan-navy-0"]}) == 3


def test_a_quiet_story_needs_a_closer_match_to_wake_up() -> None:
    (article,) = prepare_batch([Article(text=" ".join(TRADE_JAPAN))])
    weights = article.term_weights / np.linalg.norm(article.term_weights)
    story = Story(1, article.term_ids, weights, 100, 102, 1)
    index = StoryIndex([story])
    assert index.needed(story, 103) == index.params.close_threshold < index.params.threshold
    assert index.needed(story, 105) == index.params.threshold
    assert index.needed(story, 120) > index.needed(story, 106) > index.params.threshold
    found, score = index.best(article.term_ids, weights, 101)
    assert found is story and score > 0.99
    found_late, _ = index.best(article.term_ids, weights, 400)
    assert found_late is story, "an old story wakes up for a close match"


def test_candidates_come_from_keywords_not_from_every_story() -> None:
    rng = np.random.default_rng(0)
    stories = []
    for i in range(2000):
        ids = np.sort(rng.choice(1 << 20, 30, replace=False)).astype(np.int64)
        stories.append(Story(i + 1, ids, rng.random(30).astype(np.float32), i, i, 1))
    index = StoryIndex(stories)
    probe = stories[1234]
    candidates = index.candidates(probe.ids, probe.weights)
    assert candidates[0] is probe
    assert len(candidates) <= 40


def test_a_follow_up_with_new_heavy_words_finds_its_story() -> None:
    # The story is posted under its 15 heaviest terms; a follow-up article is heaviest on words new to
    # the story (a new development) and carries the story's words with less weight.
    story_terms = np.arange(1, 31, dtype=np.int64)
    story = Story(1, story_terms, np.linspace(2.0, 1.0, 30).astype(np.float32), 10, 11, 3)
    new_terms = np.arange(1000, 1020, dtype=np.int64)
    ids = np.concatenate([story_terms[:15], new_terms])
    weights = np.concatenate([np.full(15, 0.5), np.full(20, 1.0)]).astype(np.float32)
    weights /= np.linalg.norm(weights)
    index = StoryIndex([story])
    assert story in index.candidates(ids, weights)
    found, score = index.best(ids, weights, 11)
    assert found is story and score > index.params.threshold


def test_a_headline_is_kept_apart_for_matching_events() -> None:
    # Events match an article by its text and its headline, storylines by its text alone, so the
    # headline's terms travel beside the text's instead of inside them.
    body = "\n\n".join(TRADE_JAPAN)
    titled, untitled = prepare_batch(
        [Article(text=body, title="Tokyo talks stall over rice quotas"), Article(text=body)]
    )
    stall = feature("stall")
    assert titled.headline and stall in titled.headline_ids.tolist()
    assert stall not in titled.term_ids.tolist()
    assert titled.term_ids.tolist() == untitled.term_ids.tolist()
    assert len(untitled.headline_ids) == len(untitled.headline_weights) == 0


def test_an_event_rebuilt_after_a_correction_keeps_its_headlines(tmp_path: Path) -> None:
    body = "\n\n".join(TRADE_JAPAN)
    stream = _write(tmp_path / "s.jsonl", [
        {"url": "https://a.example/1", "title": "Tokyo talks stall over rice quotas", "text": body,
         "published": "2018-03-01"},
    ])
    db = tmp_path / "s.sqlite"
    ingest([stream], db, workers=1)
    (event,) = list_events(db)
    with Store(db) as store:
        (article_id,) = [r[0] for r in store.conn.execute("SELECT id FROM articles")]
        as_event = store.vectors([article_id], "stories")[0][0].tolist()
        assert feature("stall") in as_event
        assert feature("stall") not in store.vectors([article_id], "storylines")[0][0].tolist()
        before = store.load("stories", event.id)[0].ids.tolist()
        with store.transaction():
            store.recompute("stories", event.id)  # what a merge or split does to the events it touches
        assert store.load("stories", event.id)[0].ids.tolist() == before


def test_sparse_sum_keeps_heaviest_terms() -> None:
    ids, weights = add_sparse(
        np.array([1, 5]),
        np.array([1.0, 2.0], dtype=np.float32),
        np.array([5, 9]),
        np.array([3.0, 0.5], dtype=np.float32),
        keep=2,
    )
    assert ids.tolist() == [1, 5] and weights.tolist() == [1.0, 5.0]


def test_user_merge_and_split_survive_further_ingests(tmp_path: Path, multinews_val: Path) -> None:
    db = tmp_path / "s.sqlite"
    japan = _records(TRADE_JAPAN, "japan-trade", [3, 3, 4, 4, 5, 5])
    navy = _records(MILITARY_JAPAN, "japan-navy", [3, 4, 4, 5, 5, 6])
    background = _write(tmp_path / "bg.jsonl", _background(multinews_val))
    ingest([background, _write(tmp_path / "a.jsonl", japan[:3] + navy[:3])], db, workers=1)
    groups = _ours(db)
    trade_story, navy_story = groups["japan-trade-0"], groups["japan-navy-0"]
    assert trade_story != navy_story
    message = merge_events(db, [trade_story, navy_story])
    assert f"into event {trade_story}" in message
    ingest([_write(tmp_path / "b.jsonl", japan[3:] + navy[3:])], db, workers=1)
    groups = _ours(db)
    assert set(groups.values()) == {trade_story}, (
        "articles of both merged stories keep joining the merged story"
    )
    assert navy_story not in [s.id for s in list_events(db)]
    assert len(event_articles(db, navy_story)) == len(event_articles(db, trade_story)) >= 8, (
        "the old id leads to the merged story"
    )

    with Store(db) as store:
        navy_ids = [
            r[0] for r in store.conn.execute("SELECT id FROM articles WHERE ext_id LIKE 'japan-navy-%'")
        ]
    message = split_event(db, trade_story, navy_ids)
    new_story = int(message.rsplit(" ", 1)[1])
    more = _records(MILITARY_JAPAN, "japan-navy-late", [6, 7]) + _records(
        TRADE_JAPAN, "japan-trade-late", [6, 7]
    )
    ingest([_write(tmp_path / "c.jsonl", more)], db, workers=1)
    groups = _ours(db)
    assert {groups[f"japan-navy-{i}"] for i in range(6)} == {new_story}
    assert {groups[f"japan-trade-{i}"] for i in range(6)} == {trade_story}
    assert {groups["japan-navy-late-0"], groups["japan-navy-late-1"]} == {new_story}
    assert {groups["japan-trade-late-0"], groups["japan-trade-late-1"]} == {trade_story}
    with Store(db) as store:
        kinds = [r[0] for r in store.conn.execute("SELECT kind FROM corrections ORDER BY id")]
    assert kinds == ["merge", "split"]

"""`newsbrief eval`: the three data formats, ROUGE scoring, the table and the JSON output."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from newsbrief.briefing.evaluate import EvalOptions, evaluate, format_table, oracle_indices, rouge, run_eval
from newsbrief.inputs.datasets import load_clusters

STORY = [
    "Heavy rain flooded the river town of Millbrook on Monday, forcing 300 residents from their homes.",
    "The mayor of Millbrook declared a state of emergency and opened two shelters in school gyms.",
    "Forecasters expect the river to crest on Wednesday at nearly four meters above flood stage.",
    "Volunteers filled sandbags along Main Street through the night to protect the old bridge.",
]
OTHER = [
    "A regional bakery chain announced plans to open three new stores in the spring.",
    "The company said its sourdough sales had doubled over the past two years.",
]


def _wcep_line(cid: str, sentences: list[str], summary: str) -> str:
    half = len(sentences) // 2
    articles = [
        {"title": f"{cid} report one", "text": " ".join(sentences[:half]), "time": "2024-03-04 10:00:00",
         "url": f"https://example.org/{cid}/1"},
        {"title": f"{cid} report two", "text": " ".join(sentences[half:]), "time": "2024-03-05 08:00:00",
         "url": f"https://example.net/{cid}/2"},
    ]
    return json.dumps({"id": cid, "articles": articles, "summary": summary})


@pytest.fixture()
def wcep_file(tmp_path: Path) -> Path:
    path = tmp_path / "wcep.jsonl"
    lines = [
        _wcep_line("flood", STORY, "Floods in Millbrook forced 300 residents from their homes; the mayor "
                   "declared a state of emergency."),
        "{this is not json",
        _wcep_line("bakery", OTHER * 2, "A bakery chain will open three new stores as sourdough sales doubled."),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def duc_dir(tmp_path: Path) -> Path:
    root = tmp_path / "duc"
    docs = root / "docs" / "d001t"
    docs.mkdir(parents=True)
    for i, chunk in enumerate((STORY[:2], STORY[2:])):
        body = "\n".join(f"<P>{s}</P>" for s in chunk)
        head = f"<DOC>\n<DOCNO> APW1998{i} </DOCNO>\n<HEADLINE>Millbrook floods</HEADLINE>\n"
        (docs / f"APW1998{i}").write_text(f"{head}<TEXT>\n{body}\n</TEXT>\n</DOC>\n", encoding="utf-8")
    refs = root / "summaries"
    refs.mkdir()
    (refs / "D001.M.100.T.A").write_text("Floods forced 300 Millbrook residents from their homes.", encoding="utf-8")
    (refs / "D001.M.100.T.B").write_text("The river will crest on Wednesday; volunteers filled sandbags.",
                                         encoding="utf-8")
    return root


def test_rouge_is_100_for_the_reference_and_0_for_unrelated_text() -> None:
    reference = "Floods forced 300 residents from their homes. The mayor declared an emergency."
    same = rouge(["Floods forced 300 residents from their homes.", "The mayor declared an emergency."], [reference])
    assert same == pytest.approx({"rouge1": 100.0, "rouge2": 100.0, "rougeLsum": 100.0})
    assert rouge(["Bakery sourdough sales doubled quickly."], [reference])["rouge1"] == 0.0
    # Stemming: "flooding" matches "floods" as ROUGE with the Porter stemmer does.
    assert rouge(["Flooding"], ["floods"])["rouge1"] == 100.0


def test_several_references_give_the_mean_score() -> None:
    summary = ["Floods forced 300 residents from their homes."]
    a, b = "Floods forced 300 residents out.", "A bakery opened."
    both = rouge(summary, [a, b])
    assert both["rouge1"] == pytest.approx((rouge(summary, [a])["rouge1"] + rouge(summary, [b])["rouge1"]) / 2)


def test_multinews_loader_reads_the_validation_set(multinews_val: Path) -> None:
    clusters, warnings = load_clusters(multinews_val, limit=3)
    assert not warnings and [c.id for c in clusters] == ["val-000", "val-001", "val-002"]
    assert all(c.articles and len(c.references) == 1 for c in clusters)
    shuffled, _ = load_clusters(multinews_val, limit=3, seed=1)
    assert len(shuffled) == 3 and [c.id for c in shuffled] != [c.id for c in clusters]
    assert [c.id for c in load_clusters(multinews_val, limit=3, seed=1)[0]] == [c.id for c in shuffled]


def test_wcep_loader_keeps_metadata_and_names_the_bad_line(wcep_file: Path) -> None:
    clusters, warnings = load_clusters(wcep_file)
    assert [c.id for c in clusters] == ["flood", "bakery"]
    assert warnings == [f"{wcep_file}:2: skipped, not valid JSON (Expecting property name enclosed in double quotes)"]
    first = clusters[0].articles[0]
    assert first.title == "flood report one" and first.published == "2024-03-04 10:00:00"
    assert first.url == "https://example.org/flood/1"


def test_an_article_without_text_is_named_not_dropped_silently(tmp_path: Path) -> None:
    wcep = tmp_path / "wcep.jsonl"
    articles = [{"text": " ".join(STORY)}, {"title": "photo page", "text": ""}, {"title": "no text at all"}]
    wcep.write_text(json.dumps({"id": "flood", "articles": articles, "summary": "Floods."}) + "\n", encoding="utf-8")
    multinews = tmp_path / "multinews.jsonl"
    multinews.write_text(json.dumps({"documents": [" ".join(STORY), "  "], "summary": "Floods."}) + "\n",
                         encoding="utf-8")
    clusters, warnings = load_clusters(wcep)
    assert len(clusters[0].articles) == 1
    assert warnings == [f"{wcep}:1: article 1 skipped, no text", f"{wcep}:1: article 2 skipped, no text"]
    clusters, warnings = load_clusters(multinews)
    assert len(clusters[0].articles) == 1
    assert warnings == [f"{multinews}:1: document 1 skipped, no text"]


def test_duc_loader_reads_sgml_documents_and_every_reference(duc_dir: Path) -> None:
    clusters, warnings = load_clusters(duc_dir)
    assert not warnings and len(clusters) == 1
    cluster = clusters[0]
    assert cluster.id == "d001t" and len(cluster.references) == 2
    assert [a.id for a in cluster.articles] == ["APW19980", "APW19981"]
    assert cluster.articles[0].title == "Millbrook floods"
    assert "<P>" not in cluster.articles[0].text and STORY[0] in " ".join(cluster.articles[0].text.split())


def test_evaluate_scores_each_cluster_and_prints_a_table(wcep_file: Path) -> None:
    clusters, _ = load_clusters(wcep_file)
    report = evaluate(clusters, EvalOptions(words=40, progress=False))
    assert [s.id for s in report.scores] == ["flood", "bakery"]
    for score in report.scores:
        assert 0.0 < score.rouge2 <= score.rouge1 <= 100.0
        assert score.words > 0
    table = format_table(report)
    assert "ROUGE-1" in table and f"{report.rouge1:.2f}" in table


@pytest.mark.parametrize("fixture", ["wcep_file", "duc_dir"])
def test_run_eval_json_on_each_format(fixture: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(fixture)
    out, err = io.StringIO(), io.StringIO()
    assert run_eval(path, words=50, as_json=True, out=out, err=err) == 0
    data = json.loads(out.getvalue())
    assert data["clusters"] == len(data["per_cluster"]) >= 1
    assert 0.0 < data["mean"]["rouge1"] <= 100.0
    assert set(data["per_cluster"][0]) >= {"id", "rouge1", "rouge2", "rougeLsum", "words", "ms"}


def test_run_eval_on_multinews_prints_the_table(multinews_val: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_eval(multinews_val, words=100, limit=2, out=out, err=err) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("| clusters") and lines[2].startswith("| 2 | 100 |")


def test_run_eval_reports_a_bad_path_in_one_line(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_eval(tmp_path / "missing.jsonl", out=out, err=err) == 1
    assert err.getvalue().count("\n") == 1 and "missing.jsonl" in err.getvalue() and not out.getvalue()
    empty = tmp_path / "folder"
    empty.mkdir()
    assert run_eval(empty, out=out, err=err) == 1
    assert "docs/" in err.getvalue()


def test_oracle_beats_a_random_pick_and_respects_the_budget() -> None:
    sentences = OTHER + STORY
    reference = "Floods forced 300 Millbrook residents from their homes and the mayor declared an emergency."
    chosen = oracle_indices(sentences, [reference], word_limit=20)
    assert chosen[0] in (2, 3)  # the two Millbrook sentences carrying the reference's words
    assert sum(len(sentences[i].split()) for i in chosen[:-1]) < 20

"""Readers: every input format becomes Articles with their metadata, and what is skipped is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbrief.errors import InputError
from newsbrief.inputs.readers import ReadOptions, read_inputs

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bridge"


def test_html_metadata_from_meta_tags() -> None:
    result = read_inputs([EXAMPLE / "01_harbor_herald.html"])
    (article,) = result.articles
    assert article.title == "Cargo ship strikes Meridian Bridge, closing Port Alder's main crossing"
    assert article.url == "https://harborherald.example/news/2025/03/04/meridian-bridge-strike"
    assert article.source == "Harbor Herald"
    assert article.author == "Priya Raman"
    assert article.published == "2025-03-04"
    assert "Northern Lark hit the bridge" in article.text
    assert "Accept all cookies" not in article.text and "Home" not in article.text.split("\n")


def test_html_metadata_from_json_ld() -> None:
    (article,) = read_inputs([EXAMPLE / "03_coastal_wire.html"]).articles
    assert article.title == "Port Alder bridge closed after ship strike"
    assert article.published == "2025-03-04"
    assert article.source == "Coastal Wire"


def test_folder_is_read_recursively_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "b" / "c" / "2.txt").write_text("Second story text here. It has two sentences.")
    (tmp_path / "1.txt").write_text("First story text here. It has two sentences.")
    (tmp_path / ".hidden.txt").write_text("Hidden file is not read.")
    result = read_inputs([tmp_path])
    assert [Path(a.path or "").name for a in result.articles] == ["1.txt", "2.txt"]


def test_json_array_and_single_object(tmp_path: Path) -> None:
    (tmp_path / "many.json").write_text(json.dumps([{"text": "One. Two."}, {"text": "Three.", "title": "T"}]))
    (tmp_path / "one.json").write_text(
        json.dumps({"text": "Alone here.", "published": "2024-05-01"}, indent=2)
    )
    articles = read_inputs([tmp_path / "many.json", tmp_path / "one.json"]).articles
    assert [a.text for a in articles] == ["One. Two.", "Three.", "Alone here."]
    assert articles[1].title == "T" and articles[2].published == "2024-05-01"


def test_dataset_rows_need_a_cluster_id(multinews_val: Path) -> None:
    with pytest.raises(InputError, match="--cluster"):
        read_inputs([multinews_val])
    articles = read_inputs([multinews_val], ReadOptions(cluster="val-001")).articles
    row = json.loads(multinews_val.read_text(encoding="utf-8").splitlines()[1])
    assert [a.text for a in articles] == row["documents"]
    with pytest.raises(InputError, match="no cluster with id 'nope'"):
        read_inputs([multinews_val], ReadOptions(cluster="nope"))


def test_unsupported_and_unreadable_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "notes.txt").write_text("A real note about the story. It has text.")
    (tmp_path / "bad.jsonl").write_text(
        '{"text": "Fine line here."}\n{oops\n["not an object"]\n{"title": "no text"}\n'
    )
    result = read_inputs([tmp_path])
    assert [a.text for a in result.articles] == [
        "Fine line here.",
        "A real note about the story. It has text.",
    ]
    joined = "\n".join(result.warnings)
    assert "photo.png: not a supported file type" in joined
    assert "bad.jsonl line 2: not valid JSON" in joined
    assert "bad.jsonl line 3: expected a JSON object" in joined
    assert "bad.jsonl line 4: no 'text' string" in joined


def test_the_html_extractor_worker_ends_by_itself_when_closed() -> None:
    from newsbrief.inputs.extract import Extractor

    extractor = Extractor()
    page = "<html><head><title>Bridge</title></head><body><article><p>" + "A ship hit the bridge. " * 30
    extractor.article(page + "</p></article></body></html>")
    worker = extractor._process
    assert worker is not None and worker.is_alive()
    extractor.close()
    # It saw the end of its input and returned: exit code 0, where a worker that had to be killed has -9.
    assert worker.exitcode == 0

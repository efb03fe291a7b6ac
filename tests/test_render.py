"""The three output forms: Markdown for people, versioned JSON for programs, one safe HTML page."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest

import newsbrief
from newsbrief.briefing.render import SCHEMA_VERSION, render_html, render_json, render_markdown

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bridge"


@pytest.fixture(scope="module")
def example_brief() -> newsbrief.Brief:
    return newsbrief.brief([EXAMPLE], words=120)


def test_markdown_cites_and_lists_sources(example_brief) -> None:
    text = render_markdown(example_brief)
    assert text.startswith("# ")
    assert "## Sources" in text
    for source in example_brief.sources:
        assert f"\n{source.number}. " in text
    shared = [s for s in example_brief.sentences if s.support > 1]
    assert shared, "the example has sentences that several outlets carry"
    assert "".join(f"[{n}]" for n in shared[0].sources) in text
    assert "06_newsletter.html" in text.split("## Left out")[1]


def test_json_is_versioned_and_complete(example_brief) -> None:
    data = json.loads(render_json(example_brief))
    assert data["schema_version"] == SCHEMA_VERSION
    assert {"title", "sentences", "sources", "dropped", "warnings", "words"} <= set(data)
    for sentence in data["sentences"]:
        assert sentence["support"] == len(sentence["sources"])
        for citation in sentence["citations"]:
            assert {"source", "doc_id", "start", "end", "match", "text"} <= set(citation)
    assert [d["reason"] for d in data["dropped"]] == ["not an article: newsletter sign-up page"]


def test_json_validates_against_the_published_schema(example_brief) -> None:
    schema = json.loads((Path(newsbrief.__file__).parent / "data" / "brief.schema.json").read_text())
    jsonschema.validate(json.loads(render_json(example_brief)), schema)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)


def test_html_escapes_article_text() -> None:
    evil = newsbrief.Article(
        text="The council met on Monday. <script>alert('x')</script> The mayor said the bridge "
        "will reopen <b>soon</b> after repairs costing $42 million.",
        title="Council <script>alert(1)</script> meets",
    )
    page = render_html(newsbrief.brief([evil]))
    parser = _Elements()
    parser.feed(page)
    assert "script" not in parser.tags and "b" not in parser.tags
    assert "&lt;script&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "http" not in page.split("<body>")[0]

"""The reference job: the five scraped KORUS articles and what a careful reader finds in them."""

from __future__ import annotations

from pathlib import Path

import pytest

import newsbrief
from newsbrief.briefing.pipeline import BriefOptions, prepare_articles
from newsbrief.briefing.standalone import undo_repairs
from newsbrief.inputs.readers import read_inputs
from newsbrief.text import normal_form, words


@pytest.fixture(scope="module")
def korus_files(korus_dir: Path) -> list[Path]:
    return sorted(korus_dir.glob("*.txt"))


@pytest.fixture(scope="module")
def prepared(korus_files: list[Path]):
    return prepare_articles(read_inputs(korus_files).articles, BriefOptions())


BUDGETS = (60, 150, 400)


@pytest.fixture(scope="module", params=BUDGETS)
def budget(request) -> int:
    return request.param


@pytest.fixture(scope="module")
def korus_brief(budget: int, korus_files: list[Path]) -> newsbrief.Brief:
    return newsbrief.brief(korus_files, words=budget)


def test_no_junk_line_survives_cleaning(prepared, korus_brief, korus_expected) -> None:
    for junk in korus_expected["junk_lines"]:
        for doc in prepared.docs:
            assert all(line.strip() != junk for line in doc.text.split("\n")), (junk, doc.label)
        assert junk not in {s.text for s in korus_brief.sentences}
    # The non-trivial junk lines do not appear anywhere in the cleaned text either.
    for junk in ("Latest News", "More news: Tal Afar", "Adam Floyd", "(Yonhap) |"):
        for doc in prepared.docs:
            assert junk not in doc.text, (junk, doc.label)


def test_repeated_headlines_become_the_title_once(prepared) -> None:
    by_name = {Path(d.label).name: d for d in prepared.docs}
    doc = by_name["001_5c791854ea678dfd.txt"]
    assert doc.title == "US, S. Korea Begin Kicking Tires On Trade Deal Retooling"
    assert "Kicking Tires" not in doc.text
    assert (
        "US and South Korea Trade Negotiators Meet In Seoul Next Week"
        not in by_name["000_7686e05a8bba0fc8.txt"].text
    )


def test_same_sentence_in_several_sources_is_one_group(prepared, korus_expected) -> None:
    names = [Path(d.label).name for d in prepared.docs]
    for entry in korus_expected["same_sentence_in_several_sources"]:
        target = normal_form(entry["text"])
        groups = [g for g in prepared.groups if any(normal_form(m.text) == target for m in g.members)]
        assert len(groups) == 1, entry["text"]
        assert {names[m.doc] for m in groups[0].members} >= set(entry["files"])


def test_selected_shared_sentences_cite_both_files(korus_files, korus_expected) -> None:
    brief = newsbrief.brief(korus_files, words=2000)
    names = {s.number: Path(s.location).name for s in brief.sources}
    for entry in korus_expected["same_sentence_in_several_sources"]:
        target = normal_form(entry["text"])
        chosen = [s for s in brief.sentences if normal_form(s.text) == target]
        assert chosen, f"a 2000-word brief should hold: {entry['text']}"
        assert {names[n] for n in chosen[0].sources} >= set(entry["files"])


def test_citations_point_at_the_words_of_the_source(korus_brief, prepared) -> None:
    docs = {d.id: d for d in prepared.docs}
    assert korus_brief.sentences
    for sentence in korus_brief.sentences:
        assert sentence.citations
        for citation in sentence.citations:
            assert docs[citation.doc_id].text[citation.start : citation.end] == citation.text
            if citation.match in ("self", "exact"):  # the source's words, bracket repairs undone
                source_words = undo_repairs(sentence.text, sentence.repairs)
                assert " ".join(citation.text.split()) == " ".join(source_words.split())
        assert any(c.match == "self" for c in sentence.citations)


def test_budget_holds(korus_brief, budget: int) -> None:
    """The brief stops at the budget: only the sentence that reached it may cross it."""
    lengths = [len(words(s.text)) for s in korus_brief.sentences]
    assert sum(lengths) - max(lengths) < budget
    assert korus_brief.words == sum(lengths)

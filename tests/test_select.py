"""Sentence selection: budget, informative non-redundant choice, reading order, verbatim sentences."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from newsbrief.briefing.evaluate import prepare
from newsbrief.briefing.features import word_count
from newsbrief.briefing.pipeline import BriefOptions, assemble, prepare_articles
from newsbrief.briefing.select import DEFAULT_WORDS, Budget, SelectOptions, select_sentences
from newsbrief.briefing.standalone import undo_repairs
from newsbrief.inputs.datasets import load_clusters
from newsbrief.model import Article, ClaimGroup, DocDate, Document
from newsbrief.sentences import split_sentences


def _docs(texts: list[str], dates: list[dt.date | None] | None = None) -> list[Document]:
    docs = []
    for i, text in enumerate(texts):
        date = None
        if dates and dates[i]:
            date = DocDate(dates[i], dates[i], inferred=False, evidence="test")
        docs.append(Document(id=f"d{i}", article=Article(text=text), title="", text=text,
                             sentences=split_sentences(text, doc=i), date=date))
    return docs


def _singletons(docs: list[Document]) -> list[ClaimGroup]:
    sentences = [s for d in docs for s in d.sentences]
    return [ClaimGroup(id=k, members=(s,), kinds=("self",)) for k, s in enumerate(sentences)]


FLOOD = (
    "Heavy rain flooded the river town of Millbrook on Monday, forcing 300 residents from their homes. "
    "The mayor of Millbrook declared a state of emergency and opened two shelters in school gyms. "
    "Forecasters expect the river to crest on Wednesday at nearly four meters above flood stage. "
    "Volunteers filled sandbags along Main Street through the night to protect the old bridge. "
    "Photo: a flooded street. "
    "The town last flooded in 1997, when the river rose more than five meters."
)
FLOOD_2 = (
    "Floodwater forced 300 Millbrook residents out of their homes on Monday after days of heavy rain. "
    "Millbrook's mayor declared a state of emergency, and two school gyms now serve as shelters. "
    "The river is expected to crest on Wednesday, forecasters said. "
    "State officials said they would send sandbags and pumps to the town."
)


@pytest.fixture(scope="module")
def multinews_prepared(multinews_val: Path) -> list[tuple[list[Document], list[ClaimGroup]]]:
    clusters, _ = load_clusters(multinews_val, limit=25)
    return [prepare(c.articles) for c in clusters]


@pytest.mark.parametrize("words", [30, 100, 230])
def test_a_brief_never_exceeds_its_budget_by_more_than_its_last_sentence(multinews_prepared, words: int) -> None:
    for docs, groups in multinews_prepared:
        chosen = select_sentences(docs, groups, Budget(words=words))
        assert chosen
        counts = [word_count(g.members[0].text) for g in chosen]
        assert sum(counts) - max(counts) < words


def test_the_budget_is_used_rather_than_a_short_brief(multinews_prepared) -> None:
    lengths = [
        sum(word_count(g.members[0].text) for g in select_sentences(d, g, Budget(words=230)))
        for d, g in multinews_prepared
    ]
    assert sorted(lengths)[len(lengths) // 2] >= 215


def test_sentence_budget_and_the_default(multinews_prepared) -> None:
    docs, groups = multinews_prepared[0]
    assert len(select_sentences(docs, groups, Budget(sentences=3))) == 3
    default = select_sentences(docs, groups, Budget())
    counts = [word_count(g.members[0].text) for g in default]
    assert sum(counts) >= min(DEFAULT_WORDS, 100) and sum(counts) - counts[-1] < DEFAULT_WORDS
    assert Budget().word_limit == DEFAULT_WORDS and Budget(sentences=2).word_limit is None


def test_no_sentence_twice_and_no_near_copy(multinews_prepared) -> None:
    for docs, groups in multinews_prepared:
        chosen = select_sentences(docs, groups, Budget(words=230))
        texts = [" ".join(g.members[0].text.lower().split()) for g in chosen]
        assert len(set(texts)) == len(texts)
        assert len({g.id for g in chosen}) == len(chosen)


def test_key_facts_beat_captions_and_paraphrases_are_not_repeated() -> None:
    docs = _docs([FLOOD, FLOOD_2])
    chosen = select_sentences(docs, _singletons(docs), Budget(words=45))
    texts = [g.members[0].text for g in chosen]
    assert any("300" in t for t in texts)  # the lead fact, carried by both sources
    assert not any(t.startswith("Photo") for t in texts)
    assert sum("300" in t for t in texts) == 1  # its paraphrase in the other source is redundant


LEDE = SelectOptions(lede=True)


def test_the_lede_then_reading_order_by_position_then_by_date() -> None:
    docs = _docs([FLOOD, FLOOD_2])
    chosen = select_sentences(docs, _singletons(docs), Budget(words=120), options=LEDE)
    assert chosen[0].members[0].text.startswith("Heavy rain flooded")  # what happened, first
    keys = [(g.members[0].doc, g.members[0].index) for g in chosen[1:]]
    assert keys == sorted(keys) and len({k[0] for k in keys}) == 2
    dated = _docs([FLOOD, FLOOD_2], dates=[dt.date(2024, 3, 5), dt.date(2024, 3, 4)])
    chosen = select_sentences(dated, _singletons(dated), Budget(words=120), options=LEDE)
    docs_in_order = [g.members[0].doc for g in chosen[1:]]
    assert docs_in_order == sorted(docs_in_order, reverse=True)  # the earlier source (doc 1) first


def test_the_outcome_leads_over_the_preview() -> None:
    """With the lede rule on (it is off by default: see tests/quality_floor.json)."""
    preview = _docs(
        ["The city council will vote on Tuesday on a plan to close the old harbour bridge to trucks. "
         "Residents have complained for years about the noise of heavy traffic on the bridge."],
        dates=[dt.date(2024, 5, 3)],
    )[0]
    outcome_text = (
        "The city council voted 7-2 on Tuesday to close the old harbour bridge to trucks from June. "
        "Council members said the noise of heavy traffic on the bridge had gone on for too long."
    )
    outcome = _docs([preview.text, outcome_text], dates=[dt.date(2024, 5, 3), dt.date(2024, 5, 8)])
    chosen = select_sentences(outcome, _singletons(outcome), Budget(words=60), options=LEDE)
    assert chosen[0].members[0].text.startswith("The city council voted 7-2")


def test_cross_source_support_counts(multinews_prepared) -> None:
    """A claim carried by several sources outranks the same sentence standing alone."""
    docs = _docs([FLOOD, FLOOD_2])
    groups = _singletons(docs)
    tail = groups[5]  # "The town last flooded in 1997 ..." (one source)
    other = next(g for g in groups if g.members[0].doc == 1 and g.members[0].index == 3)
    supported = dataclasses.replace(tail, members=(tail.members[0], other.members[0]), kinds=("self", "near"))
    plain = select_sentences(docs, groups, Budget(sentences=3))
    boosted = select_sentences(docs, [supported if g.id == tail.id else g for g in groups if g.id != other.id],
                               Budget(sentences=3))
    assert tail.id not in {g.id for g in plain}
    assert tail.id in {g.id for g in boosted}


def test_every_brief_sentence_is_verbatim_in_a_source_for_all_validation_clusters(multinews_val: Path) -> None:
    clusters, _ = load_clusters(multinews_val)
    assert len(clusters) == 250
    options = BriefOptions(words=230, facts=False, timeline=False)
    for cluster in clusters:
        prepared = prepare_articles(cluster.articles, options)
        brief = assemble(prepared, options)
        raw = {d.id: " ".join(d.article.text.split()) for d in prepared.docs}
        for sentence in brief.sentences:
            source_words = undo_repairs(sentence.text, sentence.repairs)
            assert any(
                " ".join(source_words.split()) in raw[c.doc_id] for c in sentence.citations
            ), (cluster.id, sentence.text)


def test_sources_of_only_short_sentences_still_get_a_brief() -> None:
    docs = _docs(["Fire downtown. Two hurt. Road closed."])
    chosen = select_sentences(docs, _singletons(docs), Budget(words=4))
    texts = [g.members[0].text for g in chosen]
    assert len(texts) == 2 and set(texts) <= {"Fire downtown.", "Two hurt.", "Road closed."}
    assert [g.members[0].index for g in chosen] == sorted(g.members[0].index for g in chosen)
    assert select_sentences(docs, [], Budget()) == []

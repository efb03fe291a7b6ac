"""What a reader notices: sentences that stand alone (or carry marked repairs), no repeated fact,
figures dated and labelled right, places that are places, one timeline entry per happening."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsbrief.briefing.clean import clean_article
from newsbrief.briefing.pipeline import BriefOptions, brief
from newsbrief.briefing.select import SelectOptions
from newsbrief.briefing.standalone import apply_repairs, repair, standing, undo_repairs
from newsbrief.model import Article

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bridge"

TRADE = (
    "U.S. Trade Representative Robert Lighthizer met South Korean officials in Washington on Friday. "
    "The talks covered car exports and steel tariffs. "
    "He said the two sides had much work to do before a deal. "
    "However, the meeting ended without a date for the next round. "
    '"We must achieve fair and reciprocal trade," Lighthizer said. '
    '"The negotiation is not easy." '
    "It was the second round of talks this year."
)


def _doc(text: str):
    return clean_article(Article(text=text, id="t"), doc=0)


def test_subjects_that_lean_on_context_are_found() -> None:
    assert standing("He said the two sides had much work to do.").need == "person"
    assert standing("It was the strongest storm in a decade.").need == "previous"
    assert standing("Therefore, even more flooding rain is expected.").need == "previous"
    assert standing('"The negotiation is not easy."').need == "previous"
    assert standing("The probe found no wrongdoing.").need == "definite"
    assert standing("It is unclear whether the deal will hold.").need == "none"
    assert standing("Lighthizer said the talks would go on.").need == "none"
    # The end of a quote opened in an earlier sentence, and a connective that points back.
    assert standing('As long as the repression continues, the EU will keep imposing sanctions."').need == "previous"
    assert standing('Officials said the "temporary" closure would last a month.').need == "none"
    assert standing("In fact, the ship had lost power twice before.").need == "previous"
    assert standing("Elsewhere in the city, two schools closed early.").need == "previous"


def test_repairs_name_the_nearest_person_of_the_same_source_in_brackets() -> None:
    doc = _doc(TRADE)
    by_start = {s.text.split()[0]: s for s in doc.sentences}
    he = by_start["He"]
    fix = repair(doc, he)
    assert fix is not None and fix.original == "He" and fix.inserted == "[Robert Lighthizer]"
    repaired = apply_repairs(he.text, (fix,))
    assert repaired.startswith("[Robert Lighthizer] said") and undo_repairs(repaired, (fix,)) == he.text
    cut = repair(doc, by_start["However,"])
    assert cut is not None and apply_repairs(by_start["However,"].text, (cut,)).startswith("[T]he meeting ended")
    quote = next(s for s in doc.sentences if s.text.startswith('"The negotiation'))
    said = repair(doc, quote)
    assert said is not None and apply_repairs(quote.text, (said,)).startswith('[Robert Lighthizer said:] "The')
    assert repair(doc, by_start["It"]) is None  # no person can be "it": not repaired, scored down


def test_a_pronoun_with_nobody_before_it_is_not_repaired() -> None:
    doc = _doc("He left the building at noon. Police closed the street for an hour.")
    assert repair(doc, doc.sentences[0]) is None


def test_brief_sentences_stand_alone_and_repairs_can_be_switched_off() -> None:
    other = (
        "South Korea and the United States ended a round of trade talks in Washington on Friday. "
        "Officials said car exports and steel tariffs were on the table."
    )
    articles = [Article(text=TRADE, id="a"), Article(text=other, id="b")]
    result = brief(articles, words=80, facts=False, timeline=False)
    first = result.sentences[0].text
    assert standing(first).need == "none" and not first.startswith(("He ", "It ", '"'))
    for s in result.sentences:
        primary = next(c for c in s.citations if c.match == "self")
        assert undo_repairs(s.text, s.repairs) == primary.text
        assert all(r.inserted.startswith("[") for r in s.repairs)
    plain = brief(articles, BriefOptions(words=80, facts=False, timeline=False, select=SelectOptions(repairs=False)))
    assert all(not s.repairs and "[" not in s.text for s in plain.sentences)


@pytest.mark.parametrize(
    "a, b, fact, words",
    [
        pytest.param(  # the same fact, told in other words
            "Heavy rain flooded the river town of Millbrook on Monday, forcing 300 residents from their homes. "
            "The mayor opened two shelters in school gyms.",
            "Officials in Millbrook said flooding from heavy rain forced 300 residents from their homes on Monday "
            "night. Forecasters expect the river to crest on Wednesday.",
            "300 residents",
            60,
            id="same fact",
        ),
        pytest.param(  # two sources' leads: half their terms in common is the same news
            "Rapper Jay Doe, one half of the Brooklyn duo Doe Brothers, has died, his publicist said on Tuesday. "
            "The duo released five albums between 1995 and 2010.",
            "Jay Doe, one half of the hip-hop outfit Doe Brothers, died Tuesday at age 42 in Las Vegas. "
            "He had been treated for a blood disorder for years.",
            "Doe Brothers",
            80,
            id="near copy of the lead",
        ),
    ],
)
def test_the_same_fact_is_stated_once_citing_both_sources(a: str, b: str, fact: str, words: int) -> None:
    result = brief([Article(text=a, id="a"), Article(text=b, id="b")], words=words, facts=False, timeline=False)
    stating = [s for s in result.sentences if fact in s.text]
    assert len(stating) == 1 and stating[0].sources == (1, 2)


@pytest.fixture(scope="module")
def korus_brief(korus_dir: Path):
    return brief(sorted(korus_dir.glob("*.txt")), words=150)


def test_korus_last_year_counts_from_the_articles_own_date(korus_brief) -> None:
    assert korus_brief.facts is not None
    through_november = [
        f for g in korus_brief.facts.figures for f in g.figures if f.period and "through November" in f.period
    ]
    assert through_november and all(f.period.endswith("2017") for f in through_november), through_november


def test_korus_places_are_places_and_figure_labels_are_clean(korus_brief) -> None:
    facts = korus_brief.facts
    assert facts is not None
    names = {p.name for p in facts.places}
    assert {"South Korea", "Seoul"} <= names and "South Korean" not in names
    labels = [f.measure for g in facts.figures for f in g.figures]
    tariffs = [f.measure for g in facts.figures for f in g.figures if f.value == 95 and f.unit == "%"]
    assert tariffs and "tariffs" in tariffs[0] and "say" not in tariffs[0].split()
    for label in labels:
        assert not re.search(r"\b(?:say|says|said)\b", label), label
        assert label.split()[-1].lower() not in {"over", "of", "on", "the", "a", "to", "from"}, label


def test_example_places_and_the_strike_once_in_the_timeline() -> None:
    result = brief([EXAMPLE], words=150)
    assert result.facts is not None and result.timeline is not None
    assert "Northern Lark" not in {p.name for p in result.facts.places}  # the ship
    strikes = [e for e in result.timeline.entries if re.search(r"\bstruck the Meridian Bridge\b", e.text)]
    assert len(strikes) == 1, strikes
    assert strikes[0].label == "3 Mar 2025" and {1, 3, 4} <= set(strikes[0].sources)


def test_a_caption_with_a_photo_credit_never_enters_a_brief_and_is_listed_as_dropped() -> None:
    caption = "Supporters cheer as Mayor Ann Lee speaks in Millbrook on Tuesday, March 5, 2024. (AP Photo/Jane Roe)"
    a = (
        f"{caption}\n\n"
        "Mayor Ann Lee won a second term in Millbrook on Tuesday with 61 percent of the vote. "
        "Turnout was the highest in two decades, the city clerk said."
    )
    b = (
        "Ann Lee was re-elected mayor of Millbrook on Tuesday after a campaign about flood defences. "
        "Her opponent, Tom Hall, conceded on Tuesday night."
    )
    articles = [Article(text=a, id="a"), Article(text=b, id="b")]
    result = brief(articles, words=80, facts=False, timeline=False)
    assert result.sentences and not any("AP Photo" in s.text or "cheer" in s.text for s in result.sentences)
    doc = clean_article(articles[0])
    assert any(r.text == caption and r.reason == "photo caption or credit" for r in doc.removed)


def test_the_end_of_a_quote_without_its_speaker_leans_on_context() -> None:
    assert standing("We will rebuild every house on this street.”").need == "previous"
    assert standing("We will rebuild,” the mayor said.").need == "none"
    assert standing("Her “plan” was approved.").need == "person"


def test_a_dek_or_a_label_does_not_make_the_brief_and_the_news_opens_it() -> None:
    a = (
        "Flood walls for Millbrook\n\n"
        "The state approved a $40 million flood defence plan for Millbrook on Monday. "
        "Engineers said the new walls would take three years to build.\n\n"
        "Why the new flood plan may leave some towns without protection\n\n"
        "Here is what the plan includes:"
    )
    b = (
        "Residents have waited a decade for the walls, and many had given up hope. "
        "Mayor Ann Lee said on Monday the town would hire 40 workers for the flood defence project."
    )
    result = brief([Article(text=b, id="b"), Article(text=a, id="a")], words=70, facts=False, timeline=False)
    texts = [s.text for s in result.sentences]
    assert not any(t.startswith(("Why the new", "Here is")) for t in texts)
    assert texts[0].startswith("The state approved a $40 million flood defence plan")

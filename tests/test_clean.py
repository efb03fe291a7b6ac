"""Cleaning scraped text and splitting sentences: what a reader would call junk goes, the article stays."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief.briefing.clean import clean_lines, junk_reason
from newsbrief.model import Article
from newsbrief.sentences import split_sentences


def test_sentences_split_around_abbreviations_numbers_and_quotes() -> None:
    text = (
        'The U.S. had a deficit of $27.7 billion in 2016. Mr. Kim said on Jan. 5 that "it is hard... '
        'to say." He left at 3 p.m. on Tuesday. "We were unable," said Kim. "Really?" she asked. '
        "It was fine... Not really."
    )
    assert [s.text for s in split_sentences(text)] == [
        "The U.S. had a deficit of $27.7 billion in 2016.",
        'Mr. Kim said on Jan. 5 that "it is hard... to say."',
        "He left at 3 p.m. on Tuesday.",
        '"We were unable," said Kim.',
        '"Really?" she asked.',
        "It was fine...",
        "Not really.",
    ]


def test_paragraphs_always_end_a_sentence() -> None:
    sentences = split_sentences("Latest figures from the ministry\n\nThe ministry said exports rose.")
    assert [s.text for s in sentences] == [
        "Latest figures from the ministry",
        "The ministry said exports rose.",
    ]


def test_offsets_point_into_the_text() -> None:
    text = "First one here.  Second one follows!\n\nThird, in a new paragraph?"
    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text


def test_junk_lines_a_reader_would_drop() -> None:
    for line in [
        "Latest News",
        "More news: Tal Afar Facts: Iraqi Forces Launch Assault",
        "• Adam Floyd",
        "(Yonhap) |",
        "|",
        "Bloomberg",
        "Share this article",
        "By Jane Doe",
        "We use cookies to improve your experience. Accept all cookies",
        "RELATED: Best Places To Live",
        "Sign up for our daily newsletter",
        "Advertisement",
    ]:
        assert junk_reason(line) is not None, line


def test_article_sentences_are_not_junk() -> None:
    for line in [
        "The U.S. had a trade deficit of $28 billion with South Korea previous year.",
        '"We were unable to reach any consensus", said Kim.',
        "Subscribers to the newspaper were told the printing plant would close, the union said after a "
        "long meeting with the owners on Friday evening in the capital, where hundreds of people work.",
        "He resigned.",
    ]:
        assert junk_reason(line) is None, line


def test_headline_block_becomes_the_title() -> None:
    text = (
        "Ship Hits Bridge\n\nShip Hits Bridge\n\nCity Closes Crossing\n\nA ship hit the bridge on Monday.\n"
    )
    cleaned, title, removed = clean_lines(text)
    assert title == "Ship Hits Bridge"
    assert cleaned == "A ship hit the bridge on Monday."
    assert [r.reason for r in removed] == ["headline", "headline", "headline"]


def test_dateline_and_trailing_agency_tag_are_dropped() -> None:
    cleaned, _, removed = clean_lines(
        "WASHINGTON (AP) -- Officials said the talks would resume next week in the capital.\n"
        "The agreement was seen as a symbol of the alliance between the two countries. (Yonhap)"
    )
    assert cleaned.startswith("Officials said")
    assert cleaned.endswith("two countries.")
    assert {r.reason for r in removed} == {"dateline", "agency tag"}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_cleaning_never_crashes_and_keeps_offsets(text: str) -> None:
    from newsbrief.briefing.clean import clean_article

    doc = clean_article(Article(text=text))
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text


def test_photo_captions_and_credits_are_dropped_and_listed() -> None:
    captions = [
        "Supporters cheer as the mayor speaks in Millbrook on Tuesday. (AP Photo/Jane Roe)",
        "(Kate Moss/The Daily Courier)",
        "The flooded main street on Monday. Photo: Getty Images",
        "FILE - In this May 3, 2015 file photo, the mayor waves to supporters in Millbrook.",
        "In this image released by the city, water covers the square.",
        "Enlarge this image toggle caption Jane Roe/AFP via Getty Images",
        "Follow Jane Roe on Twitter: https://twitter.com/janeroe",
    ]
    for line in captions:
        assert junk_reason(line) is not None, line
    news = "The mayor won a second term on Tuesday with 61 percent of the vote."
    cleaned, _, removed = clean_lines("\n\n".join([captions[0], news, captions[3]]), find_title=False)
    assert cleaned == news
    assert [r.reason for r in removed] == ["photo caption or credit", "photo caption or credit"]


def test_a_long_paragraph_loses_only_its_caption_sentence() -> None:
    body = " ".join(f"The council met for the {n}th time to discuss the harbour bridge repairs." for n in range(6))
    line = body + " Workers inspect the bridge on Monday. (Jane Roe/The Daily Courier) " + body
    cleaned, _, removed = clean_lines(line, find_title=False)
    assert "Jane Roe" not in cleaned and cleaned.count("The council met") == 12
    assert [r.reason for r in removed] == ["photo caption or credit"]


def test_prose_about_photos_is_not_a_caption() -> None:
    for line in [
        "Photographs of the suspects were not released amid the ongoing investigation.",
        "The senator appeared in a photo with the president at the rally.",
        "In this election the photo ID law will matter more than ever.",
        "An NORC/AP poll found support for the plan fell to 40 percent.",
    ]:
        assert junk_reason(line) is None, line


def test_a_long_paragraph_that_opens_like_a_promo_is_kept() -> None:
    body = " ".join(
        f"The council met for the {n}th time this year to discuss the harbour bridge repairs." for n in range(4, 10)
    )
    assert junk_reason("Photos: " + body) is None
    assert junk_reason("Photos: The bridge at night") == "link to another story"

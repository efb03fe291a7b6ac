"""When articles were written (metadata, URL, text) and what dates in sentences mean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import trafilatura

from newsbrief.briefing.clean import clean_article
from newsbrief.model import Article
from newsbrief.timeline.dates import document_date, html_published, infer_text_date, parse_published, url_date
from newsbrief.timeline.temporal import find_expressions, find_mentions, span_label

FIXTURES = Path(__file__).parent / "fixtures" / "dates"
D = dt.date


def html_doc(name: str, url: str | None = None):
    """Read an HTML fixture the way a reader does: declared date by htmldate, text by trafilatura."""
    html = (FIXTURES / name).read_text(encoding="utf-8")
    text = trafilatura.extract(html) or ""
    article = Article(text=text, url=url, published=html_published(html, url), path=str(FIXTURES / name))
    return clean_article(article, doc=0)


# --- metadata ------------------------------------------------------------------------------------

def test_date_from_meta_tag() -> None:
    doc = html_doc("meta_tags.html")
    assert doc.date is not None
    assert (doc.date.earliest, doc.date.latest, doc.date.inferred) == (D(2018, 1, 5), D(2018, 1, 5), False)


def test_date_from_json_ld_is_the_publication_not_the_modification() -> None:
    doc = html_doc("json_ld.html")
    assert doc.date is not None and not doc.date.inferred
    assert doc.date.earliest == doc.date.latest == D(2017, 8, 22)


def test_date_from_url_only() -> None:
    html = (FIXTURES / "url_only.html").read_text(encoding="utf-8")
    assert html_published(html) is None  # the page itself declares nothing
    url = "https://news.example.com/world/2018/01/05/talks-continue.html"
    article = Article(text=trafilatura.extract(html) or "", url=url)
    date = document_date(article, article.text)
    assert date is not None and not date.inferred
    assert date.earliest == date.latest == D(2018, 1, 5)
    assert "URL" in date.evidence


def test_url_with_year_and_month_gives_the_month() -> None:
    assert url_date("https://example.com/2018/01/trade-talks") == (D(2018, 1, 1), D(2018, 1, 31))
    assert url_date("https://example.com/news/trade-talks") is None


def test_no_metadata_infers_from_text_and_says_so() -> None:
    doc = html_doc("no_date.html")
    assert doc.date is not None and doc.date.inferred
    # full-year 2016 figures in the past tense -> 2017; "August 22" is a Tuesday in 2017, the text says Tuesday
    assert D(2017, 8, 1) <= doc.date.earliest <= D(2017, 8, 22) <= doc.date.latest <= D(2017, 8, 31)
    assert "2016" in doc.date.evidence and "Tuesday" in doc.date.evidence


def test_no_clues_no_date() -> None:
    assert html_doc("no_clues.html").date is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-01-05T18:40:00-05:00", (D(2018, 1, 5), D(2018, 1, 5))),
        ("2017-08-22T12:00:00Z", (D(2017, 8, 22), D(2017, 8, 22))),
        ("Tue, 22 Aug 2017 10:00:00 GMT", (D(2017, 8, 22), D(2017, 8, 22))),
        ("August 22, 2017", (D(2017, 8, 22), D(2017, 8, 22))),
        ("22 August 2017", (D(2017, 8, 22), D(2017, 8, 22))),
        ("August 2017", (D(2017, 8, 1), D(2017, 8, 31))),
        ("2017", (D(2017, 1, 1), D(2017, 12, 31))),
        ("not a date at all", None),
        ("yesterday", None),  # relative words are not metadata
    ],
)
def test_published_formats(value: str, expected: tuple[dt.date, dt.date] | None) -> None:
    assert parse_published(value) == expected


def test_unreadable_published_falls_back_to_url() -> None:
    article = Article(text="Nothing to see.", published="sometime", url="https://x.org/2019/03/04/a.html")
    date = document_date(article, article.text)
    assert date is not None and date.earliest == D(2019, 3, 4) and not date.inferred


# --- inference on the KORUS seed, article by article -------------------------------------------

def korus_text(korus_dir: Path, prefix: str) -> str:
    path = next(korus_dir.glob(f"{prefix}_*.txt"))
    return clean_article(Article(text=path.read_text(encoding="utf-8"), path=str(path)), doc=0).text


def test_korus_article_dates_from_their_own_text(korus_dir: Path) -> None:
    seoul = infer_text_date(korus_text(korus_dir, "002"))
    assert seoul is not None and seoul.inferred
    assert seoul.earliest <= D(2017, 8, 22) <= seoul.latest and (seoul.latest - seoul.earliest).days <= 14
    for prefix in ("000", "003"):
        date = infer_text_date(korus_text(korus_dir, prefix))
        assert date is not None and date.earliest.year == date.latest.year == 2017, prefix
    # 004 names no year at all: only the cluster can place it (see test_timeline)
    assert infer_text_date(korus_text(korus_dir, "004")) is None


# --- dates in sentences ------------------------------------------------------------------------

def one(text: str, anchor: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date]:
    mentions = find_mentions(text, anchor)
    assert len(mentions) == 1, mentions
    return mentions[0].earliest, mentions[0].latest


WED_3_JAN_2018 = (D(2018, 1, 3), D(2018, 1, 3))
SUN_31_DEC_2017 = (D(2017, 12, 31), D(2017, 12, 31))


@pytest.mark.parametrize(
    ("anchor", "text", "expected"),
    [
        (WED_3_JAN_2018, "He raised it last month.", (D(2017, 12, 1), D(2017, 12, 31))),
        (WED_3_JAN_2018, "Sales fell sharply last year.", (D(2017, 1, 1), D(2017, 12, 31))),
        (WED_3_JAN_2018, "The request came in July last year.", (D(2017, 7, 1), D(2017, 7, 31))),
        (WED_3_JAN_2018, "The sides met on Friday.", (D(2017, 12, 29), D(2017, 12, 29))),
        (WED_3_JAN_2018, "The sides will meet on Friday.", (D(2018, 1, 5), D(2018, 1, 5))),
        (WED_3_JAN_2018, "It happened last week.", (D(2017, 12, 25), D(2017, 12, 31))),
        (WED_3_JAN_2018, "They are to meet next week.", (D(2018, 1, 8), D(2018, 1, 14))),
        (WED_3_JAN_2018, "It was announced yesterday.", (D(2018, 1, 2), D(2018, 1, 2))),
        (WED_3_JAN_2018, "In December, prices rose.", (D(2017, 12, 1), D(2017, 12, 31))),
        (WED_3_JAN_2018, "It began two months ago.", (D(2017, 11, 1), D(2017, 11, 30))),
        (WED_3_JAN_2018, "The deal was signed on Dec. 28.", (D(2017, 12, 28), D(2017, 12, 28))),
        (WED_3_JAN_2018, "Talks will resume on Jan. 9.", (D(2018, 1, 9), D(2018, 1, 9))),
        (SUN_31_DEC_2017, "They will meet next week.", (D(2018, 1, 1), D(2018, 1, 7))),
        (SUN_31_DEC_2017, "The vote is tomorrow.", (D(2018, 1, 1), D(2018, 1, 1))),
        (SUN_31_DEC_2017, "Results are due next month.", (D(2018, 1, 1), D(2018, 1, 31))),
        (SUN_31_DEC_2017, "Prices rose this year.", (D(2017, 1, 1), D(2017, 12, 31))),
        (SUN_31_DEC_2017, "The rule takes effect Jan. 1, officials will say.", (D(2018, 1, 1), D(2018, 1, 1))),
        ((D(2016, 3, 1), D(2016, 3, 1)), "The count ended yesterday.", (D(2016, 2, 29), D(2016, 2, 29))),
        ((D(2017, 3, 31), D(2017, 3, 31)), "He resigned last month.", (D(2017, 2, 1), D(2017, 2, 28))),
        ((D(2017, 1, 2), D(2017, 1, 2)), "They met last Tuesday.", (D(2016, 12, 27), D(2016, 12, 27))),
    ],
)
def test_relative_dates_across_month_and_year_boundaries(anchor, text, expected) -> None:
    assert one(text, anchor) == expected


def test_vague_writing_date_keeps_the_resolution_an_interval() -> None:
    january = (D(2018, 1, 1), D(2018, 1, 31))
    # any Friday on or before a January day: from 29 Dec 2017 to 26 Jan 2018, not one guessed day
    assert one("The US on Friday presented proposals.", january) == (D(2017, 12, 29), D(2018, 1, 26))
    assert one("The request was made last month.", january) == (D(2017, 12, 1), D(2017, 12, 31))
    assert one("They met on Tuesday.", (D(2017, 8, 15), D(2017, 8, 29))) == (D(2017, 8, 15), D(2017, 8, 29))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The session opened on August 22, 2017 in Seoul.", (D(2017, 8, 22), D(2017, 8, 22))),
        ("The session opened on 22 August 2017.", (D(2017, 8, 22), D(2017, 8, 22))),
        ("Filed 2017-08-22 by the ministry.", (D(2017, 8, 22), D(2017, 8, 22))),
        ("The pact took effect in March 2012.", (D(2012, 3, 1), D(2012, 3, 31))),
        ("Exports fell in 2016.", (D(2016, 1, 1), D(2016, 12, 31))),
        ("Growth slowed in mid-2016.", (D(2016, 5, 1), D(2016, 8, 31))),
        ("Rates rose in late 2015.", (D(2015, 9, 1), D(2015, 12, 31))),
        ("It was popular in the 1990s.", (D(1990, 1, 1), D(1999, 12, 31))),
        ("Profits rose in the first quarter of 2017.", (D(2017, 1, 1), D(2017, 3, 31))),
        ("Volume reached $109 billion in 2016, up from $100 billion five years earlier.",
         None),  # checked below: two mentions
    ],
)
def test_absolute_dates_need_no_anchor(text: str, expected) -> None:
    mentions = find_mentions(text, None)
    if expected is None:
        assert [(m.earliest.year, m.latest.year) for m in mentions] == [(2016, 2016), (2011, 2011)]
        assert not mentions[1].relative  # counted back from a stated year, so still stated
    else:
        assert [(m.earliest, m.latest) for m in mentions] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Police said 2,016 people were evacuated.",
        "The bill came to $2016 in total.",
        "Some 2000 troops were sent to the border.",
        "He may go, and they may march.",
        "Thousands joined a March for Science rally.",
        "Tuesdays are market days.",
    ],
)
def test_things_that_are_not_dates(text: str) -> None:
    assert find_expressions(text) == ()


def test_relative_date_without_anchor_is_left_out() -> None:
    assert find_mentions("They met on Tuesday and again last month.", None) == ()


def test_span_labels() -> None:
    assert span_label(D(2017, 8, 22), D(2017, 8, 22)) == "22 Aug 2017"
    assert span_label(D(2017, 8, 1), D(2017, 8, 31)) == "Aug 2017"
    assert span_label(D(2016, 1, 1), D(2016, 12, 31)) == "2016"
    assert span_label(D(2017, 8, 15), D(2017, 8, 21)) == "15–21 Aug 2017"
    assert span_label(D(2017, 12, 29), D(2018, 1, 26)) == "29 Dec 2017 – 26 Jan 2018"

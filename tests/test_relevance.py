"""Which documents a brief keeps: copies count once, site notices and off-topic pages are left out."""

from __future__ import annotations

from pathlib import Path

import newsbrief
from newsbrief.model import Article

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bridge"


def _text(name: str) -> str:
    return (EXAMPLE / name).read_text(encoding="utf-8")


def test_a_syndicated_copy_is_one_source_with_several_outlets() -> None:
    original = _text("02_alder_times.txt")
    copy = original.replace("Dana Whitfield", "Staff reporter").replace("told reporters", "told journalists")
    articles = [
        Article(text=original, source="Alder Times", url="https://alder.example/a"),
        Article(text=copy, source="Valley Post", url="https://valley.example/b"),
        Article(text=_text("04_business_daily.txt"), source="Business Daily"),
    ]
    brief = newsbrief.brief(articles, facts=False, timeline=False)
    assert [s.outlet for s in brief.sources] == ["Alder Times", "Business Daily"]
    assert brief.sources[0].also_in == ("Valley Post",)
    assert [(d.reason, d.copy_of) for d in brief.dropped] == [
        ("copy of https://alder.example/a", brief.sources[0].doc_id)
    ]
    assert all(s.support <= 2 for s in brief.sentences)


def test_site_notices_and_off_topic_pages_are_dropped_with_their_reason() -> None:
    articles = [Article(text=_text(n), path=n) for n in ("02_alder_times.txt", "04_business_daily.txt")]
    articles.append(Article(text=_text("02_alder_times.txt").replace("Meridian", "Meridian Road"), path="c.txt"))
    articles.append(
        Article(
            text="Tweet with a location\n\nYou can add location information to your Tweets, such as your city "
            "or precise location. You always have the option to delete your Tweet location history.",
            path="twitter.txt",
        )
    )
    articles.append(
        Article(
            text="Preheat the oven to 200 degrees. Whisk the eggs with sugar until pale, fold in the flour "
            "and butter, and bake the sponge for twenty minutes until golden. Dust with icing sugar.",
            path="recipe.txt",
        )
    )
    brief = newsbrief.brief(articles, facts=False, timeline=False)
    reasons = {d.label: d.reason for d in brief.dropped}
    assert reasons["twitter.txt"] == "not an article: Twitter location notice"
    assert reasons["recipe.txt"].startswith("off-topic: shares little with the other articles")
    assert reasons["c.txt"] == "copy of 02_alder_times.txt"
    cited = {n for s in brief.sentences for n in s.sources}
    assert cited <= {s.number for s in brief.sources}
    assert {s.location for s in brief.sources} == {"02_alder_times.txt", "04_business_daily.txt"}

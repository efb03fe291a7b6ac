"""WARC files: HTML responses become articles with their URL and date; other records are skipped."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsbrief.inputs.warc import iter_warc
from newsbrief.stream.catalog import event_articles, list_events
from newsbrief.stream.ingest import ingest

PAGE = """<html><head><title>Harbor bridge opens after three years</title>
<meta property="og:site_name" content="Harbor Times"></head><body>
<nav>Home | News | Sport</nav>
<article><h1>Harbor bridge opens after three years</h1>
<p>The new bridge over the Harbor River opened to traffic on Monday after three years of construction
and a budget that grew to 240 million dollars.</p>
<p>Mayor Linda Ortiz cut the ribbon and said the crossing would shorten commutes for thirty thousand
residents of the eastern districts.</p>
<p>Engineers said the bridge was designed to withstand floods that the old crossing could not.</p>
</article><footer>Copyright Harbor Times</footer></body></html>"""


def _warc(path: Path, gz: bool) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                "https://harbortimes.example/news/bridge",
                "response",
                payload=BytesIO(PAGE.encode("utf-8")),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-06-03T10:00:00Z"},
            )
        )
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://harbortimes.example/logo.png",
                "response",
                payload=BytesIO(b"\x89PNG"),
                http_headers=image,
            )
        )
        missing = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://harbortimes.example/gone",
                "response",
                payload=BytesIO(b"<html>gone</html>"),
                http_headers=missing,
            )
        )
        writer.write_record(
            writer.create_warc_record(
                "https://harbortimes.example/news/bridge",
                "request",
                payload=BytesIO(b"GET /news/bridge HTTP/1.1\r\n\r\n"),
            )
        )
    return path


def test_html_responses_become_articles_with_url_and_date(tmp_path: Path) -> None:
    warnings: list[str] = []
    articles = list(iter_warc(_warc(tmp_path / "crawl.warc.gz", gz=True), warnings))
    assert len(articles) == 1
    (article,) = articles
    assert article.url == "https://harbortimes.example/news/bridge"
    assert "Mayor Linda Ortiz" in article.text and "Home | News" not in article.text
    assert article.published is not None and article.published.startswith("2024-06-03")
    assert warnings == []


def test_ingest_reads_warc_files(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    report = ingest([_warc(tmp_path / "crawl.warc", gz=False)], db, workers=1)
    assert report.added == 1
    (story,) = list_events(db)
    assert story.first_date == "2024-06-03"
    assert event_articles(db, story.id)[0].url == "https://harbortimes.example/news/bridge"


def test_a_broken_warc_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.warc"
    bad.write_bytes(b"this is not a warc file\r\n" * 20)
    report = ingest([bad], tmp_path / "s.sqlite", workers=1)
    assert report.added == 0 and report.rejected == 1
    assert "bad.warc" in report.summary()

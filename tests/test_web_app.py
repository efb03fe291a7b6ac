"""The web app end to end: a real `newsbrief serve` on 127.0.0.1 and Debian's headless Chromium.

The dev stream goes in through the upload page in two halves; between them two stories are merged,
and the merge must survive the second upload. The tests run in file order, as one scenario.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from playwright.sync_api import Browser, Page, expect
from webserver import Server, newsbrief, serving, wait_for

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, dev_stream: Path) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("webapp")
    lines = dev_stream.read_text(encoding="utf-8").splitlines()
    (folder / "first.jsonl").write_text("\n".join(lines[:80]) + "\n", encoding="utf-8")
    (folder / "second.jsonl").write_text("\n".join(lines[80:]) + "\n", encoding="utf-8")
    with serving(folder / "store.sqlite", cwd=folder) as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def _upload(page: Page, server: Server, file: Path) -> str:
    page.goto(server.url + "upload")
    page.set_input_files("#files", str(file))
    page.get_by_role("button", name="Add to the store").click()
    expect(page.locator("#status")).to_contain_text("Done", timeout=120_000)
    bar = page.locator("#bar")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    return page.locator("#report").inner_text()


def _ids(page: Page, links: str) -> list[int]:
    return [int(h.split("/")[-1]) for h in page.locator(links).evaluate_all("l => l.map(a => a.href)")]


def _event_ids(page: Page, server: Server) -> list[int]:
    page.goto(server.url)
    return _ids(page, ".events a")


def _members(page: Page, server: Server, event: int) -> set[str]:
    page.goto(f"{server.url}event/{event}")
    return set(page.locator("input[name=article]").evaluate_all("l => l.map(i => i.value)"))


def test_upload_page_ingests_the_dev_stream_with_a_progress_bar_and_a_report(page: Page, server: Server) -> None:
    report = _upload(page, server, server.db.parent / "first.jsonl")
    assert "Added " in report and "Rejected 0" in report
    added = int(report.split("Added ")[1].split()[0])
    assert added >= 70
    stories = json.loads(newsbrief("stories", "--db", server.db, "--format", "json").stdout)
    assert len(stories["storylines"]) > 10


def test_storylines_page_lists_searches_and_filters_by_date(page: Page, server: Server) -> None:
    page.goto(server.url)
    titles = page.locator(".story h2").all_inner_texts()
    assert page.locator(".story .events a").count() >= len(titles)
    assert len(titles) > 10
    assert page.locator(".story svg.chart").count() == len(titles)
    word = next(w for w in titles[0].split() if len(w) > 5).strip(",:;'")
    page.get_by_label("Words or names").fill(word)
    page.get_by_role("button", name="Search").click()
    found = page.locator(".story h2").all_inner_texts()
    assert titles[0] in found and len(found) < len(titles)
    page.goto(server.url + "?since=2019-05-01&until=2019-05-31")  # the first upload holds 17 May articles
    metas = page.locator(".story .meta").all_inner_texts()
    assert 0 < len(metas) < len(titles)
    for meta in metas:
        dates = re.findall(r"\d{4}-\d{2}-\d{2}", meta)
        assert not dates or (dates[-1] >= "2019-05-01" and dates[0] <= "2019-05-31"), meta
    page.get_by_label("Words or names").fill("no-such-word-anywhere")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".empty")).to_contain_text("No storyline matches")


def test_a_storyline_page_shows_its_events_on_a_time_axis_with_short_briefs(page: Page, server: Server) -> None:
    page.goto(server.url)
    page.locator(".story h2 a").first.click()
    page.wait_for_url("**/storyline/**")
    events = page.locator(".event-list > li")
    assert events.count() >= 1
    assert page.locator("svg.axis-chart rect").count() >= events.count()
    for i in range(max(0, events.count() - 12), events.count()):  # the latest 12 show a short brief
        assert events.nth(i).locator(".short li").count() >= 1


def test_event_page_shows_a_citations_source_sentence_on_hover_and_focus(page: Page, server: Server) -> None:
    event = next(
        e for e in _event_ids(page, server) if len(_members(page, server, e)) >= 2 and page.locator(".cite").count() > 2
    )
    page.goto(f"{server.url}event/{event}")
    for heading in ("Brief", "Sources"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    citation = page.locator(".cite").first
    tip = citation.locator(".ctx")
    expect(tip).to_be_hidden()
    citation.locator("a").hover()
    expect(tip).to_be_visible()
    said = tip.locator(".said").inner_text()
    assert "sentence " in tip.locator(".where").inner_text()
    page.mouse.move(0, 0)
    expect(tip).to_be_hidden()
    citation.locator("a").focus()
    expect(tip).to_be_visible()
    citation.locator("a").press("Enter")  # the keyboard follows the citation to the source's text
    page.wait_for_url("**/article/**")
    marked = page.locator(".text mark").all_inner_texts()
    assert said in marked


def test_each_brief_downloads_and_the_json_matches_the_packaged_schema(page: Page, server: Server) -> None:
    page.goto(server.url)
    page.locator(".events a").first.click()
    schema = json.loads((files("newsbrief") / "data" / "brief.schema.json").read_text(encoding="utf-8"))
    texts = {}
    for name in ("JSON", "Markdown", "HTML"):
        with page.expect_download() as download:
            page.get_by_role("link", name=name, exact=True).click()
        texts[name] = Path(download.value.path()).read_text(encoding="utf-8")
    brief = json.loads(texts["JSON"])
    jsonschema.validate(brief, schema)
    title = page.locator("h1").inner_text()
    assert brief["title"] == title and title in texts["Markdown"] and texts["HTML"].startswith("<!DOCTYPE html>")


def test_a_merge_made_on_the_page_sticks_after_another_upload(page: Page, server: Server) -> None:
    first, second = _event_ids(page, server)[:2]
    together = _members(page, server, first) | _members(page, server, second)
    page.goto(f"{server.url}event/{first}")
    page.get_by_label("Merge events into this one (ids)").fill(str(second))
    page.get_by_role("button", name="Merge", exact=True).click()
    page.wait_for_url(f"**/event/{first}")
    expect(page.locator(".note")).to_contain_text(f"into event {first}")
    assert _members(page, server, first) == together

    report = _upload(page, server, server.db.parent / "second.jsonl")
    assert "Added " in report
    assert together <= _members(page, server, first)
    page.goto(f"{server.url}event/{second}")
    page.wait_for_url(f"**/event/{first}")


def test_an_ingest_from_the_command_line_shows_up_in_an_open_page(page: Page, server: Server) -> None:
    page.goto(server.url)
    page.evaluate("window.__sameDocument = true")
    article = {
        "url": "https://example.org/glacier",
        "title": "Glacier museum opens in the mountain village",
        "source": "alpine.example",
        "published": "2019-12-31",
        "text": "A museum about the retreating glacier opened on Tuesday in the mountain village. "
        "Its rooms show photographs of the ice taken every summer since 1890. "
        "The curator said visitors could see how far the ice had withdrawn in a century. "
        "The village council paid for the building with a grant from the regional government. "
        "Schools from the valley have already booked guided tours for the spring.",
    }
    new = server.db.parent / "glacier.jsonl"
    new.write_text(json.dumps(article) + "\n", encoding="utf-8")
    assert newsbrief("ingest", new, "--db", server.db, "-q").returncode == 0
    expect(page.locator("main")).to_contain_text(article["title"], timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("#live")).to_contain_text("store changed")


def _pages(page: Page, server: Server) -> list[str]:
    page.goto(server.url)
    line = _ids(page, ".story h2 a")[0]
    event = _ids(page, ".events a")[0]
    page.goto(f"{server.url}event/{event}")
    article = page.locator(".sources li a").first.get_attribute("href")
    page.goto(server.url + "upload")
    token = page.locator("input[name=csrf]").get_attribute("value")
    line = json.dumps({"title": "Short", "text": "Too short to keep."})
    sent = page.request.post(server.url + "upload", form={"csrf": token or "", "lines": line}, max_redirects=0)
    assert sent.status == 303
    job = sent.headers["location"].lstrip("/")
    wait_for(lambda: page.request.get(server.url + "api/" + job.replace("upload/", "jobs/")).json()["state"] == "done")
    return ["", f"storyline/{line}", f"event/{event}", (article or "").lstrip("/"), "upload", job, "event/999999"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_passes_axe_and_fits_the_window(
    browser: Browser, server: Server, axe_source: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    for path in _pages(page, server):
        page.goto(server.url + path)
        page.evaluate(axe_source)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert result["testEngine"]["name"] == "axe-core" and result["passes"], path
        serious = [
            f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], (path, serious)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    context.close()


def test_the_pages_work_with_the_keyboard_alone(page: Page, server: Server) -> None:
    page.goto(server.url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.story h2') !== null"):
            break
    else:
        pytest.fail("no storyline link reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/storyline/**")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.event-list h3') !== null"):
            break
    else:
        pytest.fail("no event link reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/event/**")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.cite') !== null"):
            break
    else:
        pytest.fail("no citation reached with Tab")
    expect(page.locator(".cite:focus-within .ctx")).to_be_visible()

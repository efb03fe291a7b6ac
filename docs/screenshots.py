"""Screenshots of the web app's main pages for the README, taken in Debian's headless Chromium.

    python docs/screenshots.py            # writes docs/img/*.png

Ingests the labelled 2019 dev stream (../shared) into a temporary store, starts `newsbrief serve` on
127.0.0.1 and photographs the storylines, a storyline's events on its time axis, an event's brief with a
citation's source sentence shown, an article with its cited sentences marked and the upload report,
at desktop (1280 px) and phone (375 px) width.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
STREAM = ROOT.parent / "shared" / "data" / "streams" / "dev2019.jsonl"
OUT = ROOT / "docs" / "img"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 375, "height": 740}}


def shoot(page: Page, url: str, name: str) -> None:
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    page.goto(url + "upload")
    with tempfile.TemporaryDirectory() as tmp:
        last = Path(tmp) / "late.jsonl"
        last.write_text("\n".join(lines[-10:]) + "\n", encoding="utf-8")
        page.set_input_files("#files", str(last))
        page.get_by_role("button", name="Add to the store").click()
        page.locator("#status").filter(has_text="Done").wait_for(timeout=120_000)
    page.screenshot(path=OUT / f"upload-{name}.png")
    page.goto(url)
    page.screenshot(path=OUT / f"storylines-{name}.png")
    biggest = max(page.locator(".story").all(), key=lambda s: s.locator(".events li").count())
    line = biggest.locator("h2 a").get_attribute("href")
    page.goto(url.rstrip("/") + (line or "/"))
    page.screenshot(path=OUT / f"storyline-{name}.png")
    event = page.locator(".event-list h3 a").last.get_attribute("href")
    page.goto(url.rstrip("/") + (event or "/"))
    citation = page.locator(".cite a").nth(1)
    citation.scroll_into_view_if_needed()
    citation.hover()
    page.screenshot(path=OUT / f"event-{name}.png")
    citation.click()
    page.locator(".text mark").first.scroll_into_view_if_needed()
    page.screenshot(path=OUT / f"article-{name}.png")


def main() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.sqlite"
        head = Path(tmp) / "first.jsonl"
        head.write_text("\n".join(STREAM.read_text(encoding="utf-8").splitlines()[:-10]) + "\n", encoding="utf-8")
        subprocess.run([sys.executable, "-m", "newsbrief", "ingest", str(head), "--db", str(db), "-q"],
                       check=True, env=env)
        server = subprocess.Popen([sys.executable, "-m", "newsbrief", "serve", "--db", str(db), "--port", "0"],
                                  stderr=subprocess.PIPE, text=True, env=env)
        try:
            assert server.stderr is not None
            url = re.search(r"at (http://\S+/)", server.stderr.readline()).group(1)  # type: ignore[union-attr]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                for name, viewport in WIDTHS.items():
                    page = browser.new_page(viewport=viewport)
                    shoot(page, url, name)
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait()
    print(f"wrote {', '.join(sorted(p.name for p in OUT.glob('*.png')))}")


if __name__ == "__main__":
    main()

"""The HTML brief in a real headless Chromium: article text stays text, nothing in it runs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import newsbrief
from newsbrief.briefing.render import render_html

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=2000",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium package")
    return path


def test_script_in_an_article_stays_text(chromium: str, tmp_path: Path) -> None:
    evil = newsbrief.Article(
        text=(
            "The council met on Monday to discuss the new harbour bridge. "
            "<script>document.title='pwned'</script> The mayor said the work would cost $42 million. "
            "<img src=x onerror=\"document.title='pwned'\"> Residents asked for more ferries during the repairs."
        ),
        title="Council meets on bridge",
    )
    page = tmp_path / "brief.html"
    page.write_text(render_html(newsbrief.brief([evil], sentences=3)), encoding="utf-8")
    dom = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "<title>Council meets on bridge</title>" in dom
    assert "pwned</title>" not in dom
    assert "<script>" not in dom and "<img" not in dom
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom

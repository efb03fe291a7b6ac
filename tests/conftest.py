"""Shared fixtures: where the shared seed and data folders are, and small document builders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
KORUS = SHARED / "seeds" / "korus"
MULTINEWS_VAL = SHARED / "data" / "multinews" / "val.jsonl"
DEV2019 = SHARED / "data" / "streams" / "dev2019.jsonl"


@pytest.fixture(scope="session")
def korus_dir() -> Path:
    if not KORUS.is_dir():
        pytest.fail(f"shared seed folder missing: {KORUS} (CI keeps ../shared beside the checkout)")
    return KORUS


@pytest.fixture(scope="session")
def korus_expected(korus_dir: Path) -> dict:
    return json.loads((korus_dir / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def dev2019() -> Path:
    if not DEV2019.is_file():
        pytest.fail(f"shared data missing: {DEV2019}")
    return DEV2019


@pytest.fixture(scope="session")
def multinews_val() -> Path:
    if not MULTINEWS_VAL.is_file():
        pytest.fail(f"shared data missing: {MULTINEWS_VAL}")
    return MULTINEWS_VAL


DEV_STREAM = SHARED / "data" / "streams" / "dev2019.jsonl"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def dev_stream() -> Path:
    if not DEV_STREAM.is_file():
        pytest.fail(f"shared data missing: {DEV_STREAM}")
    return DEV_STREAM


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / "tests" / ".axe"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from npm into tests/.axe (git-ignored) on first use."""
    import shutil
    import subprocess

    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: apt-get install npm (the accessibility tests install axe-core with it)")
        subprocess.run(
            [npm, "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund", f"axe-core@{AXE_VERSION}"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return script.read_text(encoding="utf-8")

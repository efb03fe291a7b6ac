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

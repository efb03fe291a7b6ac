"""Bad input as a user meets it on the command line: a brief plus a warning, or one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "bridge"
ARTICLE = (EXAMPLE / "02_alder_times.txt").read_text(encoding="utf-8")


def run(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbrief", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    for fragment in fragments:
        assert fragment in errors[0]
    assert result.stdout == ""


def assert_brief_with_warning(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """A brief, the warnings naming what was left out, and exit code 3 when an input was rejected."""
    rejected = any(line.startswith("warning: rejected ") for line in result.stderr.splitlines())
    assert result.returncode == (3 if rejected else 0), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("# ")
    assert "\n- " in result.stdout, "the brief has sentences"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    for fragment in fragments:
        assert any(fragment in w for w in warnings), (fragment, result.stderr)


def test_missing_path(tmp_path: Path) -> None:
    assert_one_line_error(run("brief", tmp_path / "nope"), "no such file or folder", "nope")


def test_empty_folder(tmp_path: Path) -> None:
    assert_one_line_error(run("brief", tmp_path), "no readable articles", "folder is empty")


def test_folder_of_images(tmp_path: Path) -> None:
    for name in ("a.png", "b.jpg"):
        (tmp_path / name).write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    result = run("brief", tmp_path)
    assert_one_line_error(result, "no readable articles")
    assert "a.png" in result.stderr and "not a supported file type" in result.stderr


def test_zero_byte_file_is_named_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "story.txt").write_text(ARTICLE, encoding="utf-8")
    assert_brief_with_warning(run("brief", tmp_path), "empty.txt", "empty file")


def test_zero_byte_file_alone(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert_one_line_error(run("brief", tmp_path / "empty.txt"), "no readable articles")


def test_invalid_utf8_is_read_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes(
        ARTICLE.replace("Harbour", "Harbour caf\u00e9").encode("latin-1", "replace")
    )
    result = run("brief", tmp_path)
    assert_brief_with_warning(result, "latin1.txt", "not valid UTF-8")
    assert "café" in result.stdout or "Meridian" in result.stdout


def test_huge_single_line_file(tmp_path: Path) -> None:
    (tmp_path / "huge.txt").write_text("word " * 10_000_000, encoding="utf-8")
    (tmp_path / "story.txt").write_text(ARTICLE, encoding="utf-8")
    assert_brief_with_warning(run("brief", tmp_path), "huge.txt", "too large")


def test_one_article(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(ARTICLE, encoding="utf-8")
    result = run("brief", tmp_path / "story.txt", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["sources"]) == 1 and data["sentences"]
    assert all(s["sources"] == [1] for s in data["sentences"])


def test_broken_json_line_is_named(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": ARTICLE, "url": "https://a.example/1"}),
        '{"text": "broken',
        json.dumps({"text": (EXAMPLE / "04_business_daily.txt").read_text(), "source": "Daily"}),
    ]
    (tmp_path / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_brief_with_warning(run("brief", tmp_path / "news.jsonl"), "news.jsonl line 2", "not valid JSON")


def test_json_lines_on_stdin() -> None:
    stdin = json.dumps({"text": ARTICLE, "title": "Bridge shut"}) + "\n"
    result = run("brief", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Bridge shut")


def test_three_hundred_articles(tmp_path: Path, multinews_val: Path) -> None:
    rows = [json.loads(line) for line in multinews_val.read_text(encoding="utf-8").splitlines()]
    texts = [doc for row in rows for doc in row["documents"]][:300]
    (tmp_path / "many.jsonl").write_text("\n".join(json.dumps({"text": t}) for t in texts), encoding="utf-8")
    result = run("brief", tmp_path / "many.jsonl", "--format", "json", "--no-facts")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["sources"]) + len(data["dropped"]) == 300
    assert data["sentences"]


def test_dataset_file_needs_a_cluster(multinews_val: Path) -> None:
    assert_one_line_error(run("brief", multinews_val), "--cluster")


def test_bad_flag_value() -> None:
    result = run("brief", EXAMPLE, "--words", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["brief", "timeline", "eval", "ingest", "stories"])
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "usage: newsbrief " + command in result.stdout
    assert len(result.stdout.splitlines()) > 4

"""The commands as a user runs them: timeline, JSON output to a file, the order of events."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsbrief", *map(str, args)], capture_output=True, text=True, timeout=300
    )


def test_timeline_command_orders_what_happened_when(korus_dir: Path) -> None:
    result = run("timeline", *sorted(korus_dir.glob("*.txt")))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("## Timeline")
    assert "This cluster reports 2 distinct events." in out
    entries = [line for line in out.splitlines() if line.startswith("- **") and " — " in line]
    first = {key: next(i for i, line in enumerate(entries) if key in line) for key in ("Mar 2012", "22 Aug 2017")}
    friday = next(i for i, line in enumerate(entries) if "on Friday presented proposals" in line)
    assert first["Mar 2012"] < first["22 Aug 2017"] < friday


def test_newest_event_first_and_json_to_a_file(korus_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "brief.json"
    result = run("brief", *sorted(korus_dir.glob("*.txt")), "--order", "newest", "--format", "json", "-o", target)
    assert result.returncode == 0, result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    events = data["timeline"]["events"]
    assert [e["label"] for e in events] == ["Jan 2018", "Aug 2017"]
    jan = events[0]["id"]
    for sentence in data["sentences"]:
        if sentence["event"] == jan:
            assert sentence["sources"] == [5]
    markdown = run("brief", *sorted(korus_dir.glob("*.txt")), "--order", "newest").stdout
    assert markdown.index("## Jan 2018") < markdown.index("## Aug 2017")

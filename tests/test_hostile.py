"""Hostile input and faults (issue 14): each finding replayed from a small file; one bad input is a named
rejection and the run goes on; closed streams, signals and a damaged store end in one line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_corpus import STORY, make_corpus, warc_bytes

from newsbrief.inputs.limits import Limits
from newsbrief.inputs.readers import REJECTED, read_inputs
from newsbrief.inputs.warc import iter_warc
from newsbrief.stream.catalog import list_events
from newsbrief.stream.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
BRIDGE = ROOT / "examples" / "bridge"
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    options: dict[str, object] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True,
                                  "timeout": 120, "env": ENV, **kwargs}
    return subprocess.run([sys.executable, "-m", "newsbrief", *map(str, args)], **options)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    make_corpus(folder / "bad")
    shutil.copytree(BRIDGE, folder / "good")
    return folder


def test_every_crasher_is_named_and_the_brief_goes_on(corpus: Path) -> None:
    result = run("brief", corpus, "--format", "json")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    brief = json.loads(result.stdout)
    assert len(brief["sources"]) >= 4
    rejected = [line for line in result.stderr.splitlines() if line.startswith(f"warning: {REJECTED}")]
    for name in ("svg.html", "header-bomb", "line-bomb", "zeros-bomb", "deep.jsonl line 1", "deep.jsonl line 2",
                 "long-id.jsonl line 1", "documents-5.jsonl line 1", "png.txt", "cut.warc.gz", "no-uri.warc.gz"):
        assert any(name in line for line in rejected), name
    assert f"rejected {len(rejected)} (see the warnings)" in result.stderr
    assert "surrogate.jsonl line 1: lone surrogate escapes in 'text' replaced" in result.stderr
    assert "utf16.txt: read as UTF-16 without a byte-order mark" in result.stderr
    assert "the file is cut short or damaged after 4 records" in result.stderr
    assert "AssertionError" in next(line for line in rejected if "svg.html" in line)


def test_ingest_keeps_the_good_articles_and_counts_every_input(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    report = ingest([corpus], db, workers=1)
    named = "\n".join(report.warnings)
    assert report.added + report.duplicates >= 10  # bridge pages, the 4 pages before the cut, UTF-16, surrogates
    assert "svg.html" in named and "documents-5.jsonl" in named
    assert f"rejected {report.rejected}:" in report.summary()
    # the store takes the replaced text: a lone surrogate cannot be written as UTF-8
    titles = " ".join(event.title for event in list_events(db))
    assert "\ud800" not in titles
    rerun = ingest([corpus], db, workers=1)
    assert rerun.added == 0 and rerun.rejected == report.rejected


def test_bombs_are_rejected_within_their_limits(corpus: Path) -> None:
    for name, reason in (("header-bomb", "header block"), ("line-bomb", "a line over"), ("zeros-bomb", "a line over")):
        warnings: list[str] = []
        started = time.monotonic()
        assert list(iter_warc(corpus / "bad" / f"{name}.warc.gz", warnings)) == []
        assert time.monotonic() - started < 60
        assert len(warnings) == 1 and warnings[0].startswith(REJECTED) and reason in warnings[0]


def test_a_truncated_warc_names_the_cut_at_every_point(tmp_path: Path) -> None:
    for gz in (True, False):
        whole = warc_bytes(8, gz=gz)
        for cut in range(len(whole) // 10, len(whole) - 5, len(whole) // 7):
            path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
            path.write_bytes(whole[:cut])
            warnings: list[str] = []
            read = list(iter_warc(path, warnings))
            assert len(read) < 8
            assert any(f"cut short or damaged after {len(read)} records" in w for w in warnings), (gz, cut, warnings)


def test_an_extraction_that_hangs_is_stopped_and_the_worker_replaced(tmp_path: Path) -> None:
    # 1 s is far too short for this 20 MB page; the next page still reads with a fresh worker.
    (tmp_path / "a_big.html").write_text("<html><body>" + "<p>word word word word.</p>" * 700_000 + "</body></html>")
    (tmp_path / "b_ok.html").write_text(
        "<html><body><article>" + f"<p>{STORY}</p>" * 3 + "</article></body></html>"
    )
    from newsbrief.inputs.readers import ReadOptions

    result = read_inputs([tmp_path], ReadOptions(limits=Limits(extract_seconds=1, file_mb=30)))
    assert [a.path for a in result.articles] == [str(tmp_path / "b_ok.html")]
    assert any("a_big.html: HTML extraction took longer than 1 s" in w for w in result.warnings)


def test_folders_links_and_names_are_never_silent(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(STORY)
    (folder / "loop").symlink_to(folder)
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    odd = folder / "evil\n# Heading \x1b[31mred.txt"
    odd.write_text(STORY.replace("Officials", "Council officials"))
    result = run("brief", folder)
    assert "loop: a link that loops back" in result.stderr
    assert "rejected " in result.stderr and "gone.txt: a broken link" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert "\n# Heading" not in result.stdout
    assert "evil\\n# Heading \\x1b[31mred.txt" in result.stdout + result.stderr


def test_an_unreadable_folder_is_named(tmp_path: Path) -> None:
    """Run as an unprivileged user when the tests run as root (root reads every folder)."""
    top = Path(os.environ.get("TMPDIR", "/tmp")) / f"newsbrief-perm-{os.getpid()}"
    try:
        (top / "inside" / "locked").mkdir(parents=True)
        (top / "inside" / "story.txt").write_text(STORY)
        (top / "inside" / "locked" / "hidden.txt").write_text(STORY)
        top.chmod(0o755)
        (top / "inside").chmod(0o755)
        (top / "inside" / "story.txt").chmod(0o644)
        (top / "inside" / "locked").chmod(0o000)
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "newsbrief", "brief", str(top / "inside"), str(top / "inside" / "locked")],
            capture_output=True, text=True, timeout=120, env={**ENV, "HOME": str(top)}, cwd=top,
        )
        assert result.returncode == 3, result.stderr
        assert result.stderr.count("locked: cannot read the folder") == 2
        assert "folder is empty" not in result.stderr
    finally:
        (top / "inside" / "locked").chmod(0o755)
        shutil.rmtree(top)


def test_closed_streams_signals_and_damage_end_in_one_line(tmp_path: Path) -> None:
    closed_in = run("brief", "-", stdin=subprocess.DEVNULL, preexec_fn=lambda: os.close(0))
    assert closed_in.stderr.strip() == "Error: standard input is closed (nothing to read for -)"
    closed_out = run("brief", BRIDGE, stdout=None, preexec_fn=lambda: os.close(1))
    assert closed_out.returncode == 2 and closed_out.stderr.strip().startswith("Error: standard output is closed")
    (tmp_path / "empty.txt").write_text("")
    no_err = run("brief", BRIDGE, tmp_path / "empty.txt", "--format", "json", stderr=None,
                 preexec_fn=lambda: os.close(2))
    assert json.loads(no_err.stdout)["schema_version"]
    assert run("--config", "/dev/zero", "brief", BRIDGE).stderr.strip().endswith("not a settings file")
    story = run("brief", "--story", str(2**70), "--db", tmp_path / "s.sqlite")
    assert story.returncode == 2 and "no such id" in story.stderr and "Traceback" not in story.stderr
    db = tmp_path / "flipped.sqlite"
    ingest([BRIDGE], db, workers=1)
    data = bytearray(db.read_bytes())
    for offset in range(4096, len(data), 997):
        data[offset] ^= 0xFF
    db.write_bytes(bytes(data))
    for args in (("stories",), ("brief", "--story", "1")):
        damaged = run(*args, "--db", db)
        assert damaged.returncode in (1, 2) and "Traceback" not in damaged.stderr
        assert len(damaged.stderr.strip().splitlines()) == 1 and damaged.stderr.startswith("Error: ")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    try:
        return ") Z " not in Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_ingest_workers_die_with_their_parent(tmp_path: Path, multinews_val: Path, sig: int) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "newsbrief", "ingest", str(multinews_val), "--db", str(tmp_path / "s.sqlite"), "-q"],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = _children(child.pid)
    assert len(workers) >= 2, "the ingest started no workers"
    child.send_signal(sig)
    _, err = child.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    assert [w for w in workers if _running(w)] == []
    if sig == signal.SIGTERM:
        assert child.returncode == 143 and err.strip().splitlines()[-1] == "Terminated"
        with sqlite3.connect(tmp_path / "s.sqlite") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

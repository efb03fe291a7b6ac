"""Hostile-input benchmark (issue 14): thousands of fuzzed inputs through brief and ingest, gzip bombs,
kills of a running ingest, and concurrent ingests into one store. Prints one table per part.

    python benchmarks/fuzz_bench.py [--pages 4000] [--kills 10] [--seed 0]

Fuzzed HTML pages (random tags, entities, NULs, text, and byte-flipped real pages) and JSON lines go in
folders of 100 beside the example articles; each folder is briefed and ingested (library calls). A run
"stopped by one input" is one that raised anything; every input must be counted as read, skipped or
rejected. Bombs run as `newsbrief brief` and `newsbrief ingest` processes: seconds and peak memory
(``ru_maxrss`` from ``wait4``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_corpus import STORY, WARC_HEAD  # noqa: E402

from newsbrief.briefing.pipeline import brief  # noqa: E402
from newsbrief.errors import InputError  # noqa: E402
from newsbrief.stream.ingest import ingest  # noqa: E402

BRIDGE = ROOT / "examples" / "bridge"
MULTINEWS = ROOT.parent / "shared" / "data" / "multinews" / "val.jsonl"
STREAM = ROOT.parent / "shared" / "data" / "streams" / "dev2019.jsonl"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
TAGS = ["<!html>", "<svg >", "<html>", "<body>", "<article>", "</article>", "<p>", "</p>", "<div>", "</div>",
        "<script>", "</script>", "<!--", "-->", "<title>", "</title>", "<meta charset='x'>", "<math>", "<table>",
        "<![CDATA[", "&#0;", "&amp;", "<br/>", "<noscript>", "<template>", "\x00", "<svg><foreignObject>", "<?xml"]


def fuzzed_page(rng: random.Random) -> bytes:
    if rng.random() < 0.3:
        page = bytearray((BRIDGE / "01_harbor_herald.html").read_bytes())
        for _ in range(rng.randint(1, 30)):
            page[rng.randrange(len(page))] = rng.randrange(256)
        return bytes(page)
    parts = [rng.choice(TAGS) if rng.random() < 0.6 else rng.choice([STORY, "word " * rng.randint(1, 50), ""])
             for _ in range(rng.randint(0, 40))]
    return "".join(parts).encode("utf-8", "surrogatepass")


def fuzzed_line(rng: random.Random) -> str:
    values: list[object] = [None, True, 5, 1e308, "", "x", [], {}, STORY, "\ud800", 10**50, [[["deep"]]]]
    record = {key: rng.choice(values) for key in rng.sample(["text", "title", "id", "url", "published", "source"], 3)}
    line = json.dumps(record)
    if rng.random() < 0.2:
        line = line[: rng.randrange(len(line) + 1)]
    return line


def fuzz(pages: int, seed: int, work: Path) -> None:
    rng = random.Random(seed)
    runs = stopped = tracebacks = seen = inputs = 0
    started = time.perf_counter()
    for batch in range(0, pages, 100):
        folder = work / f"fuzz{batch}"
        shutil.copytree(BRIDGE, folder)
        for i in range(min(100, pages - batch)):
            (folder / f"page{i:03d}.html").write_bytes(fuzzed_page(rng))
        lines = [fuzzed_line(rng) for _ in range(20)]
        (folder / "lines.jsonl").write_text("\n".join(lines) + "\n")
        inputs += min(100, pages - batch) + len(list(BRIDGE.iterdir())) + sum(1 for line in lines if line.strip())
        for run in ("brief", "ingest"):
            runs += 1
            try:
                if run == "brief":
                    brief([folder], words=80, facts=False)
                else:
                    seen += ingest([folder], work / f"fuzz{batch}.sqlite", workers=1).seen
            except InputError:
                stopped += 1
            except Exception:
                stopped += 1
                tracebacks += 1
                traceback.print_exc()
        shutil.rmtree(folder)
    print("| fuzzed inputs | brief + ingest runs | runs stopped by one input | tracebacks | seconds |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(f"| {pages} HTML pages + {pages // 5} JSON lines | {runs} | {stopped} | {tracebacks} | "
          f"{time.perf_counter() - started:.0f} |")
    print(f"\ninputs given to ingest (pages, example articles, non-blank JSON lines): {inputs}; "
          f"counted by its reports as added, copies, unchanged, skipped or rejected: {seen}\n")


def gzip_file(path: Path, head: bytes, unit: bytes, repeats: int) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    with path.open("wb") as out:
        out.write(compressor.compress(head))
        for _ in range(repeats):
            out.write(compressor.compress(unit))
        out.write(compressor.flush())


READ_ONLY = """
import sys
from pathlib import Path
from newsbrief.inputs.warc import iter_warc
warnings = []
list(iter_warc(Path(sys.argv[1]), warnings))
print(*warnings, sep="\\n", file=sys.stderr)
"""


def run_measured(args: list[str], timeout: float = 300) -> tuple[float, float, int, str]:
    """Seconds, peak memory (MB) and exit code of one newsbrief process, and its last line of stderr
    (``read`` runs the WARC reader alone: the time to reject)."""
    started = time.monotonic()
    err_path = Path(tempfile.mkstemp()[1])
    command = [sys.executable, "-c", READ_ONLY, args[1]] if args[0] == "read" else [
        sys.executable, "-m", "newsbrief", *args]
    with err_path.open("w") as err:
        child = subprocess.Popen(command, env=ENV, stdout=subprocess.DEVNULL, stderr=err)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
    last = (err_path.read_text().strip().splitlines() or [""])[-1]
    err_path.unlink()
    return time.monotonic() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), last


def bombs(work: Path) -> None:
    gib = 1 << 30
    mib = 1 << 20
    made = {
        "header block (2 GB)": (WARC_HEAD, b"X-A: b\r\n" * 131072, 2 * gib // (8 * 131072)),
        "endless line (2 GB)": (WARC_HEAD + b"X-A: ", b"a" * mib, 2 * gib // mib),
        "plain zeros (2 GB)": (b"", b"\0" * mib, 2 * gib // mib),
        "short lines in a 4 GB record": (
            b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: http://x.example/\r\n"
            b"Content-Type: text/plain\r\nContent-Length: 4294967296\r\n\r\n",
            b"aaaa\r\n\r\n" * 131072, 4 * gib // (8 * 131072),
        ),
    }
    print("read: the WARC reader alone (the time to reject); brief: the bomb beside the example articles; "
          "ingest: the bomb alone (a new store, worker processes)\n")
    print("| bomb (.warc.gz) | size | command | seconds | peak MB | exit | last line |")
    print("| --- | ---: | --- | ---: | ---: | ---: | --- |")
    for name, (head, unit, repeats) in made.items():
        path = work / "bomb.warc.gz"
        gzip_file(path, head, unit, repeats)
        commands = (["read", str(path)], ["brief", str(path), str(BRIDGE)],
                    ["ingest", str(path), "--db", str(work / "b.sqlite"), "-q"])
        for command in commands:
            seconds, peak, code, last = run_measured(command)
            print(f"| {name} | {path.stat().st_size / 1e6:.1f} MB | {command[0]} | {seconds:.1f} | {peak:.0f} | "
                  f"{code} | {last[:90]} |")
    print()


def _workers_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        return ") Z " not in Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False


def kills(count: int, seed: int, work: Path) -> None:
    rng = random.Random(seed)
    db = work / "kill.sqlite"
    left = integrity = 0
    for i in range(count):
        sig = signal.SIGKILL if i % 2 == 0 else signal.SIGTERM
        child = subprocess.Popen([sys.executable, "-m", "newsbrief", "ingest", str(MULTINEWS), "--db", str(db), "-q"],
                                 env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(3, 12))
        workers = _workers_of(child.pid)
        child.send_signal(sig)
        child.wait(timeout=60)
        time.sleep(5)
        left += sum(1 for w in workers if _alive(w))
        with sqlite3.connect(db) as conn:
            integrity += conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rerun = ingest([MULTINEWS], db)
    clean = ingest([MULTINEWS], work / "clean.sqlite")
    with sqlite3.connect(db) as a, sqlite3.connect(work / "clean.sqlite") as b:
        stored = a.execute("SELECT count(*) FROM articles").fetchone()[0]
        expected = b.execute("SELECT count(*) FROM articles").fetchone()[0]
    print("| kills (SIGKILL, SIGTERM alternating) | workers alive 5 s after | integrity ok | articles after rerun | "
          "clean ingest |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print(f"| {count} | {left} | {integrity} of {count} | {stored} (rerun added {rerun.added}) | {expected} |\n")
    del clean


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {}
        for table in tables:
            cols = ", ".join(r[1] for r in conn.execute(f"PRAGMA table_info({table})") if not r[1].endswith("_at"))
            out[table] = conn.execute(f"SELECT {cols} FROM {table} ORDER BY {cols}").fetchall()
    return out


def concurrency(work: Path) -> None:
    lines = STREAM.read_text(encoding="utf-8").splitlines()
    print("| writers | tracebacks | reader errors | same store as one process | articles | events | terms |")
    print("| ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    for writers in (4, 8):
        parts = []
        for i in range(writers):
            part = work / f"w{writers}-part{i}.jsonl"
            part.write_text("\n".join(lines[i::writers]) + "\n")
            parts.append(part)
        db = work / f"w{writers}" / "store.sqlite"
        children = [subprocess.Popen([sys.executable, "-m", "newsbrief", "ingest", str(p), "--db", str(db), "-q"],
                                     env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                    for p in parts]
        reader_errors = 0
        while any(c.poll() is None for c in children):
            if db.exists():
                code = subprocess.run([sys.executable, "-m", "newsbrief", "stories", "--db", str(db)], env=ENV,
                                      capture_output=True, text=True).returncode
                reader_errors += code != 0
        tracebacks = sum("Traceback" in c.communicate()[1] for c in children)
        with sqlite3.connect(db) as conn:
            first = {p: conn.execute("SELECT min(id) FROM articles WHERE path LIKE ?", (f"{p}%",)).fetchone()[0]
                     for p in map(str, parts)}
        alone = work / f"alone{writers}.sqlite"
        for part in sorted(parts, key=lambda p: first[str(p)]):
            ingest([part], alone, workers=1)
        a, b = _dump(db), _dump(alone)
        print(f"| {writers} | {tracebacks} | {reader_errors} | {'yes' if a == b else 'NO'} | {len(a['articles'])} | "
              f"{len(a['stories'])} | {len(a['term_df'])} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=4000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("fuzz", "bombs", "kills", "concurrency"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        parts = {"fuzz": lambda: fuzz(args.pages, args.seed, work), "bombs": lambda: bombs(work),
                 "kills": lambda: kills(args.kills, args.seed, work), "concurrency": lambda: concurrency(work)}
        for name, part in parts.items():
            if args.only in (None, name):
                part()


if __name__ == "__main__":
    main()

"""Server time of the web app's pages over a large store (issue 15).

    python benchmarks/bench_web.py                          # builds a 100,000-article store first
    python benchmarks/bench_web.py --db STORE.sqlite        # an existing store (built if missing)
    python benchmarks/bench_web.py --size 10000 --runs 50

Starts a real `newsbrief serve` on 127.0.0.1 and times full responses over the loopback (request sent to
last byte read) from one client, one request at a time: the storylines page (default view and a word
search), the event pages listed on it (each opened once with its brief not yet made, then again), and
the storyline pages, on a server started with ``--no-prebrief``; then the same event pages on a server
started as users start it, once it has briefed the most active events ahead. Prints a markdown table
of median and 95th percentile. Targets (p95): storylines page under 200 ms, event page under 300 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "storylines": 200.0,
    "storylines search": 200.0,
    "event, brief made on request": 300.0,
    "event, brief made ahead (default)": 300.0,
}
"""Page kinds with a target; the others are printed for information."""


def build_store(db: Path, size: int) -> None:
    """A store of ``size`` generated articles (`make_stream.py`), ingested with the CLI."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / "stream.jsonl"
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "make_stream.py"), str(stream), "--size", str(size)],
            check=True,
            env=env,
        )
        subprocess.run(
            [sys.executable, "-m", "newsbrief", "ingest", str(stream), "--db", str(db), "-q"], check=True, env=env
        )


def timed(client: httpx.Client, path: str) -> float:
    """Milliseconds to the full response; a request over the client's timeout counts as that timeout."""
    started = time.perf_counter()
    try:
        response = client.get(path)
    except httpx.TimeoutException:
        print(f"timed out: {path}", file=sys.stderr)
        return float(client.timeout.read or 0) * 1000
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


@contextlib.contextmanager
def served(db: Path, timeout: float, *flags: str) -> Iterator[httpx.Client]:
    """A client of `newsbrief serve` over ``db`` on a free port of 127.0.0.1, stopped on exit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "newsbrief", "serve", "--db", str(db), "--port", "0", *flags],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stderr is not None
        url = re.search(r"at (http://\S+/)", server.stderr.readline()).group(1)  # type: ignore[union-attr]
        threading.Thread(target=server.stderr.read, daemon=True).start()  # its warnings never fill the pipe
        with httpx.Client(base_url=url, timeout=timeout) as client:
            yield client
    finally:
        server.terminate()
        server.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="the store to serve (built from a generated stream if missing)")
    parser.add_argument("--size", type=int, default=100_000, help="articles in a built store")
    parser.add_argument("--runs", type=int, default=30, help="requests per page kind")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a request counts as timed out")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "store.sqlite"
    if not db.is_file():
        build_store(db, args.size)
    with served(db, args.timeout, "--no-prebrief") as client:
        first = client.get("/").text
        lines = [int(n) for n in re.findall(r'<h2><a href="/storyline/(\d+)">', first)]
        events = [int(n) for n in re.findall(r'<li><a href="/event/(\d+)">', first)]
        word = re.search(r'<h2><a href="/storyline/\d+">[^<]*?\b([A-Za-z]{6,})\b', first)
        if not lines or not events:
            raise SystemExit(f"the store at {db} has no storylines to time")
        times = {
            "storylines": [timed(client, "/") for _ in range(args.runs)],
            "storylines search": [timed(client, f"/?q={word.group(1) if word else 'the'}") for _ in range(args.runs)],
            "event, brief made on request": [timed(client, f"/event/{n}") for n in events[: args.runs]],
            "event again (brief kept)": [timed(client, f"/event/{n}") for n in events[: args.runs]],
            "storyline": [timed(client, f"/storyline/{n}") for n in lines[: args.runs]],
        }
    with served(db, args.timeout) as client:
        started = time.perf_counter()
        while not client.get("/api/state").json()["briefed"]:
            time.sleep(0.5)
        ahead = time.perf_counter() - started
        times["event, brief made ahead (default)"] = [timed(client, f"/event/{n}") for n in events[: args.runs]]
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        articles, storylines = conn.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM storylines WHERE merged_into IS NULL)"
        ).fetchone()
    print(f"store: {db} ({articles} articles, {storylines} storylines); one request at a time")
    print(f"the server briefed the most active events ahead in {ahead:.0f} s after it started\n")
    print("| page | requests | median ms | p95 ms | target ms | met |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, values in times.items():
        median, p95 = statistics.median(values), percentile(values, 0.95)
        target = TARGETS.get(name)
        goal = f"< {target:.0f}" if target else "-"
        met = ("yes" if p95 < target else "no") if target else "-"
        print(f"| {name} | {len(values)} | {median:.0f} | {p95:.0f} | {goal} | {met} |")


if __name__ == "__main__":
    main()

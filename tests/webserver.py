"""A real `newsbrief serve` on 127.0.0.1 for the web tests: started as a user would, address read from
what it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[str]
    db: Path

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory so far (VmHWM)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def newsbrief(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI with this checkout's source first on the path."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "newsbrief", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd,
        timeout=600,
    )


@contextmanager
def serving(db: Path, cwd: Path, *options: str) -> Iterator[Server]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "newsbrief", "serve", "--db", str(db), "--port", "0", *options],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=cwd,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"at (http://[\d.]+:\d+/\S*)", line)
        if not match:
            raise RuntimeError(f"newsbrief serve did not start: {line}{process.stderr.read()}")
        yield Server(match.group(1), process, db)
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_for(condition, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {timeout} s")

"""Time per cluster over the Multi-News validation clusters, and the README's example command.

    python benchmarks/speed.py [--data ../shared/data/multinews/val.jsonl] [--runs 5]

Prints a Markdown table: median and p95 milliseconds per cluster for the brief alone and with
each optional section (after start-up: one untimed pass over all clusters imports and warms everything),
and the wall time of `newsbrief brief examples/bridge` in a fresh process, start-up included.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from newsbrief.briefing.pipeline import BriefOptions, assemble, prepare_articles
from newsbrief.inputs.datasets import load_clusters

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "multinews" / "val.jsonl"

CONFIGS = {
    "brief (no facts, no timeline)": BriefOptions(words=230, facts=False, timeline=False),
    "brief + timeline": BriefOptions(words=230, facts=False, timeline=True),
    "brief + facts": BriefOptions(words=230, facts=True, timeline=False),
    "brief + facts + timeline (default)": BriefOptions(words=230),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_clusters(clusters: list, options: BriefOptions) -> list[float]:
    times = []
    for cluster in clusters:
        start = time.perf_counter()
        assemble(prepare_articles(cluster.articles, options), options)
        times.append((time.perf_counter() - start) * 1000)
    return times


def time_example(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "newsbrief", "brief", str(ROOT / "examples" / "bridge")],
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5, help="runs of the example command")
    args = parser.parse_args()
    clusters, _ = load_clusters(args.data)
    print(f"{len(clusters)} clusters from {args.data.name}, 230-word briefs\n")
    time_clusters(clusters, CONFIGS["brief + facts + timeline (default)"])  # warm-up pass, not reported
    print("| pipeline | median ms/cluster | p95 ms/cluster |")
    print("| --- | ---: | ---: |")
    for name, options in CONFIGS.items():
        times = time_clusters(clusters, options)
        print(f"| {name} | {statistics.median(times):.1f} | {percentile(times, 0.95):.1f} |")
    example = time_example(args.runs)
    print(f"\n| `newsbrief brief examples/bridge` (fresh process, {args.runs} runs) | median s | max s |")
    print("| --- | ---: | ---: |")
    print(f"| wall time including start-up | {statistics.median(example):.2f} | {max(example):.2f} |")


if __name__ == "__main__":
    main()

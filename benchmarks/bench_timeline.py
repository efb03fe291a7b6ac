"""Cost of dating documents and building the timeline, per cluster, on the MultiNews validation set.

    python benchmarks/bench_timeline.py [--limit N] [--data PATH]

Prints a table: median / p95 / max milliseconds per cluster for
- dating: `document_date` for every document of the cluster (what the cleaner adds),
- timeline: `build_timeline(docs, groups)` (cluster dating, events, dated entries),
and how many clusters report several events, how many documents got a date and how many entries.
Documents and claim groups come from the lead's pipeline (`prepare_articles`) and are not timed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from newsbrief.briefing.pipeline import BriefOptions, prepare_articles
from newsbrief.model import Article
from newsbrief.timeline.dates import document_date
from newsbrief.timeline.events import build_timeline

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "multinews" / "val.jsonl"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: no such file: {args.data}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    dating: list[float] = []
    timeline: list[float] = []
    multi = dated = total_docs = entries = skipped = 0
    options = BriefOptions()
    for row in rows:
        articles = [Article(text=t, id=f"{row['id']}-{k}") for k, t in enumerate(row["documents"]) if t.strip()]
        try:
            prepared = prepare_articles(articles, options)
        except Exception as err:  # a cluster the pipeline refuses is not the timeline's cost
            skipped += 1
            print(f"skipped {row['id']}: {err}", file=sys.stderr)
            continue
        docs, groups = prepared.docs, prepared.groups
        start = time.perf_counter()
        for d in docs:
            document_date(d.article, d.text)
        dating.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        tl = build_timeline(docs, groups)
        timeline.append((time.perf_counter() - start) * 1000)
        multi += len(tl.events) > 1
        dated += sum(d is not None for d in tl.doc_dates)
        total_docs += len(docs)
        entries += len(tl.entries)
    both = [a + b for a, b in zip(dating, timeline, strict=True)]
    print(f"{len(timeline)} clusters ({skipped} skipped), {total_docs} kept documents\n")
    print(f"| {'part':<22} | {'median ms':>9} | {'p95 ms':>7} | {'max ms':>7} |")
    print(f"|{'-' * 24}|{'-' * 11}|{'-' * 9}|{'-' * 9}|")
    for name, values in (("dating (per cluster)", dating), ("timeline", timeline), ("dating + timeline", both)):
        print(f"| {name:<22} | {statistics.median(values):9.2f} | {percentile(values, 0.95):7.2f} "
              f"| {max(values):7.2f} |")
    print(f"\ndocuments with a writing date: {dated}/{total_docs}; timeline entries: {entries} "
          f"({entries / max(1, len(timeline)):.1f} per cluster); clusters with several events: {multi}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

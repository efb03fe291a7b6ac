"""Cost of the facts sections per Multi-News validation cluster, for each NER back-end.

Run: python benchmarks/bench_facts.py [--limit N]
Prints median and p95 milliseconds per cluster for: entity mentions alone (per back-end) and the
whole `extract_facts` (per back-end). Documents are built with `clean_article` when it imports,
else by sentence splitting the raw text; building them is not timed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from newsbrief.facts import extract_facts
from newsbrief.facts.ner import find_mentions, spacy_available
from newsbrief.model import Article, Document
from newsbrief.sentences import split_sentences

VAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "multinews" / "val.jsonl"


def build_docs(texts: Sequence[str]) -> list[Document]:
    try:
        from newsbrief.briefing.clean import clean_article

        return [clean_article(Article(text=t), doc=i) for i, t in enumerate(texts)]
    except ImportError:
        return [
            Document(
                id=str(i), article=Article(text=t), title="", text=t, sentences=split_sentences(t, doc=i)
            )
            for i, t in enumerate(texts)
        ]


def _time(clusters: list[list[Document]], fn: Callable[[list[Document]], object]) -> list[float]:
    out = []
    for docs in clusters:
        start = time.perf_counter()
        fn(docs)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=250)
    args = parser.parse_args()
    rows = [json.loads(line) for line in VAL.read_text(encoding="utf-8").splitlines()[: args.limit]]
    clusters = [build_docs(r["documents"]) for r in rows]
    backends = ["rules"] + (["spacy"] if spacy_available() else [])
    if "spacy" in backends:
        extract_facts(clusters[0], ner="spacy")  # load the model before timing
    print(f"{len(clusters)} clusters; back-ends: {', '.join(backends)}")
    print(f"{'what':<34} {'median ms':>10} {'p95 ms':>10}")
    for backend in backends:
        for label, fn in (
            (f"NER mentions ({backend})", lambda docs, b=backend: find_mentions(docs, b)),
            (f"extract_facts ({backend})", lambda docs, b=backend: extract_facts(docs, ner=b)),
        ):
            times = sorted(_time(clusters, fn))
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(f"{label:<34} {statistics.median(times):>10.1f} {p95:>10.1f}")
    if not spacy_available():
        print("spaCy not installed (pip install 'newsbrief[ner]'): its rows are left out")


if __name__ == "__main__":
    main()

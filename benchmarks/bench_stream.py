"""Events, storylines and syndicated copies from a stream (issues 6, 12): quality and scaling.

    python benchmarks/bench_stream.py dev2019               # events and storylines of the real 2019 stream
    python benchmarks/bench_stream.py quality               # B-cubed of stories, duplicate P/R/F1
    python benchmarks/bench_stream.py quality --on-topic    # the same without the pages a brief drops
    python benchmarks/bench_stream.py scale 1000 10000 100000 [--workers 2]

Dev2019 ingests `../shared/data/streams/dev2019.jsonl` (real pages, two levels of labels) into a fresh
store and prints event and storyline B-cubed and copy pairs (`newsbrief.stream.evaluate`) on the
tuning half of its storylines (even positions in alphabetical order: the ones the parameters were
chosen on), on the held-out half (odd positions) and on all.

Quality ingests the labelled stream of `make_stream.py` into a fresh store and compares the store's
stories and duplicate links with the labels. Scaling ingests generated streams of each size into a
fresh store, each in its own process, and reports articles per second, peak memory (maximum resident
set of the ingesting process and of its largest worker) and the time per article over the first and
the last tenth of the stream. Prints markdown tables.

With ``--on-topic`` the labelled stream leaves out the documents that the brief itself drops from their
cluster as off-topic (`newsbrief.relevance.filter_documents`: research abstracts, site pages, other
news): what is left is what a reader would call the story, so its B-cubed tells how much of the gap
is such pages.

Quality also scores the stories against labels adjudicated by readers (`stories_adjudicated.json`): the
same stream, with the clusters that are round-ups of different events split into their stories and
clusters that report one ongoing story joined (how the file was made is written in it).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_stream  # noqa: E402

from newsbrief.stream.ingest import ingest  # noqa: E402

ADJUDICATED = Path(__file__).resolve().parent / "stories_adjudicated.json"


def bcubed(truth: dict[str, str], predicted: dict[str, object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering over the items of ``predicted``."""
    return bcubed_part(truth, predicted, {truth[item] for item in predicted})


def bcubed_part(
    truth: dict[str, str], predicted: dict[str, object], part: set[str]
) -> tuple[float, float, float]:
    """B-cubed averaged over the items of true stories in ``part``, against the whole clustering (an
    item of another part in the same predicted story still costs precision)."""
    by_truth: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[object, set[str]] = defaultdict(set)
    for item in predicted:
        by_truth[truth[item]].add(item)
        by_pred[predicted[item]].add(item)
    items = [i for i in predicted if truth[i] in part]
    p = sum(len(by_pred[predicted[i]] & by_truth[truth[i]]) / len(by_pred[predicted[i]]) for i in items)
    r = sum(len(by_pred[predicted[i]] & by_truth[truth[i]]) / len(by_truth[truth[i]]) for i in items)
    p, r = p / len(items), r / len(items)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def pair_scores(
    truth_groups: dict[str, str], predicted_groups: dict[str, str]
) -> tuple[float, float, float, int, int]:
    """Precision, recall, F1 over pairs of articles put in one syndicated group."""

    def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for item, group in groups.items():
            members[group].append(item)
        return {tuple(sorted(p)) for m in members.values() for p in itertools.combinations(m, 2)}  # type: ignore[misc]

    t, p = pairs(truth_groups), pairs(predicted_groups)
    precision = len(t & p) / len(p) if p else 1.0
    recall = len(t & p) / len(t) if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(t), len(p)


def adjudicated(truth: dict[str, str]) -> tuple[dict[str, str], str]:
    """Readers' story labels (`ADJUDICATED`) for articles labelled with their cluster, and a note of
    what they change. Article ids are ``<cluster>-<document>[-copy<n>]``."""
    data = json.loads(ADJUDICATED.read_text(encoding="utf-8"))
    joined = {unit: pair["units"][0] for pair in data["joined"] for unit in pair["units"][1:]}
    out = {}
    for item, story in truth.items():
        doc = int(item[len(story) + 1 :].split("-")[0])
        groups = data["split"].get(story, {}).get("stories", [])
        unit = f"{story}/{next((g for g, docs in enumerate(groups) if doc in docs), 0)}"
        out[item] = joined.get(unit, unit)
    pairs = len(data["joined"])
    note = f"{len(data['split'])} of {data['clusters_read']} clusters split, {pairs} pair{'s' * (pairs != 1)} joined"
    return out, note


def quality(seed: int, workers: int | None, on_topic: bool = False) -> None:
    clusters, dropped = make_stream.load_clusters(on_topic=on_topic)
    records = make_stream.labelled_stream(clusters, seed)
    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / "stream.jsonl"
        stream.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        started = time.perf_counter()
        report = ingest([stream], Path(tmp) / "store.sqlite", workers=workers)
        seconds = time.perf_counter() - started
        conn = sqlite3.connect(Path(tmp) / "store.sqlite")
        story_of = dict(
            conn.execute(
                "SELECT a.ext_id, m.story_id FROM articles a JOIN memberships m ON m.article_id = a.id"
            )
        )
        original_of = dict(
            conn.execute(
                "SELECT a.ext_id, o.ext_id FROM duplicates d JOIN articles a ON a.id = d.article_id"
                " JOIN articles o ON o.id = d.original_id"
            )
        )
        conn.close()
    labels = {str(r["id"]): r for r in records}
    truth_story = {i: str(r["story"]) for i, r in labels.items()}

    def root(i: str) -> str:
        while labels[i]["copy_of"]:
            i = str(labels[i]["copy_of"])
        return i

    truth_copy = {i: root(i) for i in story_of}
    pred_copy = {i: original_of.get(i, i) for i in story_of}
    p, r, f = bcubed(truth_story, story_of)
    originals = {i: s for i, s in story_of.items() if i not in original_of}
    po, ro, fo = bcubed(truth_story, originals)
    dp, dr, df, n_true, n_pred = pair_scores(truth_copy, pred_copy)
    stories = len(set(story_of.values()))
    print(
        f"Labelled stream: {len(records)} articles of {len(clusters)} stories ({dropped} "
        f"{'boilerplate or off-topic' if on_topic else 'boilerplate'} documents of the validation set left out),"
        f" {sum(1 for x in records if x['copy_of'])} labelled copies;"
        f" ingested in {seconds:.1f} s; {report.rejected} rejected"
        f" ({', '.join(f'{n} {k}' for k, n in report.reasons.items())}).\n"
    )
    print("| measure | precision | recall | F1 |")
    print("|---|---:|---:|---:|")
    print(
        f"| stories, B-cubed, all {len(story_of)} stored articles ({stories} stories found, {len(clusters)} true)"
        f" | {p:.3f} | {r:.3f} | {f:.3f} |"
    )
    _halves(truth_story, story_of, "")
    if not on_topic:
        readers, note = adjudicated(truth_story)
        ap, ar, af = bcubed(readers, story_of)
        print(f"| stories, B-cubed, readers' labels ({note}) | {ap:.3f} | {ar:.3f} | {af:.3f} |")
        _halves(readers, story_of, "readers' labels, ")
    print(
        f"| stories, B-cubed, {len(originals)} articles that are not copies | {po:.3f} | {ro:.3f} | {fo:.3f} |"
    )
    print(
        f"| syndicated copies, pairs in one group ({n_true} true pairs, {n_pred} found) | {dp:.3f} | {dr:.3f} |"
        f" {df:.3f} |"
    )


def _halves(truth: dict[str, str], story_of: dict[str, object], labels: str) -> None:
    """Rows for the tuning half (even cluster numbers) and the held-out half (odd)."""
    for name, parity in (
        ("tuning half (even cluster numbers)", 0),
        ("held-out half (odd cluster numbers)", 1),
    ):
        part = {t for t in truth.values() if int(t.split("/")[0].rsplit("-", 1)[1]) % 2 == parity}
        hp, hr, hf = bcubed_part(truth, story_of, part)
        print(f"| stories, B-cubed, {labels}{name} | {hp:.3f} | {hr:.3f} | {hf:.3f} |")


DEV2019 = Path(__file__).resolve().parents[2] / "shared" / "data" / "streams" / "dev2019.jsonl"


def dev2019(workers: int | None) -> None:
    from newsbrief.stream import evaluate

    fields = evaluate.LabelFields()
    records = evaluate.read_labels(DEV2019, fields)
    lines = sorted({str(r["storyline"]) for r in records})
    halves = {"tuning half": set(lines[0::2]), "held-out half": set(lines[1::2]), "all": None}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.sqlite"
        started = time.perf_counter()
        report = ingest([DEV2019], db, workers=workers)
        seconds = time.perf_counter() - started
        grouping = evaluate.store_grouping(db)
    print(
        f"{DEV2019.name}: {len(records)} articles, {len(lines)} storylines,"
        f" {len({r['event'] for r in records})} events, {sum(1 for r in records if r['copy_of'])} copies;"
        f" ingested in {seconds:.1f} s, {report.rejected} rejected; found {len(set(grouping.event.values()))}"
        f" events in {len(set(grouping.storyline.values()))} storylines.\n"
    )
    print(f"Tuning half: {', '.join(lines[0::2])}.  Held-out half: {', '.join(lines[1::2])}.\n")
    print(
        "| part | articles | event P | event R | event F1 | storyline P | storyline R | storyline F1 |"
        " copies P | copies R |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, part in halves.items():
        s = evaluate.score_grouping(records, grouping, fields, part)
        e, line, c = s.levels["event"], s.levels["storyline"], s.copies
        assert c is not None
        print(
            f"| {name} | {s.articles} | {e.precision:.3f} | {e.recall:.3f} | {e.f1:.3f} | {line.precision:.3f} |"
            f" {line.recall:.3f} | {line.f1:.3f} | {c.precision:.3f} | {c.recall:.3f} |"
        )


def _cpu() -> float:
    """CPU seconds used by this process and its finished workers (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def scale_one(size: int, workers: int | None, keep: Path | None) -> dict[str, object]:
    """Ingest a generated stream of ``size`` articles into a fresh store; measures of this process."""
    clusters, _ = make_stream.load_clusters()
    with tempfile.TemporaryDirectory(dir=keep) as tmp:
        stream = Path(tmp) / "stream.jsonl"
        with stream.open("w", encoding="utf-8") as out:
            for record in make_stream.scale_stream(clusters, size):
                out.write(json.dumps(record) + "\n")
        db = Path(tmp) / "store.sqlite"
        cpu_before = _cpu()
        started = time.perf_counter()
        report = ingest([stream], db, workers=workers)
        seconds = time.perf_counter() - started
        cpu = _cpu() - cpu_before
        db_mb = db.stat().st_size / 1e6
    timings = report.timings
    tenth = max(1, len(timings) // 10)

    def per_article(part: list[tuple[int, float]]) -> float:
        return 1000 * sum(s for _, s in part) / max(1, sum(n for n, _ in part))

    return {
        "size": size,
        "seconds": seconds,
        "rate": size / seconds,
        "rss_main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "first_ms": per_article(timings[:tenth]),
        "last_ms": per_article(timings[-tenth:]),
        "tenths_ms": [per_article(timings[k * tenth : (k + 1) * tenth]) for k in range(10)]
        if len(timings) >= 10
        else None,
        "cpu_ms": 1000 * cpu / size,
        "stories": report.new_stories,
        "copies": report.duplicates,
        "db_mb": db_mb,
    }


def scale(sizes: list[int], workers: int | None) -> None:
    print(
        "| articles | seconds | articles/s | CPU ms/article (all processes) | peak RSS main (MB) |"
        " peak RSS largest worker (MB) | ms/article first 10% | ms/article last 10% | stories | copies linked |"
        " store (MB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    tenths: list[str] = []
    for size in sizes:
        command = [sys.executable, __file__, "scale-one", str(size)]
        if workers is not None:
            command += ["--workers", str(workers)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"| {r['size']:,} | {r['seconds']:.0f} | {r['rate']:.0f} | {r['cpu_ms']:.2f} | {r['rss_main_mb']:.0f} |"
            f" {r['rss_worker_mb']:.0f} | {r['first_ms']:.2f} | {r['last_ms']:.2f} | {r['stories']:,} |"
            f" {r['copies']:,} | {r['db_mb']:.0f} |",
            flush=True,
        )
        if r["tenths_ms"]:
            tenths.append(f"| {r['size']:,} | " + " | ".join(f"{ms:.2f}" for ms in r["tenths_ms"]) + " |")
    if not tenths:
        return
    print("\nms/article in each tenth of the stream (wall time of its batches):\n")
    print("| articles | " + " | ".join(f"{k + 1}" for k in range(10)) + " |")
    print("|---:" * 11 + "|")
    print("\n".join(tenths))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["dev2019", "quality", "scale", "scale-one"])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--on-topic", action="store_true", help="quality: leave out what a brief drops as off-topic"
    )
    args = parser.parse_args(argv)
    if args.what == "dev2019":
        dev2019(args.workers)
    elif args.what == "quality":
        quality(args.seed, args.workers, args.on_topic)
    elif args.what == "scale":
        scale(args.sizes, args.workers)
    else:
        print(json.dumps(scale_one(args.sizes[0], args.workers, None)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build labelled article streams from the Multi-News validation clusters.

    python benchmarks/make_stream.py OUT.jsonl                 # the labelled stream (issue 6)
    python benchmarks/make_stream.py OUT.jsonl --size 100000   # a scaling stream of that many articles

Each output line is an article (``id``, ``url``, ``source``, ``published``, ``text``) with its labels:
``story`` (the cluster it came from, or a variant of it) and ``copy_of`` (the id of the article it
is a syndicated copy of, or null). Stories start on random days of a period and run for a few days,
so they overlap in time. Copies are made by light edits: a changed first line, an added byline, a few
words substituted, the last paragraph trimmed. Documents of the validation set whose text appears in
more than one cluster (crawl boilerplate such as the Internet Archive notice) belong to no story and
are left out; pairs inside a cluster that are already copies of one text (exact word 4-shingle
Jaccard >= 0.7) are labelled as copies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VAL = ROOT.parent / "shared" / "data" / "multinews" / "val.jsonl"
OUTLETS = [
    "dailyherald.example",
    "morningpost.example",
    "citywire.example",
    "globalnews.example",
    "the-ledger.example",
    "northstar.example",
    "valleytimes.example",
    "metroreport.example",
    "coastline.example",
    "capitolwatch.example",
    "eveningstar.example",
    "harborgazette.example",
    "plainsjournal.example",
    "riverside.example",
    "sunherald.example",
    "tribune24.example",
    "westend.example",
    "newsdesk.example",
    "frontpage.example",
    "dispatch.example",
]
BYLINES = [
    "By Staff and wire reports",
    "By Jane Holloway, Associated Writer",
    "From wire services",
    "By the Newsdesk team",
    "By Mark Ellison",
]
LEADS = ["UPDATED:", "BREAKING:", "Developing story:", "Published with permission:"]
SUBSTITUTES = {
    "said": "stated",
    "says": "states",
    "also": "additionally",
    "but": "however",
    "after": "following",
    "before": "prior to",
    "about": "regarding",
    "people": "individuals",
    "big": "large",
    "show": "indicate",
    "help": "assist",
    "start": "begin",
}
START = dt.date(2024, 1, 1)

_WORD_RE = re.compile(r"\w+")


def shingles(text: str, k: int = 4) -> set[str]:
    words = _WORD_RE.findall(text.lower())
    return {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def off_topic(docs: list[str]) -> set[int]:
    """Documents that newsbrief's brief would itself drop from their cluster: site notices, empty pages
    and off-topic pages (`newsbrief.relevance.filter_documents`); copies are kept."""
    from newsbrief.briefing.clean import clean_article
    from newsbrief.briefing.relevance import filter_documents
    from newsbrief.model import Article

    cleaned = [clean_article(Article(text=d, id=str(i)), doc=i) for i, d in enumerate(docs)]
    _, dropped, _ = filter_documents(cleaned)
    return {int(d.doc_id) for d in dropped if d.doc_id is not None and not d.reason.startswith("duplicate")}


def load_clusters(path: Path = VAL, on_topic: bool = False) -> tuple[list[tuple[str, list[str]]], int]:
    """Validation clusters without crawl boilerplate (text found in more than one cluster), and with
    ``on_topic`` also without the documents the brief would drop as not about the story."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for doc in row["documents"]:
            owners[" ".join(_WORD_RE.findall(doc.lower()))[:400]].add(row["id"])
    clusters, dropped = [], 0
    for row in rows:
        keep = [d for d in row["documents"] if len(owners[" ".join(_WORD_RE.findall(d.lower()))[:400]]) == 1]
        if on_topic:
            drop = off_topic(keep)
            keep = [d for i, d in enumerate(keep) if i not in drop]
        dropped += len(row["documents"]) - len(keep)
        if keep:
            clusters.append((row["id"], keep))
    return clusters, dropped


def light_edit(text: str, rng: random.Random) -> str:
    """A syndicated copy: changed first line, a byline, a few words substituted, last paragraph trimmed."""
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if rng.random() < 0.6 and paragraphs:
        paragraphs[0] = f"{rng.choice(LEADS)} {paragraphs[0]}"
    if rng.random() < 0.6:
        paragraphs.insert(0, rng.choice(BYLINES))
    if rng.random() < 0.5 and len(paragraphs) > 3:
        paragraphs.pop()
    body = "\n\n".join(paragraphs)
    changes = rng.randint(2, 6)
    for word, other in rng.sample(sorted(SUBSTITUTES.items()), len(SUBSTITUTES)):
        if changes == 0:
            break
        pattern = re.compile(rf"\b{word}\b")
        if pattern.search(body):
            body = pattern.sub(other, body, count=1)
            changes -= 1
    return body


def _url(outlet: str, day: dt.date, slug: str) -> str:
    return f"https://www.{outlet}/{day:%Y/%m/%d}/{slug}"


def story_records(
    story: str, docs: list[str], start: dt.date, rng: random.Random, copy_rate: float = 0.3
) -> list[dict[str, object]]:
    """The articles of one story: dated from ``start`` over a few days, with syndicated copies."""
    records: list[dict[str, object]] = []
    shingled = [shingles(d) for d in docs]
    originals: dict[int, str] = {}
    for i, text in enumerate(docs):
        day = start + dt.timedelta(days=min(int(rng.expovariate(0.7)), 10))
        article_id = f"{story}-{i}"
        copy_of = next((originals[j] for j in range(i) if jaccard(shingled[i], shingled[j]) >= 0.7), None)
        originals[i] = copy_of or article_id
        records.append(_record(article_id, rng.choice(OUTLETS), day, text, story, copy_of, rng))
        if copy_of is None and rng.random() < copy_rate:
            for c in range(rng.randint(1, 3)):
                copy_day = day + dt.timedelta(days=rng.randint(0, 1))
                records.append(
                    _record(
                        f"{article_id}-copy{c}",
                        rng.choice(OUTLETS),
                        copy_day,
                        light_edit(text, rng),
                        story,
                        article_id,
                        rng,
                    )
                )
    return records


def labelled_stream(
    clusters: list[tuple[str, list[str]]], seed: int = 6, days: int = 60
) -> list[dict[str, object]]:
    """The labelled stream: every kept document, dated, with syndicated copies, in arrival order."""
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    for story, docs in clusters:
        records.extend(story_records(story, docs, START + dt.timedelta(days=rng.randrange(days)), rng))
    records.sort(key=lambda r: (str(r["published"]), rng.random()))
    return records


def _record(
    article_id: str, outlet: str, day: dt.date, text: str, story: str, copy_of: str | None, rng: random.Random
) -> dict[str, object]:
    hour = rng.randrange(6, 22)
    return {
        "id": article_id,
        "url": _url(outlet, day, article_id),
        "source": outlet,
        "published": f"{day.isoformat()}T{hour:02d}:00:00Z",
        "text": text,
        "story": story,
        "copy_of": copy_of,
    }


def _variant(text: str, names: dict[str, str], rng: random.Random) -> str:
    """A different story from the same text: other names, a dropped paragraph, a changed figure."""
    paragraphs = [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    if len(paragraphs) > 4:
        del paragraphs[rng.randrange(1, len(paragraphs))]
    body = "\n\n".join(paragraphs)
    body = re.sub(r"\b[A-Z][a-z]{2,}\b", lambda m: names.get(m.group(0), m.group(0)), body)
    return re.sub(r"\b\d{2,}\b", lambda m: str(int(m.group(0)) + rng.randint(1, 9)), body, count=3)


def scale_stream(
    clusters: list[tuple[str, list[str]]], size: int, seed: int = 6
) -> Iterator[dict[str, object]]:
    """``size`` articles: variants of the validation stories (renamed people and places, trimmed and
    renumbered), about 40 new stories a day, each with copies at the labelled stream's rate."""
    rng = random.Random(seed)
    capitalised = sorted(
        {w for _, docs in clusters for d in docs for w in re.findall(r"\b[A-Z][a-z]{2,}\b", d)}
    )
    produced, started = 0, 0
    variant = 0
    while True:
        names = dict(zip(capitalised, rng.sample(capitalised, len(capitalised)), strict=True))
        batch: list[dict[str, object]] = []
        for story, docs in clusters:
            start = START + dt.timedelta(days=started // 40)
            started += 1
            texts = [_variant(d, names, rng) for d in docs] if variant else docs
            batch.extend(story_records(f"{story}-v{variant}", texts, start, rng))
        batch.sort(key=lambda r: str(r["published"]))
        for record in batch:
            if produced >= size:
                return
            yield record
            produced += 1
        variant += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=int, help="a scaling stream of this many articles")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--on-topic", action="store_true", help="leave out what the brief drops as off-topic")
    args = parser.parse_args(argv)
    clusters, dropped = load_clusters(on_topic=args.on_topic)
    records: Iterator[dict[str, object]] | list[dict[str, object]]
    records = (
        scale_stream(clusters, args.size, args.seed) if args.size else labelled_stream(clusters, args.seed)
    )
    count = 0
    with args.out.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
            count += 1
    print(f"wrote {count} articles to {args.out} ({dropped} documents left out)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A reader panel you can rerun, and the cheap automatic proxies of what it judges.

    python benchmarks/reader_panel.py proxies ../shared/data/multinews/val.jsonl
    python benchmarks/reader_panel.py make --out benchmarks/panel
    python benchmarks/reader_panel.py score benchmarks/panel/key.json benchmarks/panel/judge_*.json

``make`` writes blind side-by-side 150-word briefs (newsbrief, Lead, LexRank, in a random order per
cluster drawn with a fixed seed) for a fixed sample: 12 Multi-News validation clusters and 6 events
of the labelled stream, plus the key (which letter is which tool) in a separate file and the rubric
the judges follow. ``score`` reads the judges' JSON files and prints the panel table. ``proxies``
prints, in seconds, what can be counted without a reader on every cluster of a data set: briefs
whose first sentence leans on context it does not give, sentences that do, repeated-fact pairs,
and caption or junk lines. LexRank needs the ``bench`` extra (sumy).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from newsbrief.briefing.features import _JUNK, word_count
from newsbrief.briefing.pipeline import BriefOptions, brief
from newsbrief.briefing.standalone import dangling
from newsbrief.errors import InputError
from newsbrief.inputs.datasets import load_clusters
from newsbrief.model import Article
from newsbrief.text import content_terms

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rouge_bench import kept_documents, lead_ranking, sumy_ranking, take_budget  # noqa: E402

WORDS = 150
SEED = 13
MULTINEWS_SAMPLE = 12
STREAM_EVENTS = 6
SAME_FACT = 0.5  # stricter than the selector's 0.6: the proxy checks it from outside
_ENDINGS = (".", "!", "?", '"', "”", "'", "’")

RUBRIC = """\
You are a demanding news editor judging short news briefs. For each cluster below you see three
briefs (A, B, C) of the same set of news articles, each about 150 words, made by three different
tools; you do not know which tool made which, and must not guess it from style. Read all three,
then judge each brief on its own and rank the three.

For every brief give:
- "main_news_first": "yes" if its first sentence tells the main news of the cluster (who did what,
  and when or where) in one self-contained sentence; "partly" if it tells part of it or a
  preview/older state of it; "no" otherwise.
- "facts_covered": 0-5, how many of the 3-5 facts that matter most in this story the brief states
  (decide the facts from what the three briefs together tell, before scoring).
- "repeated": number of sentences that state a fact an earlier sentence of the same brief states.
- "junk": number of lines that are not news sentences (captions, bylines, links, sign-up notes,
  fragments).
- "dangling": number of sentences that need context the brief does not give ("He said...", "The
  probe...", "It was the strongest...", "However, ...", a quote with no speaker). Words in [square
  brackets] are an editor's insertion from the same source and count as given context.
- "rank": 1 (best for a reader who wants to know what happened) to 3 (worst); no ties.

Answer with one JSON object and nothing else, in exactly this form:
{"judge": "<your name or number>",
 "clusters": {"<cluster id>": {"A": {"main_news_first": "yes", "facts_covered": 4, "repeated": 0,
   "junk": 0, "dangling": 1, "rank": 1}, "B": {...}, "C": {...}}, ...}}
"""


# --- the three tools, on the same cleaned documents and budget ------------------------------------

def newsbrief_sentences(articles: Sequence[Article], words: int = WORDS) -> list[str]:
    try:
        result = brief(list(articles), BriefOptions(words=words, facts=False, timeline=False))
    except InputError:
        return []
    return [s.text for s in result.sentences]


def peer_sentences(method: str, articles: Sequence[Article], words: int = WORDS) -> list[str]:
    docs = kept_documents(articles)
    doc_sentences = [[s.text.strip() for s in d.sentences if word_count(s.text) >= 5] for d in docs]
    ranked = lead_ranking(doc_sentences) if method == "Lead" else sumy_ranking(method, doc_sentences)
    return take_budget(ranked, words)


TOOLS: dict[str, Callable[[Sequence[Article]], list[str]]] = {
    "newsbrief": newsbrief_sentences,
    "Lead": lambda articles: peer_sentences("Lead", articles),
    "LexRank": lambda articles: peer_sentences("LexRank", articles),
}


# --- proxies -------------------------------------------------------------------------------------

def repeated_pairs(sentences: Sequence[str]) -> int:
    """Pairs of sentences most of whose content terms (of the shorter one) the other one holds."""
    terms = [frozenset(content_terms(s)) for s in sentences]
    pairs = 0
    for i in range(len(terms)):
        for j in range(i + 1, len(terms)):
            small = min(len(terms[i]), len(terms[j]))
            if small >= 4 and len(terms[i] & terms[j]) / small >= SAME_FACT:
                pairs += 1
    return pairs


def junk_lines(sentences: Sequence[str]) -> int:
    """Captions, links and fragments: web furniture words, or no sentence ending."""
    return sum(1 for s in sentences if _JUNK.search(s.lower()) or not s.strip().endswith(_ENDINGS))


def proxies(path: str, tools: Sequence[str]) -> str:
    clusters, warnings = load_clusters(path)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    rows = []
    for name in tools:
        first, lean, repeats, junk, n = 0, 0, 0, 0, 0
        for cluster in clusters:
            sentences = TOOLS[name](cluster.articles)
            if not sentences:
                continue
            leaning = dangling(sentences)
            n += 1
            first += 0 in leaning
            lean += len(leaning)
            repeats += repeated_pairs(sentences)
            junk += junk_lines(sentences)
        rows.append(
            f"| {name} | {n} | {100 * first / max(n, 1):.1f}% | {lean / max(n, 1):.2f} | "
            f"{repeats / max(n, 1):.2f} | {junk / max(n, 1):.2f} |"
        )
    head = (
        "| tool | briefs | first sentence leans on context | sentences leaning on context / brief | "
        "repeated-fact pairs / brief | caption or junk lines / brief |\n|---|---:|---:|---:|---:|---:|"
    )
    return "\n".join([head, *rows])


# --- the panel -----------------------------------------------------------------------------------

def panel_sample(multinews: str, stream: str) -> list[tuple[str, list[Article]]]:
    """The fixed sample: Multi-News clusters and labelled-stream events drawn with ``SEED``."""
    clusters, _ = load_clusters(multinews)
    rng = random.Random(SEED)
    picked = sorted(rng.sample(range(len(clusters)), MULTINEWS_SAMPLE))
    sample = [(clusters[i].id, list(clusters[i].articles)) for i in picked]
    events: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(stream, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            events[row["event"]].append(row)
    eligible = sorted(e for e, rows in events.items() if len(rows) >= 3)
    for event in sorted(rng.sample(eligible, STREAM_EVENTS)):
        articles = [
            Article(text=r["text"], title=r.get("title"), url=r.get("url"), published=r.get("published"), id=r["id"])
            for r in events[event]
        ]
        sample.append((f"stream:{event}", articles))
    return sample


def make(multinews: str, stream: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    blind = ["# Blind briefs", "", "Three briefs per cluster, about 150 words each, in random order.", ""]
    key: dict[str, dict[str, str]] = {}
    for n, (cluster_id, articles) in enumerate(panel_sample(multinews, stream), start=1):
        panel_id = f"P{n:02d}"
        names = list(TOOLS)
        rng.shuffle(names)
        key[panel_id] = {"cluster": cluster_id, **{letter: name for letter, name in zip("ABC", names, strict=True)}}
        blind += [f"## {panel_id}", ""]
        for letter, name in zip("ABC", names, strict=True):
            blind += [f"### {letter}", "", *[f"- {s}" for s in TOOLS[name](articles)], ""]
    (out / "blind.md").write_text("\n".join(blind), encoding="utf-8")
    (out / "key.json").write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")
    (out / "rubric.md").write_text(RUBRIC, encoding="utf-8")
    print(f"wrote {out / 'blind.md'} ({len(key)} clusters), {out / 'key.json'}, {out / 'rubric.md'}")


_NEWS_FIRST = {"yes": 1.0, "partly": 0.5, "no": 0.0}


def score(key_path: Path, judge_paths: Sequence[Path]) -> str:
    key = json.loads(key_path.read_text(encoding="utf-8"))
    judges = [json.loads(p.read_text(encoding="utf-8")) for p in judge_paths]
    per_tool: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    firsts: dict[str, float] = defaultdict(float)
    for panel_id, entry in key.items():
        mean_rank: dict[str, float] = {}
        for letter in "ABC":
            tool = entry[letter]
            marks = [j["clusters"][panel_id][letter] for j in judges if panel_id in j.get("clusters", {})]
            if not marks:
                continue
            for field in ("facts_covered", "repeated", "junk", "dangling", "rank"):
                per_tool[tool][field].append(statistics.fmean(float(m[field]) for m in marks))
            per_tool[tool]["news_first"].append(statistics.fmean(_NEWS_FIRST[m["main_news_first"]] for m in marks))
            mean_rank[tool] = statistics.fmean(float(m["rank"]) for m in marks)
        if mean_rank:
            best = min(mean_rank.values())
            winners = [t for t, r in mean_rank.items() if r == best]
            for t in winners:
                firsts[t] += 1 / len(winners)
    n = len(key)
    lines = [
        f"{len(judges)} judges, {n} clusters.",
        "",
        "| tool | ranked first | main news first | facts covered (0-5) | repeated / brief | junk / brief | "
        "dangling / brief | mean rank |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tool in TOOLS:
        f = per_tool[tool]
        if not f:
            continue
        lines.append(
            f"| {tool} | {firsts[tool]:.1f} of {n} ({100 * firsts[tool] / n:.0f}%) | "
            f"{100 * statistics.fmean(f['news_first']):.0f}% | {statistics.fmean(f['facts_covered']):.2f} | "
            f"{statistics.fmean(f['repeated']):.2f} | {statistics.fmean(f['junk']):.2f} | "
            f"{statistics.fmean(f['dangling']):.2f} | {statistics.fmean(f['rank']):.2f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("proxies", help="automatic proxies on every cluster of a data set (seconds)")
    p.add_argument("data", nargs="?", default="../shared/data/multinews/val.jsonl")
    p.add_argument("--tools", default="newsbrief,Lead", help="comma-separated: newsbrief, Lead, LexRank")
    m = sub.add_parser("make", help="write the blind briefs, the key and the rubric")
    m.add_argument("--multinews", default="../shared/data/multinews/val.jsonl")
    m.add_argument("--stream", default="../shared/data/streams/dev2019.jsonl")
    m.add_argument("--out", type=Path, default=Path("benchmarks/panel"))
    s = sub.add_parser("score", help="print the panel table from the key and the judges' JSON files")
    s.add_argument("key", type=Path)
    s.add_argument("judges", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "proxies":
        print(proxies(args.data, [t.strip() for t in args.tools.split(",") if t.strip()]))
    elif args.command == "make":
        make(args.multinews, args.stream, args.out)
    else:
        print(score(args.key, args.judges))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Side-by-side ROUGE benchmark: newsbrief vs Lead, sumy's LexRank/TextRank/LSA/Luhn/KL-Sum, and a
greedy extractive oracle, on the same clusters, the same cleaned documents and sentence split, and
the same word-budget rule (add ranked sentences until the budget is reached; the last may cross it).

    python benchmarks/rouge_bench.py ../shared/data/multinews/val.jsonl --words 230 --write docs/benchmarks.md

Needs the ``bench`` extra (rouge-score, sumy). With ``--ablation`` it also runs the 5-fold
cross-validated ablation of ``train_scorer.py`` (needs scikit-learn) and adds its table.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from tqdm import tqdm

from newsbrief.briefing.clean import clean_article
from newsbrief.briefing.evaluate import newsbrief_summary, oracle_indices, rouge
from newsbrief.briefing.features import FEATURE_NAMES, word_count
from newsbrief.briefing.pipeline import renumber
from newsbrief.briefing.relevance import RelevanceOptions, filter_documents
from newsbrief.briefing.select import MIN_WORDS, Budget
from newsbrief.inputs.datasets import load_clusters
from newsbrief.model import Article, Document

SECTION = "## Summary quality (issue 3)"
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def kept_documents(articles: Sequence[Article]) -> list[Document]:
    """The cleaned, split, kept documents newsbrief briefs from (its stages before claim grouping)."""
    docs = [clean_article(a, doc=i) for i, a in enumerate(articles)]
    kept, _dropped, _warnings = filter_documents(docs, RelevanceOptions())
    return [renumber(d, i) for i, d in enumerate(kept)]


class WordTokenizer:
    """sumy's tokenizer interface over our own split: sentences are given, words by a regex.

    (sumy's default tokenizer needs nltk's punkt data, which cannot be downloaded here.)
    """

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return (paragraph,)

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_TOKEN_RE.findall(sentence))


def take_budget(ranked: Sequence[str], word_limit: int) -> list[str]:
    """The shared budget rule: ranked sentences in order until ``word_limit`` words are reached."""
    out: list[str] = []
    total = 0
    for sentence in ranked:
        out.append(sentence)
        total += word_count(sentence)
        if total >= word_limit:
            break
    return out


def lead_ranking(doc_sentences: Sequence[Sequence[str]]) -> list[str]:
    """First sentence of every document, then every second sentence, and so on."""
    ranked: list[str] = []
    depth = max((len(d) for d in doc_sentences), default=0)
    for i in range(depth):
        ranked.extend(d[i] for d in doc_sentences if i < len(d))
    return ranked


def sumy_ranking(method: str, doc_sentences: Sequence[Sequence[str]]) -> list[str]:
    """All sentences ranked best first by one of sumy's summarizers, fed our sentence split."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    classes: dict[str, Any] = {
        "LexRank": LexRankSummarizer,
        "TextRank": TextRankSummarizer,
        "LSA": LsaSummarizer,
        "Luhn": LuhnSummarizer,
        "KL-Sum": KLSummarizer,
    }
    tokenizer = WordTokenizer()
    document = ObjectDocumentModel(
        [Paragraph([SumySentence(s, tokenizer) for s in sents]) for sents in doc_sentences if sents]
    )
    summarizer = classes[method](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    ranked: list[Any] = []

    def keep_all(infos: list[Any]) -> list[Any]:  # sumy passes its sentences sorted best first
        ranked.extend(infos)
        return infos

    summarizer(document, keep_all)
    return [str(info.sentence) for info in ranked]


@dataclass
class MethodResult:
    name: str
    scores: list[dict[str, float]]
    ms: list[float]

    def mean(self, metric: str) -> float:
        return statistics.fmean(s[metric] for s in self.scores)


PEERS = ("Lead", "LexRank", "TextRank", "LSA", "Luhn", "KL-Sum")


def run(path: str, words: int, limit: int | None, seed: int | None) -> tuple[list[MethodResult], int]:
    clusters, warnings = load_clusters(path, limit=limit, seed=seed)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    budget = Budget(words=words)
    names = ["newsbrief", *PEERS, "Oracle (greedy)"]
    results = {n: MethodResult(n, [], []) for n in names}
    for cluster in tqdm(clusters, desc="bench", unit="cluster", file=sys.stderr):
        start = time.perf_counter()
        summary = newsbrief_summary(cluster, budget)
        results["newsbrief"].ms.append((time.perf_counter() - start) * 1000)
        results["newsbrief"].scores.append(rouge(summary, cluster.references))

        start = time.perf_counter()
        docs = kept_documents(cluster.articles)
        prep_ms = (time.perf_counter() - start) * 1000  # the peers' share: cleaning, splitting, filtering
        doc_sentences = [
            [s.text.strip() for s in d.sentences if word_count(s.text) >= MIN_WORDS] for d in docs
        ]
        rankers: dict[str, Callable[[], list[str]]] = {"Lead": partial(lead_ranking, doc_sentences)}
        for method in PEERS[1:]:
            rankers[method] = partial(sumy_ranking, method, doc_sentences)
        for name, ranker in rankers.items():
            start = time.perf_counter()
            summary = take_budget(ranker(), words)
            results[name].ms.append(prep_ms + (time.perf_counter() - start) * 1000)
            results[name].scores.append(rouge(summary, cluster.references))
        flat = [s for d in doc_sentences for s in d]
        chosen = oracle_indices(flat, cluster.references, words)
        results["Oracle (greedy)"].scores.append(rouge([flat[i] for i in chosen], cluster.references))
    return [results[n] for n in names], len(clusters)


def results_table(results: Sequence[MethodResult]) -> str:
    lines = [
        "| method | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | ms/cluster (median) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        ms = f"{statistics.median(r.ms):.1f}" if r.ms else "-"
        lines.append(
            f"| {r.name} | {r.mean('rouge1'):.2f} | {r.mean('rouge2'):.2f} | {r.mean('rougeLsum'):.2f} | {ms} |"
        )
    return "\n".join(lines)


def margins(results: Sequence[MethodResult]) -> str:
    ours = results[0]
    peers = [r for r in results if r.name in PEERS]
    best1 = max(peers, key=lambda r: r.mean("rouge1"))
    best2 = max(peers, key=lambda r: r.mean("rouge2"))
    fastest_graph = min(statistics.median(r.ms) for r in peers if r.name in ("LexRank", "TextRank"))
    d1, d2 = ours.mean("rouge1") - best1.mean("rouge1"), ours.mean("rouge2") - best2.mean("rouge2")
    verdict = ", ".join(f"{name} {'met' if d >= 3.0 else 'NOT met'}" for name, d in (("ROUGE-1", d1), ("ROUGE-2", d2)))
    return (
        f"newsbrief vs best peer: ROUGE-1 {d1:+.2f} (vs {best1.name}), ROUGE-2 {d2:+.2f} (vs {best2.name}); "
        f"median ms {statistics.median(ours.ms):.1f} vs {fastest_graph:.1f} for the faster of LexRank/TextRank. "
        f"Target +3.0 over the best peer (this in-sample row): {verdict}."
    )


def write_section(path: Path, body: str) -> None:
    """Replace (or append) this benchmark's section of ``path``; other sections stay as they are."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    section = f"{SECTION}\n\n{body.strip()}\n"
    if SECTION in text:
        before, rest = text.split(SECTION, 1)
        nxt = re.search(r"^## ", rest, flags=re.MULTILINE)
        after = rest[nxt.start():] if nxt else ""
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


NOTES = """\
How it is run: every method sees the same clusters and the same sentences: newsbrief's cleaned,
split documents after its off-topic filter (the peers get every sentence of at least 5 words, the
minimum newsbrief itself considers), and the same budget rule: sentences are added in the method's
order until the word budget is reached, and the last one may cross it. sumy's summarizers (0.13.0)
get our sentences through their document objects (a regex word tokenizer; sumy's English stemmer
and stop words) and rank all sentences; Lead takes the first sentence of each document, then the
second ones, and so on. The oracle greedily adds the sentence that most raises ROUGE-1 + ROUGE-2
F1 against the reference (an upper bound, not a peer). ms/cluster: median wall time per cluster;
for newsbrief the whole brief from the articles (`newsbrief.pipeline.brief` with facts and
timeline off: clean, filter, claim groups, select), for peers the shared cleaning, splitting and
filtering plus their ranking.

How newsbrief selects: each claim group (same-claim sentences across sources) gets cheap features
(position in its source, length, tf-idf centroid and degree centrality, cross-source support from
the claim groups, surface cues such as quotes, days, sums, speculation or web furniture); a
logistic regression over them, trained on greedy-oracle labels, scores the group; picking is greedy by score minus
0.5 * log(words) (dense sentences first), skipping a group whose tf-idf cosine to a chosen one
exceeds 0.3 and, near the budget, a sentence that would overshoot it by more than 15 words.
Training data: the 250 Multi-News validation clusters only (`../shared/data/multinews/val.jsonl`),
weights in `src/newsbrief/data/scorer.json` ({n_features} numbers), written by
`python benchmarks/train_scorer.py ../shared/data/multinews/val.jsonl --words 230 --write`.

Because the shipped weights were fitted on these same 250 clusters, the newsbrief row above is
in-sample. The honest estimate is the cross-validated one in the ablation table ("all features"):
5 folds over the 250 clusters, each cluster summarized by a model trained on the other four folds.
The three selection constants (length penalty 0.5, redundancy 0.3, slack 15) were picked from a
small grid on those cross-validated predictions, which leaves a little optimism in them."""


def section_body(
    data: str, n: int, words: int, command: str, table: str, margin: str, ablation: str = ""
) -> str:
    parts = [
        f"Data: `{data}` ({n} clusters), budget {words} words, ROUGE F1 "
        "(rouge-score 0.1.2, Porter stemming; ROUGE-Lsum with one sentence per line).",
        f"Command (about 20 minutes on 2 cores, most of it the peers and the oracle):\n\n```\n{command}\n```",
        table,
        margin,
        *([ablation] if ablation else []),
        NOTES.format(n_features=len(FEATURE_NAMES)),
    ]
    return "\n\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", help="Multi-News/WCEP JSON lines or a DUC folder")
    parser.add_argument("--words", type=int, default=230)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--ablation", action="store_true", help="add the cross-validated ablation table")
    parser.add_argument("--write", type=Path, help="markdown file whose issue-3 section to (re)write")
    args = parser.parse_args(argv)
    results, n = run(args.data, args.words, args.limit, args.seed)
    command = "python benchmarks/rouge_bench.py " + " ".join(sys.argv[1:] if argv is None else argv)
    table = results_table(results)
    print(table)
    print(margins(results))
    ablation = ""
    if args.ablation:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import train_scorer

        ablation = train_scorer.ablation_markdown(args.data, args.words)
        print(ablation)
    if args.write:
        body = section_body(args.data, n, args.words, command, table, margins(results), ablation)
        write_section(args.write, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

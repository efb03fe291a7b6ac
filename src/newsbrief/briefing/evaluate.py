"""ROUGE evaluation of newsbrief's briefs against reference summaries (``newsbrief eval``).

Scores come from the ``rouge-score`` package (Porter stemming): ROUGE-1, ROUGE-2 and
ROUGE-Lsum F1, the last with one sentence per line on both sides. With several references
(DUC) a cluster's score is the mean over its references.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from newsbrief.briefing.select import Budget
from newsbrief.errors import InputError, MissingExtraError
from newsbrief.inputs.datasets import Cluster, DatasetError, load_clusters
from newsbrief.model import Article, ClaimGroup, Document
from newsbrief.sentences import split_sentences
from newsbrief.text import words

METRICS = ("rouge1", "rouge2", "rougeLsum")
Summarizer = Callable[[Cluster, Budget], list[str]]


@dataclass(frozen=True)
class EvalOptions:
    words: int | None = 230
    sentences: int | None = None
    progress: bool = True

    @property
    def budget(self) -> Budget:
        return Budget(words=self.words, sentences=self.sentences)


@dataclass(frozen=True)
class ClusterScore:
    id: str
    rouge1: float
    rouge2: float
    rougeLsum: float
    words: int
    ms: float


@dataclass(frozen=True)
class EvalReport:
    scores: tuple[ClusterScore, ...]
    words: int | None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def mean(self, metric: str) -> float:
        return statistics.fmean(getattr(s, metric) for s in self.scores) if self.scores else 0.0

    @property
    def rouge1(self) -> float:
        return self.mean("rouge1")

    @property
    def rouge2(self) -> float:
        return self.mean("rouge2")

    @property
    def rougeLsum(self) -> float:  # noqa: N802 - the metric's name
        return self.mean("rougeLsum")

    @property
    def median_ms(self) -> float:
        return statistics.median(s.ms for s in self.scores) if self.scores else 0.0


@cache
def _scorer() -> Any:
    try:
        from rouge_score import rouge_scorer
    except ImportError as err:  # pragma: no cover - depends on the install
        raise MissingExtraError("rouge-score", "eval") from err
    return rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)


def sentence_lines(text: str) -> str:
    """A reference or summary as one sentence per line, as ROUGE-Lsum expects."""
    return "\n".join(" ".join(s.text.split()) for s in split_sentences(text))


def rouge(summary: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """ROUGE F1 (x100) of summary sentences against references; mean over references."""
    candidate = "\n".join(" ".join(s.split()) for s in summary)
    totals = dict.fromkeys(METRICS, 0.0)
    for reference in references:
        scores = _scorer().score(sentence_lines(reference), candidate)
        for metric in METRICS:
            totals[metric] += scores[metric].fmeasure * 100.0
    return {m: v / max(len(references), 1) for m, v in totals.items()}


def prepare(articles: Sequence[Article], words: int | None = None) -> tuple[list[Document], list[ClaimGroup]]:
    """Cleaned, kept documents and claim groups, exactly as the brief pipeline makes them."""
    from newsbrief.briefing.pipeline import BriefOptions, prepare_articles

    try:
        prepared = prepare_articles(articles, BriefOptions(words=words, facts=False, timeline=False))
    except InputError:
        return [], []
    return list(prepared.docs), list(prepared.groups)


def newsbrief_summary(cluster: Cluster, budget: Budget) -> list[str]:
    """The sentences of newsbrief's brief of a cluster, end to end (facts and timeline off)."""
    from newsbrief.briefing.pipeline import brief

    try:
        result = brief(
            list(cluster.articles), words=budget.words, sentences=budget.sentences, facts=False, timeline=False
        )
    except InputError:
        return []
    return [s.text for s in result.sentences]


def evaluate(
    clusters: Sequence[Cluster],
    options: EvalOptions = EvalOptions(),
    summarize: Summarizer = newsbrief_summary,
    warnings: Sequence[str] = (),
) -> EvalReport:
    """Summarize every cluster and score it; a progress bar on stderr if ``options.progress``."""
    _scorer()
    budget = options.budget
    scores: list[ClusterScore] = []
    iterable: Any = clusters
    if options.progress:
        from tqdm import tqdm

        iterable = tqdm(clusters, desc="eval", unit="cluster", file=sys.stderr, leave=False)
    for cluster in iterable:
        start = time.perf_counter()
        summary = summarize(cluster, budget)
        ms = (time.perf_counter() - start) * 1000.0
        result = rouge(summary, cluster.references)
        scores.append(
            ClusterScore(
                id=cluster.id,
                words=sum(len(s.split()) for s in summary),
                ms=round(ms, 2),
                **{m: round(v, 4) for m, v in result.items()},
            )
        )
    return EvalReport(scores=tuple(scores), words=options.words, warnings=tuple(warnings))


def format_table(report: EvalReport) -> str:
    """A markdown table of the mean scores."""
    mean_words = statistics.fmean(s.words for s in report.scores) if report.scores else 0.0
    return "\n".join(
        [
            "| clusters | budget | words | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | ms/cluster (median) |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {len(report.scores)} | {report.words or '-'} | {mean_words:.0f} | {report.rouge1:.2f} | "
            f"{report.rouge2:.2f} | {report.rougeLsum:.2f} | {report.median_ms:.1f} |",
        ]
    )


def print_report(report: EvalReport, out: TextIO = sys.stdout) -> None:
    print(format_table(report), file=out)


def report_json(report: EvalReport) -> dict[str, Any]:
    return {
        "clusters": len(report.scores),
        "words": report.words,
        "mean": {m: round(report.mean(m), 4) for m in METRICS},
        "median_ms": round(report.median_ms, 2),
        "warnings": list(report.warnings),
        "per_cluster": [asdict(s) for s in report.scores],
    }


def run_eval(
    path: str | Path,
    words: int | None = 230,
    limit: int | None = None,
    seed: int | None = None,
    as_json: bool = False,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """``newsbrief eval``: load, summarize, score, print; returns the exit code."""
    try:
        clusters, warnings = load_clusters(path, limit=limit, seed=seed)
        for warning in warnings:
            print(f"warning: {warning}", file=err)
        if not clusters:
            print(f"error: {path}: no usable clusters", file=err)
            return 1
        report = evaluate(clusters, EvalOptions(words=words, progress=not as_json), warnings=warnings)
    except (DatasetError, MissingExtraError, OSError) as error:
        print(f"error: {error}", file=err)
        return 2 if isinstance(error, MissingExtraError) else 1
    if as_json:
        print(json.dumps(report_json(report), indent=2), file=out)
    else:
        print_report(report, out)
    return 0


def rouge_tokens(text: str) -> list[str]:
    """ROUGE's own tokens (lower-cased, Porter-stemmed) from the rouge-score tokenizer."""
    return list(_scorer()._tokenizer.tokenize(text))


def oracle_indices(
    sentences: Sequence[str], references: Sequence[str], word_limit: int | None, max_sentences: int = 50
) -> list[int]:
    """Greedy extractive oracle: repeatedly add the sentence that most raises ROUGE-1 + ROUGE-2 F1
    (mean over references); stop at the budget or when nothing helps.

    Tokens and n-grams are rouge-score's own; the search updates the n-gram overlap incrementally
    (F1 = 2 * overlap / (candidate n-grams + reference n-grams)). Reported scores still come from
    `rouge` on the chosen sentences.
    """
    from rouge_score.rouge_scorer import _create_ngrams

    grams = [[_create_ngrams(t, n) for n in (1, 2)] for t in map(rouge_tokens, sentences)]
    refs = [[_create_ngrams(t, n) for n in (1, 2)] for t in map(rouge_tokens, references)]
    ref_sizes = [[sum(r[n].values()) for n in (0, 1)] for r in refs]
    sizes = [[sum(g[n].values()) for n in (0, 1)] for g in grams]
    lengths = [len(words(s)) for s in sentences]
    current: list[Counter[str]] = [Counter(), Counter()]
    overlap = [[0, 0] for _ in refs]
    total = [0, 0]

    def added(i: int, r: int, n: int) -> int:
        ref, have = refs[r][n], current[n]
        return sum(min(have[g] + c, ref[g]) - min(have[g], ref[g]) for g, c in grams[i][n].items() if g in ref)

    def value(i: int | None) -> float:
        score = 0.0
        for r in range(len(refs)):
            for n in (0, 1):
                o = overlap[r][n] + (added(i, r, n) if i is not None else 0)
                denominator = total[n] + (sizes[i][n] if i is not None else 0) + ref_sizes[r][n]
                score += 2.0 * o / denominator if denominator else 0.0
        return score / max(len(refs), 1)

    chosen: list[int] = []
    best_value = 0.0
    n_words = 0
    while len(chosen) < max_sentences and (word_limit is None or n_words < word_limit):
        best, best_i = best_value, -1
        for i in range(len(sentences)):
            if i in chosen or lengths[i] < 3:
                continue
            candidate = value(i)
            if candidate > best + 1e-12:
                best, best_i = candidate, i
        if best_i < 0:
            break
        for r in range(len(refs)):
            for n in (0, 1):
                overlap[r][n] += added(best_i, r, n)
        for n in (0, 1):
            current[n].update(grams[best_i][n])
            total[n] += sizes[best_i][n]
        chosen.append(best_i)
        best_value = best
        n_words += lengths[best_i]
    return chosen

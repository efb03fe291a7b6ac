"""Train newsbrief's sentence scorer on oracle labels, with 5-fold cross-validation over clusters.

    python benchmarks/train_scorer.py ../shared/data/multinews/val.jsonl --words 230 --write

Data: the 250 Multi-News validation clusters (``../shared/data/multinews/val.jsonl``), the only
labelled data the project may use. Labels: membership of each claim group's printed sentence in
the greedy ROUGE-1+2 oracle summary. Model: L2 logistic regression (`C`; scikit-learn, training only)
on ``newsbrief.briefing.features``; the brief path only takes a dot product with the saved weights.

Every reported number is cross-validated: a cluster is summarized by a model that never saw it.
``--write`` then fits on all clusters and saves ``src/newsbrief/data/scorer.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from newsbrief.briefing.evaluate import METRICS, oracle_indices, prepare, rouge
from newsbrief.briefing.features import FEATURE_NAMES, GroupFeatures, group_features
from newsbrief.briefing.select import MIN_WORDS, Budget, Scorer, select_sentences
from newsbrief.inputs.datasets import Cluster, load_clusters
from newsbrief.model import ClaimGroup, Document

WEIGHTS = Path(__file__).resolve().parents[1] / "src" / "newsbrief" / "data" / "scorer.json"
FOLDS = 5
C = 0.01
"""Inverse L2 strength of the logistic regression (picked by cross-validation: 0.1 and 0.003 scored lower)."""
SEED = 13


@dataclass
class Example:
    cluster: Cluster
    docs: list[Document]
    groups: list[ClaimGroup]
    feats: GroupFeatures
    labels: np.ndarray  # 1.0 for groups in the oracle summary


def build_examples(clusters: Sequence[Cluster], words: int) -> list[Example]:
    examples = []
    for cluster in tqdm(clusters, desc="prepare", unit="cluster", file=sys.stderr, leave=False):
        docs, groups = prepare(cluster.articles)
        if not groups:
            continue
        feats = group_features(docs, groups)
        texts = [g.members[0].text if feats.lengths[i] >= MIN_WORDS else "" for i, g in enumerate(groups)]
        labels = np.zeros(len(groups))
        labels[oracle_indices(texts, cluster.references, words)] = 1.0
        examples.append(Example(cluster, docs, groups, feats, labels))
    return examples


def fit(examples: Sequence[Example], columns: Sequence[str], c: float = C) -> tuple[float, ...]:
    """Logistic regression weights over ``columns`` (others 0), in raw feature units."""
    from sklearn.linear_model import LogisticRegression

    keep = [FEATURE_NAMES.index(n) for n in columns if n != "bias"]
    x = np.vstack([e.feats.matrix[:, keep] for e in examples])
    y = np.concatenate([e.labels for e in examples])
    mu, sigma = x.mean(axis=0), x.std(axis=0)
    sigma[sigma == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    model.fit((x - mu) / sigma, y)
    coef = model.coef_[0] / sigma
    weights = np.zeros(len(FEATURE_NAMES))
    weights[keep] = coef
    weights[FEATURE_NAMES.index("bias")] = model.intercept_[0] - float(coef @ mu)
    return tuple(float(w) for w in weights)


def folds(n: int, k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[i::k] for i in range(k)]


def summarize(example: Example, scorer: Scorer, words: int) -> list[str]:
    chosen = select_sentences(example.docs, example.groups, Budget(words=words), scorer=scorer)
    return [g.members[0].text for g in chosen]


def cross_validate(
    examples: Sequence[Example], columns: Sequence[str], words: int, c: float = C, **selection: Any
) -> dict[str, float]:
    """Mean ROUGE over all clusters, each summarized by the model trained on the other folds.

    ``selection`` overrides `Scorer` fields (redundancy, length_penalty, fit_slack)."""
    scores: list[dict[str, float]] = []
    for test in folds(len(examples)):
        test_set = set(test.tolist())
        train = [e for i, e in enumerate(examples) if i not in test_set]
        scorer = dataclasses.replace(Scorer(weights=fit(train, columns, c)), **selection)
        for i in test:
            scores.append(rouge(summarize(examples[i], scorer, words), examples[i].cluster.references))
    return {m: statistics.fmean(s[m] for s in scores) for m in METRICS}


POSITION = ("bias", "first", "pos_inv", "pos_rel", "early3", "lead_words", "doc_first")
LENGTH = ("len_log", "len_short", "len_long", "len_lin", "doc_len")
CENTRALITY = ("centroid", "doc_centroid", "topic_terms", "degree", "lead_sim")
SUPPORT = ("cross_doc", "support", "support_multi", "doc_share", "doc_sim", "n_docs")
ABLATIONS: dict[str, tuple[tuple[str, ...], dict[str, float]]] = {
    "position features only": (POSITION, {}),
    "+ length features": (POSITION + LENGTH, {}),
    "+ centrality (centroid, degree, topic terms)": (POSITION + LENGTH + CENTRALITY, {}),
    "+ cross-source support (claim groups, cross-doc similarity)": (POSITION + LENGTH + CENTRALITY + SUPPORT, {}),
    "+ surface cues = all features (shipped)": (FEATURE_NAMES, {}),
    "all features, no length penalty": (FEATURE_NAMES, {"length_penalty": 0.0}),
    "all features, no budget fitting of the last sentence": (FEATURE_NAMES, {"fit_slack": 10_000}),
    "all features, redundancy threshold 0.5 instead of 0.3": (FEATURE_NAMES, {"redundancy": 0.5}),
}


def hand_weights_scores(examples: Sequence[Example], words: int) -> dict[str, float]:
    """The same selection with the hand-set starting weights (no learning), for comparison."""
    hand = dict.fromkeys(FEATURE_NAMES, 0.0)
    hand.update(first=1.0, pos_inv=1.0, centroid=2.0, cross_doc=1.0, len_short=-1.0, no_end=-1.0, junk=-1.0,
                first_person=-0.5, question=-0.5)
    scorer = Scorer(weights=tuple(hand[n] for n in FEATURE_NAMES))
    scores = [rouge(summarize(e, scorer, words), e.cluster.references) for e in examples]
    return {m: statistics.fmean(s[m] for s in scores) for m in METRICS}


def ablation_rows(examples: Sequence[Example], words: int) -> list[tuple[str, dict[str, float]]]:
    rows = [("hand-set weights, no learning (same selection)", hand_weights_scores(examples, words))]
    rows += [(name, cross_validate(examples, cols, words, **sel)) for name, (cols, sel) in ABLATIONS.items()]
    return rows


def ablation_markdown(path: str, words: int) -> str:
    clusters, _ = load_clusters(path)
    examples = build_examples(clusters, words)
    lines = [
        f"Ablation (learned rows: 5-fold cross-validation over the {len(examples)} clusters, each cluster "
        "summarized by a model trained on the other four folds):",
        "",
        "| scorer | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |",
        "|---|---:|---:|---:|",
    ]
    for name, s in ablation_rows(examples, words):
        lines.append(f"| {name} | {s['rouge1']:.2f} | {s['rouge2']:.2f} | {s['rougeLsum']:.2f} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="train the sentence scorer (cross-validated)")
    parser.add_argument("data")
    parser.add_argument("--words", type=int, default=230)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--redundancy", type=float, default=0.3)
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--write", action="store_true", help=f"fit on all clusters and save {WEIGHTS.name}")
    args = parser.parse_args(argv)
    clusters, _ = load_clusters(args.data, limit=args.limit)
    examples = build_examples(clusters, args.words)
    cv = cross_validate(examples, FEATURE_NAMES, args.words, redundancy=args.redundancy)
    print("cross-validated: " + "  ".join(f"{m} {v:.2f}" for m, v in cv.items()))
    if args.ablation:
        for name, s in ablation_rows(examples, args.words):
            print(f"{name}: " + "  ".join(f"{m} {v:.2f}" for m, v in s.items()))
    if args.write:
        weights = fit(examples, FEATURE_NAMES)
        data = {
            "names": list(FEATURE_NAMES),
            "weights": [round(w, 6) for w in weights],
            "redundancy": args.redundancy,
            "length_penalty": Scorer(weights=weights).length_penalty,
            "fit_slack": Scorer(weights=weights).fit_slack,
            "trained_on": f"{Path(args.data).name}: {len(examples)} clusters, oracle labels at {args.words} words",
            "cross_validated": {m: round(v, 2) for m, v in cv.items()},
        }
        WEIGHTS.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

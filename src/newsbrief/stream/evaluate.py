"""Score the store's grouping of a labelled stream: B-cubed at each level the labels give, and
syndicated-copy pairs (``newsbrief eval STREAM.jsonl --stories``).

The stream is ingested into a fresh store in a temporary folder; each record's labels are read by
field name, so a user can score the tool on their own labelled data.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsbrief.errors import InputError
from newsbrief.stream.ingest import ingest


@dataclass(frozen=True)
class LabelFields:
    """The names of a labelled stream's fields: article id, event, storyline, and the id of the article
    a record is a syndicated copy of (empty or missing when it is not one)."""

    id: str = "id"
    event: str = "event"
    storyline: str = "storyline"
    copy_of: str = "copy_of"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    items: int


@dataclass
class StreamScores:
    """Scores of one labelled stream; a level is missing when no record carries its label."""

    articles: int
    levels: dict[str, Scores] = field(default_factory=dict)
    """B-cubed of 'event' and 'storyline' over every stored article."""
    copies: Scores | None = None
    """Pairs of articles in one syndicated group (items: the true pairs)."""
    found_copy_pairs: int = 0
    rejected: int = 0

    def table(self) -> str:
        rows = ["| measure | precision | recall | F1 |", "|---|---:|---:|---:|"]
        for level, s in self.levels.items():
            rows.append(
                f"| {level}s, B-cubed ({s.items} articles) | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} |"
            )
        if self.copies is not None:
            c = self.copies
            rows.append(
                f"| syndicated copies, pairs ({c.items} true, {self.found_copy_pairs} found)"
                f" | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} |"
            )
        return "\n".join(rows) + "\n"


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(truth: Mapping[str, str], predicted: Mapping[str, object], part: set[str] | None = None) -> Scores:
    """B-cubed precision, recall and F1 of a clustering, averaged over the items of true groups in
    ``part`` (default: all) and measured against the whole clustering."""
    by_truth: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[object, set[str]] = defaultdict(set)
    for item in predicted:
        by_truth[truth[item]].add(item)
        by_pred[predicted[item]].add(item)
    items = [i for i in predicted if part is None or truth[i] in part]
    if not items:
        return Scores(0.0, 0.0, 0.0, 0)
    p = sum(len(by_pred[predicted[i]] & by_truth[truth[i]]) / len(by_pred[predicted[i]]) for i in items)
    r = sum(len(by_pred[predicted[i]] & by_truth[truth[i]]) / len(by_truth[truth[i]]) for i in items)
    p, r = p / len(items), r / len(items)
    return Scores(p, r, _f1(p, r), len(items))


def pair_scores(truth: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[Scores, int]:
    """Precision, recall, F1 over pairs of items put in one group, and the number of predicted pairs."""

    def pairs(groups: Mapping[str, str]) -> set[tuple[str, str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for item, group in groups.items():
            members[group].append(item)
        return {(a, b) for m in members.values() for a, b in itertools.combinations(sorted(m), 2)}

    t, p = pairs(truth), pairs(predicted)
    precision = len(t & p) / len(p) if p else 1.0
    recall = len(t & p) / len(t) if t else 1.0
    return Scores(precision, recall, _f1(precision, recall), len(t)), len(p)


@dataclass(frozen=True)
class Grouping:
    """What a store made of a stream, by the input's article ids."""

    event: dict[str, int]
    storyline: dict[str, int]
    original: dict[str, str]
    """Each stored article's original (itself when it is not a copy)."""


def store_grouping(db: str | Path) -> Grouping:
    """The event, storyline and original of each stored article that has an id (``ext_id``)."""
    conn = sqlite3.connect(str(db))
    try:
        rows = conn.execute(
            "SELECT a.ext_id, m.story_id, e.storyline_id, o.ext_id FROM articles a"
            " JOIN memberships m ON m.article_id = a.id JOIN stories e ON e.id = m.story_id"
            " LEFT JOIN duplicates d ON d.article_id = a.id LEFT JOIN articles o ON o.id = d.original_id"
            " WHERE a.ext_id IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    return Grouping(
        {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}, {r[0]: r[3] or r[0] for r in rows}
    )


def read_labels(path: Path, fields: LabelFields) -> list[dict[str, object]]:
    """The records of a labelled JSON-lines stream; InputError when a record lacks the id field."""
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{path} line {number}: not valid JSON ({err.msg})") from None
            if not isinstance(record, dict) or record.get(fields.id) in (None, ""):
                raise InputError(f"{path} line {number}: no '{fields.id}' field (choose it with --id-field)")
            records.append(record)
    if not records:
        raise InputError(f"{path} holds no labelled records")
    return records


def score_grouping(
    records: Sequence[Mapping[str, object]],
    grouping: Grouping,
    fields: LabelFields,
    part: set[str] | None = None,
) -> StreamScores:
    """Score a store's grouping against the labels; ``part`` keeps the articles of these storylines."""
    labels = {str(r[fields.id]): r for r in records}
    stored = [i for i in grouping.event if i in labels]
    if part is not None:
        stored = [i for i in stored if str(labels[i].get(fields.storyline)) in part]
    scores = StreamScores(len(stored))
    for level, predicted in (("event", grouping.event), ("storyline", grouping.storyline)):
        name = getattr(fields, level)
        if not all(labels[i].get(name) not in (None, "") for i in stored):
            continue
        truth = {i: str(labels[i][name]) for i in grouping.event if i in labels}
        keep = {truth[i] for i in stored}
        scores.levels[level] = bcubed(truth, {i: predicted[i] for i in truth}, keep)
    if stored and any(fields.copy_of in labels[i] for i in stored):

        def root(i: str) -> str:
            seen = set()
            while (parent := labels[i].get(fields.copy_of)) not in (None, "") and str(parent) in labels:
                if i in seen:
                    break
                seen.add(i)
                i = str(parent)
            return i

        scores.copies, scores.found_copy_pairs = pair_scores(
            {i: root(i) for i in stored}, {i: grouping.original[i] for i in stored}
        )
    return scores


def evaluate_stream(path: str | Path, fields: LabelFields | None = None) -> StreamScores:
    """Ingest a labelled JSON-lines stream into a fresh store and score what it made of it. The store
    reads each record with its labels left out and its id taken from ``fields.id``."""
    path = Path(path)
    fields = fields or LabelFields()
    records = read_labels(path, fields)
    labels = {fields.event, fields.storyline, fields.copy_of, fields.id}
    with tempfile.TemporaryDirectory() as tmp:
        stream = Path(tmp) / f"{path.stem}.jsonl"
        with stream.open("w", encoding="utf-8") as out:
            for record in records:
                unlabelled = {k: v for k, v in record.items() if k not in labels}
                out.write(json.dumps({**unlabelled, "id": str(record[fields.id])}) + "\n")
        db = Path(tmp) / "store.sqlite"
        report = ingest([stream], db, workers=1)
        grouping = store_grouping(db)
    scores = score_grouping(records, grouping, fields)
    if not scores.articles:
        raise InputError(f"no article of {path} could be stored ({report.rejected} rejected)")
    scores.rejected = report.rejected
    return scores

"""Quality gate: ROUGE on a fixed Multi-News subset must not drop below the pinned floor.

The floor lives in ``tests/quality_floor.json``. Raising it is a commit; lowering it needs a
reason written in that file's ``reason`` field.
"""

from __future__ import annotations

import json
from pathlib import Path

from newsbrief.briefing.evaluate import EvalOptions, evaluate
from newsbrief.inputs.datasets import load_clusters

FLOOR = Path(__file__).with_name("quality_floor.json")


def test_rouge_stays_above_the_pinned_floor(multinews_val: Path) -> None:
    floor = json.loads(FLOOR.read_text(encoding="utf-8"))
    clusters, warnings = load_clusters(multinews_val, limit=floor["clusters"])
    assert not warnings and len(clusters) == floor["clusters"]
    report = evaluate(clusters, EvalOptions(words=floor["words"], progress=False))
    got = {"rouge1": round(report.rouge1, 2), "rouge2": round(report.rouge2, 2)}
    assert got["rouge1"] >= floor["rouge1"] and got["rouge2"] >= floor["rouge2"], (
        f"ROUGE fell below the floor on the first {floor['clusters']} validation clusters: "
        f"got {got}, floor R1 {floor['rouge1']} R2 {floor['rouge2']}"
    )

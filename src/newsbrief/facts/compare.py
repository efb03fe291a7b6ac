"""Group figures across sources, judge whether their values agree, and check their own arithmetic."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsbrief.facts.figures import _CHANGE_RE, _NEGATIVE_CHANGE
from newsbrief.facts.model import Disagreement, Figure, FigureGroup, FigureValue, SelfContradiction

MAX_RATIO = 1.5  # values further apart than this measure different things, not the same thing wrongly


def _compatible(a: tuple[Figure, frozenset[str]], b: tuple[Figure, frozenset[str]]) -> bool:
    fa, ta = a
    fb, tb = b
    if fa.unit != fb.unit or fa.change != fb.change:
        return False
    if fa.value == fb.value and abs(fa.value) >= 1000 * fa.precision and fa.source != fb.source:
        return True  # "$136,927.07" in two sources: the same figure, whatever words surround it
    if fa.period != fb.period:
        return False
    if fa.source == fb.source and fa.sentence == fb.sentence and fa.text != fb.text:
        return False  # two different figures of one sentence are two things
    lo, hi = sorted((abs(fa.value), abs(fb.value)))
    if lo == 0 or hi / lo > MAX_RATIO:
        return hi == lo
    shared = ta & tb
    return bool(shared) and len(shared) / max(1, min(len(ta), len(tb))) >= 0.3


def tolerance(a: Figure, b: Figure) -> float:
    """How far apart two written values may be and still be one value rounded differently."""
    tol = 0.5 * max(a.precision, b.precision)
    if a.approximate or b.approximate:
        tol = max(2 * tol, 0.05 * max(abs(a.value), abs(b.value)))
    return tol * 1.0001


def verdict(figures: Sequence[Figure]) -> str:
    values = {f.value for f in figures}
    if len({f.source for f in figures}) < 2 and len(values) < 2:
        return "single"
    if len(values) == 1:
        return "consistent"
    ok = all(abs(a.value - b.value) <= tolerance(a, b) for a in figures for b in figures)
    return "rounding" if ok else "conflict"


def _values(figures: Sequence[Figure]) -> tuple[FigureValue, ...]:
    by_text: dict[float, list[Figure]] = {}
    for f in figures:
        by_text.setdefault(f.value, []).append(f)
    out = [
        FigureValue(text=fs[0].text, value=v, sources=tuple(sorted({f.source for f in fs})))
        for v, fs in by_text.items()
    ]
    return tuple(sorted(out, key=lambda fv: (-len(fv.sources), fv.sources)))


def group_figures(
    figures: Sequence[tuple[Figure, frozenset[str]]],
) -> tuple[tuple[FigureGroup, ...], tuple[Disagreement, ...]]:
    """Figures about the same thing in the same period form one group (complete link)."""
    groups: list[list[tuple[Figure, frozenset[str]]]] = []
    for item in figures:
        best = None
        best_score = -1
        for g in groups:
            if all(_compatible(item, other) for other in g):
                score = sum(len(item[1] & o[1]) + 10 * (item[0].value == o[0].value) for o in g)
                if score > best_score:
                    best, best_score = g, score
        if best is None:
            groups.append([item])
        else:
            best.append(item)
    out: list[FigureGroup] = []
    disagreements: list[Disagreement] = []
    for i, g in enumerate(groups, start=1):
        figs = tuple(f for f, _ in g)
        lead = max(figs, key=lambda f: (len(f.measure.split()) >= 3, -figs.index(f)))
        values = _values(figs)
        v = verdict(figs)
        group = FigureGroup(
            id=i,
            measure=lead.measure,
            period=lead.period,
            unit=lead.unit,
            values=values,
            figures=figs,
            verdict=v,
            sources=tuple(sorted({f.source for f in figs})),
        )
        out.append(group)
        if v == "conflict":
            disagreements.append(
                Disagreement(
                    group=i,
                    measure=group.measure,
                    period=group.period,
                    values=values,
                    note="sources give different values, beyond what rounding explains",
                )
            )
    return tuple(out), tuple(disagreements)


def _fmt_pct(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") + " percent"


def self_contradictions(figures: Sequence[Figure]) -> tuple[SelfContradiction, ...]:
    """A stated percentage change that does not match its own "from A to B" values."""
    out: list[SelfContradiction] = []
    by_sentence: dict[tuple[int, str], list[Figure]] = {}
    for f in figures:
        by_sentence.setdefault((f.source, f.sentence), []).append(f)
    for (source, sentence), figs in by_sentence.items():
        for i, p in enumerate(figs):
            if not p.change or p.unit != "%":
                continue
            rest = [f for f in figs[i + 1 :] if f.unit == figs[i + 1].unit] if i + 1 < len(figs) else []
            pair = _from_to(sentence, rest) or _from_to(sentence, [f for f in figs[:i] if f.unit != "%"])
            if pair is None:
                continue
            a, b = pair
            if a.value == 0:
                continue
            computed = (b.value - a.value) / a.value * 100
            verb = _CHANGE_RE.search(sentence[: sentence.find(p.text)])
            negative = verb is not None and verb.group(0).split()[0].lower() in _NEGATIVE_CHANGE
            claimed = -p.value if negative else p.value
            tol = max(0.5 * p.precision + 0.2, 0.1 * abs(computed))
            if abs(claimed - computed) > tol:
                out.append(
                    SelfContradiction(
                        source=source,
                        sentence=sentence,
                        claimed=p.text,
                        computed=_fmt_pct(computed),
                        note=f"{a.text} to {b.text} is a change of {_fmt_pct(computed)}, not {p.text}",
                    )
                )
    return tuple(out)


def _from_to(sentence: str, figs: list[Figure]) -> tuple[Figure, Figure] | None:
    """Two figures written as "from A ... to B"."""
    for a, b in zip(figs, figs[1:], strict=False):
        if a.unit != b.unit or a.unit == "%":
            continue
        ia, ib = sentence.find(a.text), sentence.find(b.text)
        if ia < 0 or ib < 0:
            continue
        if re.search(r"\bfrom\s+\S*\s*$", sentence[max(0, ia - 12) : ia]) and re.search(
            r"\bto\b", sentence[ia + len(a.text) : ib]
        ):
            return a, b
    return None

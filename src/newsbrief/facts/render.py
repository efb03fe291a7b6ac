"""The "Who", "Figures" (with "Disagreements") and "Quotes" sections of a brief, in Markdown and HTML."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from newsbrief.facts.model import Entity, Facts, FigureGroup, FigureValue
from newsbrief.model import cite

_VERDICTS = {
    "consistent": "sources agree",
    "rounding": "consistent once rounding is allowed",
    "conflict": "sources disagree",
    "single": "",
}
MAX_ORGS = 12
MAX_PLACES = 12


def _period(period: str | None) -> str:
    return f" ({period})" if period else ""


def _values_text(values: Sequence[FigureValue]) -> str:
    return "; ".join(f"{v.text} {cite(v.sources)}" for v in values)


def _group_line(g: FigureGroup) -> str:
    verdict = _VERDICTS.get(g.verdict, "")
    tail = f" — {verdict}" if verdict else ""
    return f"{g.measure}{_period(g.period)}: {_values_text(g.values)}{tail}"


def _person_line(p: Entity) -> str:
    role = f", {p.role}" if p.role else ""
    others = [v for v in p.variants if v != p.name]
    also = f" (also: {', '.join(others[:4])})" if others else ""
    return f"{p.name}{role}{also} {cite(p.sources)}"


def _entity_list(entities: Sequence[Entity], limit: int) -> str:
    return ", ".join(f"{e.name} {cite(e.sources)}" for e in entities[:limit])


def facts_markdown(facts: Facts) -> str:
    """Markdown sections "## Who", "## Figures" (with "### Disagreements" first when any) and "## Quotes"."""
    out: list[str] = []
    if facts.people or facts.organisations or facts.places:
        out.append("## Who\n")
        out.extend(f"- {_person_line(p)}" for p in facts.people)
        if facts.organisations:
            out.append(f"- Organisations: {_entity_list(facts.organisations, MAX_ORGS)}")
        if facts.places:
            out.append(f"- Places: {_entity_list(facts.places, MAX_PLACES)}")
        out.append("")
    if facts.figures or facts.self_contradictions:
        out.append("## Figures\n")
        if facts.disagreements or facts.self_contradictions:
            out.append("### Disagreements\n")
            for d in facts.disagreements:
                out.append(f"- {d.measure}{_period(d.period)}: {_values_text(d.values)} — {d.note}")
            for c in facts.self_contradictions:
                out.append(f"- Does not add up {cite([c.source])}: {c.note}")
            out.append("")
            out.append("### All figures\n")
        out.extend(f"- {_group_line(g)}" for g in facts.figures)
        out.append("")
    if facts.quotes:
        out.append("## Quotes\n")
        for q in facts.quotes:
            who = f" — {q.speaker}" if q.speaker else ""
            out.append(f"- “{q.text}”{who} {cite(q.sources)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n" if out else ""


def _hcite(sources: Sequence[int]) -> str:
    return "".join(f'<a class="cite" href="#source-{s}">[{s}]</a>' for s in sources)


def _hvalues(values: Sequence[FigureValue]) -> str:
    return "; ".join(f"{escape(v.text)} {_hcite(v.sources)}" for v in values)


def facts_html(facts: Facts) -> str:
    """The same sections as an HTML fragment; every text is escaped."""
    out: list[str] = []
    if facts.people or facts.organisations or facts.places:
        out.append('<section class="who"><h2>Who</h2><ul>')
        for p in facts.people:
            role = f", {escape(p.role)}" if p.role else ""
            others = [v for v in p.variants if v != p.name]
            also = f" (also: {escape(', '.join(others[:4]))})" if others else ""
            out.append(f"<li><strong>{escape(p.name)}</strong>{role}{also} {_hcite(p.sources)}</li>")
        lists = (("Organisations", facts.organisations, MAX_ORGS), ("Places", facts.places, MAX_PLACES))
        for label, ents, limit in lists:
            if ents:
                items = ", ".join(f"{escape(e.name)} {_hcite(e.sources)}" for e in ents[:limit])
                out.append(f"<li>{label}: {items}</li>")
        out.append("</ul></section>")
    if facts.figures or facts.self_contradictions:
        out.append('<section class="figures"><h2>Figures</h2>')
        if facts.disagreements or facts.self_contradictions:
            out.append('<h3>Disagreements</h3><ul class="disagreements">')
            for d in facts.disagreements:
                out.append(
                    f"<li>{escape(d.measure)}{escape(_period(d.period))}: {_hvalues(d.values)} — {escape(d.note)}</li>"
                )
            for c in facts.self_contradictions:
                out.append(f"<li>Does not add up {_hcite([c.source])}: {escape(c.note)}</li>")
            out.append("</ul>")
        out.append("<ul>")
        for g in facts.figures:
            verdict = _VERDICTS.get(g.verdict, "")
            tail = f" — <em>{escape(verdict)}</em>" if verdict else ""
            out.append(f"<li>{escape(g.measure)}{escape(_period(g.period))}: {_hvalues(g.values)}{tail}</li>")
        out.append("</ul></section>")
    if facts.quotes:
        out.append('<section class="quotes"><h2>Quotes</h2><ul>')
        for q in facts.quotes:
            who = f" — {escape(q.speaker)}" if q.speaker else ""
            out.append(f"<li><q>{escape(q.text)}</q>{who} {_hcite(q.sources)}</li>")
        out.append("</ul></section>")
    return "\n".join(out) + ("\n" if out else "")

"""All 250 Multi-News validation clusters brief without error, faithfully, citing only kept documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbrief.briefing.pipeline import BriefOptions, assemble, prepare_articles
from newsbrief.briefing.standalone import undo_repairs
from newsbrief.inputs.datasets import load_clusters
from newsbrief.text import words


@pytest.fixture(scope="module")
def clusters(multinews_val: Path):
    loaded, warnings = load_clusters(multinews_val)
    assert not warnings
    return loaded


def test_all_validation_clusters_brief_faithfully(clusters) -> None:
    assert len(clusters) == 250
    options = BriefOptions(words=150)
    dropped_total = 0
    repairs = 0
    for cluster in clusters:
        prepared = prepare_articles(cluster.articles, options)
        brief = assemble(prepared, options)
        kept_ids = {d.id for d in prepared.docs}
        dropped_ids = {d.doc_id for d in brief.dropped}
        dropped_total += len(brief.dropped)
        assert brief.sentences, cluster.id
        texts = {d.id: d.text for d in prepared.docs}
        for sentence in brief.sentences:
            for citation in sentence.citations:
                assert citation.doc_id in kept_ids and citation.doc_id not in dropped_ids, cluster.id
                assert texts[citation.doc_id][citation.start : citation.end] == citation.text
            primary = [c for c in sentence.citations if c.match == "self"]
            assert len(primary) == 1 and undo_repairs(sentence.text, sentence.repairs) == primary[0].text, cluster.id
            source = texts[primary[0].doc_id]
            for fix in sentence.repairs:
                repairs += 1
                # Brackets mark every inserted word, and a name comes from the same source, before it.
                assert fix.inserted.startswith("[") and "]" in fix.inserted, (cluster.id, sentence.text)
                name = fix.inserted.strip("[] ").removesuffix(" said:").removesuffix("'s")
                if len(name) > 1:
                    assert name in source, (cluster.id, fix)
        lengths = [len(words(s.text)) for s in brief.sentences]
        assert sum(lengths) - max(lengths) < 150, f"{cluster.id}: more than one sentence past the budget"
    assert dropped_total > 30, "the validation set holds many crawl notices and off-topic pages"
    assert repairs > 50, "pronoun subjects, leading connectives and speakerless quotes are repaired"

"""Which language an article is written in: py3langid, whose model ships in its wheel (no download)."""

from __future__ import annotations

from functools import cache
from typing import Any

SAMPLE_CHARS = 300
"""Characters of a text the identifier reads: enough for a sure answer, a constant cost per article."""
MIN_CONFIDENCE = 0.9
"""Below this probability the language is unknown (None): a short or mixed text is not guessed."""


@cache
def _identifier() -> Any:
    """The py3langid identifier, loaded once per process (about a second)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def language_of(text: str) -> str | None:
    """The ISO 639-1 code of the language of ``text`` ('en', 'fr'...), or None when unsure."""
    sample = text[:SAMPLE_CHARS]
    if not sample.strip():
        return None
    code, probability = _identifier().classify(sample)
    return str(code) if probability >= MIN_CONFIDENCE else None

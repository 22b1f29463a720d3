"""Suggests which Flourish impact a piece of feedback is about.

It only *suggests*: the young person confirms or picks another impact, so a wrong
guess costs one tap, never a mislabelled record.

How: spaCy reads the text (tokens, lookup lemmas) and a spaCy ``PhraseMatcher``
tags it with every impact whose words (``data/feedback/impact_words.yml``) it
contains; a logistic regression over lemma n-grams, character n-grams and those
tags, trained at setup from ``data/feedback/impact_examples.yml``, picks the
impact. The word list carries knowledge that 40 examples per impact cannot
("gcse" is about learning even if no example says it). A spaCy ``textcat`` on the
same features cross-validated at 78% against 87% for this model, so the linear
model won; ``bench/impact_eval.py`` measures both.

The trained model is saved as ``models/impact-<hash>.joblib``; the hash covers the
examples, the word list and the settings, so setup retrains only after a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from spacy.language import Language

from bot import project_path, settings
from bot.core.data_files import DataFileError, load_yaml, require
from bot.core.flourish import IMPACT_SLUGS
from bot.core.spacy_pipeline import load_pipeline
from bot.core.tagged_text import (
    MODELS_DIR,
    TaggedClassifier,
    TaggedFeatures,
    cache_key,
    cached_model,
)

EXAMPLES_FILE = Path("data/feedback/impact_examples.yml")
WORDS_FILE = Path("data/feedback/impact_words.yml")
MIN_EXAMPLES_PER_IMPACT = 30

# Part of the cache key: changing a setting retrains at setup.
SETTINGS = {"C": 10.0, "word_ngrams": [1, 2], "char_ngrams": [2, 5], "version": 2}


@dataclass(frozen=True)
class ImpactSuggestion:
    slug: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]


def load_examples(path: Path | None = None) -> dict[str, list[str]]:
    """Read and check the labelled examples: every slug, no strays, enough of each."""
    return _load_per_impact(path or EXAMPLES_FILE, "examples", MIN_EXAMPLES_PER_IMPACT)


def load_words(path: Path | None = None) -> dict[str, list[str]]:
    """Read and check the words that point to each impact."""
    return _load_per_impact(path or WORDS_FILE, "words", 1)


def _load_per_impact(path: Path, key: str, minimum: int) -> dict[str, list[str]]:
    path = project_path(path)
    per_impact = require(load_yaml(path), key, dict, path)
    for slug in per_impact:
        if slug not in IMPACT_SLUGS:
            raise DataFileError(
                path, f"{key}.{slug}", f"unknown impact; use one of {', '.join(IMPACT_SLUGS)}"
            )
    result: dict[str, list[str]] = {}
    for slug in IMPACT_SLUGS:
        texts = require(per_impact, slug, list, path, key)
        for index, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                raise DataFileError(path, f"{key}.{slug}[{index}]", "expected some text")
        distinct = {" ".join(text.lower().split()) for text in texts}
        if len(distinct) < minimum:
            raise DataFileError(
                path,
                f"{key}.{slug}",
                f"has {len(distinct)} distinct entries; at least {minimum} are needed",
            )
        result[slug] = [" ".join(text.split()) for text in texts]
    return result


class ImpactFeatures(TaggedFeatures):
    """Lemmas plus impact tags (``impacttag<slug>``)."""

    def __init__(self, nlp: Language, words: Mapping[str, Sequence[str]]) -> None:
        super().__init__(nlp, words, tag_prefix="impacttag")


class ImpactClassifier(TaggedClassifier):
    @classmethod
    def train(
        cls,
        features: TaggedFeatures,
        examples: Mapping[str, Sequence[str]],
        settings: Mapping[str, Any] = SETTINGS,
    ) -> ImpactClassifier:
        return super().train(features, examples, settings)

    def suggest(self, text: str) -> ImpactSuggestion:
        ranked = self.rank(text)
        return ImpactSuggestion(ranked.label, ranked.confidence, ranked.ranking)


def model_file(examples: Mapping | None = None, words: Mapping | None = None) -> Path:
    """Where the model for the current data lives (``IMPACT_MODEL_FILE`` overrides)."""
    override = settings.get("IMPACT_MODEL_FILE")
    if override:
        return project_path(override)
    examples, words = examples or load_examples(), words or load_words()
    key = cache_key({"e": examples, "w": words, "s": SETTINGS})
    return project_path(MODELS_DIR / f"impact-{key}.joblib")


def ensure_classifier(nlp: Language | None = None) -> ImpactClassifier:
    """Load the model for the current data, training and saving it first if missing."""
    examples, words = load_examples(), load_words()
    features = ImpactFeatures(nlp or load_pipeline(), words)
    estimator = cached_model(
        model_file(examples, words), lambda: ImpactClassifier.train(features, examples)
    )
    return ImpactClassifier(features, estimator)

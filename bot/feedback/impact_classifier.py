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

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import joblib
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot import project_path, settings
from bot.core.data_files import DataFileError, load_yaml, require
from bot.core.flourish import IMPACT_SLUGS
from bot.core.spacy_pipeline import load_pipeline

EXAMPLES_FILE = Path("data/feedback/impact_examples.yml")
WORDS_FILE = Path("data/feedback/impact_words.yml")
MODELS_DIR = Path("models")
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


def tag_for(slug: str) -> str:
    """A token the tokenizer keeps whole (slugs have hyphens, which it splits on)."""
    return "impacttag" + slug.replace("-", "")


class ImpactFeatures:
    """Turns text into the string the model reads: lemmas plus impact tags."""

    def __init__(self, nlp: Language, words: Mapping[str, Sequence[str]]) -> None:
        self.nlp = nlp
        self.matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in ("LOWER", "LEMMA")}
        for slug, phrases in words.items():
            patterns = list(nlp.pipe(phrase.lower() for phrase in phrases))
            for matcher in self.matchers.values():
                matcher.add(slug, patterns)

    def __call__(self, text: str) -> str:
        doc = self.nlp(" ".join(text.lower().split()))
        spans = [span for matcher in self.matchers.values() for span in matcher(doc, as_spans=True)]
        # The longest phrase wins: "skate park" is about things to do, not about parks.
        tags = [tag_for(span.label_) for span in filter_spans(spans)]
        lemmas = [token.lemma_.lower() or token.lower_ for token in doc if not token.is_punct]
        return " ".join(lemmas + tags)


def make_estimator(settings: Mapping[str, Any] = SETTINGS) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=tuple(settings["word_ngrams"]), sublinear_tf=True),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=tuple(settings["char_ngrams"]), sublinear_tf=True
            ),
        ),
        LogisticRegression(C=float(settings["C"]), max_iter=5000),
    )


class ImpactClassifier:
    """Read-only once trained, so one instance serves every request."""

    def __init__(self, features: ImpactFeatures, estimator: Any) -> None:
        self.features = features
        self.estimator = estimator

    @classmethod
    def train(
        cls,
        features: ImpactFeatures,
        examples: Mapping[str, Sequence[str]],
        settings: Mapping[str, Any] = SETTINGS,
    ) -> ImpactClassifier:
        texts = [features(text) for slug in examples for text in examples[slug]]
        labels = [slug for slug in examples for _ in examples[slug]]
        return cls(features, make_estimator(settings).fit(texts, labels))

    def suggest(self, text: str) -> ImpactSuggestion:
        probabilities = self.estimator.predict_proba([self.features(text)])[0]
        pairs = zip(self.estimator.classes_, probabilities, strict=True)
        ranking = tuple(
            sorted(((str(slug), float(p)) for slug, p in pairs), key=lambda pair: -pair[1])
        )
        slug, confidence = ranking[0]
        return ImpactSuggestion(slug=slug, confidence=round(confidence, 4), ranking=ranking)


def cache_key(examples: Mapping[str, Sequence[str]], words: Mapping[str, Sequence[str]]) -> str:
    blob = json.dumps({"e": examples, "w": words, "s": SETTINGS}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def model_file(examples: Mapping | None = None, words: Mapping | None = None) -> Path:
    """Where the model for the current data lives (``IMPACT_MODEL_FILE`` overrides)."""
    override = settings.get("IMPACT_MODEL_FILE")
    if override:
        return project_path(override)
    key = cache_key(examples or load_examples(), words or load_words())
    return project_path(MODELS_DIR / f"impact-{key}.joblib")


def ensure_classifier(nlp: Language | None = None) -> ImpactClassifier:
    """Load the model for the current data, training and saving it first if missing."""
    examples, words = load_examples(), load_words()
    features = ImpactFeatures(nlp or load_pipeline(), words)
    path = model_file(examples, words)
    if path.exists():
        return ImpactClassifier(features, joblib.load(path))
    classifier = ImpactClassifier.train(features, examples)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    joblib.dump(classifier.estimator, partial)
    partial.replace(path)
    for old in path.parent.glob("impact-*.joblib"):
        if old != path:
            old.unlink(missing_ok=True)
    return classifier

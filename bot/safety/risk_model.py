"""A learned risk detector that sits beside the rules in :mod:`bot.safety.crisis`.

The rules are near perfect on the words they were written against and much
weaker on anything else: people who never saw them wrote "took loads of tablets
before school" or "i'm just a weight on everybody", and the rules stayed silent.
A model that learns from a large labelled corpus generalises from many ways of
saying the same thing, so the safety decision is the union: rules OR model.

How: the text is normalised exactly as the rules see it (slang expanded,
leetspeak and stretched letters undone, idioms blanked), then a logistic
regression over word and character n-grams, trained on the corpus in
``data/safety/corpus/`` plus the NLU training data as everyday negatives, gives
the probability that the message signals risk; a second one, trained on the risk
messages only, picks the category. ``bench/safety_eval.py`` chose the technique
and the thresholds by cross-validation and reports what they cost in false
alarms.

The trained model is saved as ``<MODEL_DIR>/risk-<hash>.joblib``; the hash covers
the corpus, the NLU data, the rules' normalisation and the model settings, so
setup retrains only after a change (a few seconds).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import joblib
import numpy as np
import yaml

from bot import project_path, settings
from bot.core.data_files import DataFileError, load_yaml, optional, require

CORPUS_DIR = project_path("data/safety/corpus")
NLU_DIR = project_path("data/nlu")
SETTINGS_FILE = project_path("data/safety/risk_model.yml")
NO_RISK = "none"
# NLU intents that are themselves about safety, so never everyday negatives.
SAFETY_INTENTS = frozenset({"risk_signal", "safe_now", "not_safe_now"})
MIN_MESSAGES_PER_CATEGORY = 20
# Bumped when the features or training below change, so cached models retrain.
MODEL_VERSION = "3"

_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))")


@dataclass(frozen=True)
class ModelSettings:
    """Thresholds and estimator settings from ``data/safety/risk_model.yml``."""

    full_threshold: float
    soft_threshold: float
    estimator: Mapping[str, Any]
    distress_emoji: frozenset[str]
    max_words_with_emoji: int
    min_words_for_model: int


@dataclass(frozen=True)
class Corpus:
    texts: tuple[str, ...]
    labels: tuple[str, ...]  # a category id, or "none"
    sources: tuple[str, ...]  # file name (or "nlu:<intent>"), for reports

    def categories(self) -> list[str]:
        return sorted({label for label in self.labels if label != NO_RISK})


@dataclass(frozen=True)
class ModelScore:
    """How likely the message signals risk (0-1), and the most likely category."""

    risk: float
    category: str


def load_settings(path: Path = SETTINGS_FILE) -> ModelSettings:
    """Read and check the model settings, naming the file and field on any mistake."""
    data = load_yaml(path)
    thresholds = require(data, "thresholds", dict, path)
    full = require(thresholds, "full", (int, float), path, "thresholds")
    soft = require(thresholds, "soft", (int, float), path, "thresholds")
    if not 0 < soft <= full < 1:
        raise DataFileError(path, "thresholds", "need 0 < soft <= full < 1")
    estimator = require(data, "estimator", dict, path)
    for key in ("C", "word_ngrams", "char_ngrams"):
        require(estimator, key, (int, float, list), path, "estimator")
    emoji = optional(data, "distress_emoji", list, [], path)
    for index, item in enumerate(emoji):
        if not isinstance(item, str) or not item.strip():
            raise DataFileError(path, f"distress_emoji[{index}]", "expected an emoji as text")
    return ModelSettings(
        full_threshold=float(full),
        soft_threshold=float(soft),
        estimator=dict(estimator),
        distress_emoji=frozenset(item.strip() for item in emoji),
        max_words_with_emoji=int(optional(data, "max_words_with_emoji", int, 8, path)),
        min_words_for_model=int(optional(data, "min_words_for_model", int, 1, path)),
    )


def load_corpus(
    corpus_dir: Path = CORPUS_DIR, nlu_dir: Path | None = NLU_DIR, categories: Iterable[str] = ()
) -> Corpus:
    """Every labelled message: the corpus files, plus NLU examples as negatives.

    Args:
        categories: the known category ids (the rules file's); a file naming any
            other category is refused, so a typo cannot create a silent class.
    """
    known = set(categories)
    texts: list[str] = []
    labels: list[str] = []
    sources: list[str] = []
    files = sorted(corpus_dir.glob("*.yml"))
    if not files:
        raise DataFileError(corpus_dir, "(folder)", "holds no corpus files (*.yml)")
    for path in files:
        data = load_yaml(path)
        category = require(data, "category", str, path)
        if category != NO_RISK and known and category not in known:
            raise DataFileError(
                path, "category", f"unknown category '{category}'; use none or one of "
                f"{', '.join(sorted(known))}"
            )
        messages = require(data, "messages", list, path)
        for index, message in enumerate(messages):
            if not isinstance(message, str) or not message.strip():
                raise DataFileError(path, f"messages[{index}]", "expected some text")
            texts.append(message.strip())
            labels.append(category)
            sources.append(path.name)
    if nlu_dir is not None:
        for intent, example in nlu_examples(nlu_dir):
            if intent.split("/")[0] not in SAFETY_INTENTS:
                texts.append(example)
                labels.append(NO_RISK)
                sources.append(f"nlu:{intent}")
    corpus = Corpus(tuple(texts), tuple(labels), tuple(sources))
    for category in known:
        count = corpus.labels.count(category)
        if count < MIN_MESSAGES_PER_CATEGORY:
            raise DataFileError(
                corpus_dir, category, f"has {count} messages; at least "
                f"{MIN_MESSAGES_PER_CATEGORY} are needed to learn from"
            )
    return corpus


def nlu_examples(nlu_dir: Path = NLU_DIR) -> list[tuple[str, str]]:
    """(intent, example text) for every NLU training example, entity markup removed."""
    examples = []
    for path in sorted(nlu_dir.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            intent = block.get("intent")
            if not intent:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = _ENTITY_MARKUP.sub(r"\1", line.strip().removeprefix("- ").strip())
                if text:
                    examples.append((intent, text))
    return examples


def _features(estimator_settings: Mapping[str, Any]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    min_df = int(estimator_settings.get("min_df", 1))
    return make_union(
        TfidfVectorizer(
            ngram_range=tuple(estimator_settings["word_ngrams"]),
            sublinear_tf=True,
            token_pattern=r"(?u)\b\w+\b|[^\w\s]",
            min_df=min_df,
            dtype=np.float32,
        ),
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(estimator_settings["char_ngrams"]),
            sublinear_tf=True,
            min_df=min_df,
            dtype=np.float32,
        ),
    )


def make_estimators(estimator_settings: Mapping[str, Any]) -> tuple[Any, Any]:
    """Two linear models on the same n-gram features: risk or not, and which category.

    A binary model gives a risk score that thresholds can be set on; the category
    model, trained on risk messages only, picks the signposting.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    risk = make_pipeline(
        _features(estimator_settings),
        LogisticRegression(
            C=float(estimator_settings["C"]),
            class_weight=estimator_settings.get("class_weight"),
            solver="liblinear",
            max_iter=5000,
        ),
    )
    category = make_pipeline(
        _features(estimator_settings), LogisticRegression(C=10.0, max_iter=5000)
    )
    return risk, category


class LinearScorer:
    """The fitted TF-IDF + linear model, evaluated for one message in pure Python.

    scikit-learn's ``predict_proba`` on one short text spends milliseconds building
    sparse matrices; the safety net runs on every message with a budget of 2 ms.
    The model is linear, so each n-gram's weight times its IDF is precomputed once,
    and a message costs its n-gram look-ups. The features come from the fitted
    vectorizers' own analyzers, so the scores equal scikit-learn's (a test checks).
    """

    def __init__(self, pipeline: Any) -> None:
        union, linear = pipeline.steps[0][1], pipeline.steps[-1][1]
        coef = np.asarray(linear.coef_, dtype=np.float64)  # (classes or 1, features)
        self.intercept = np.asarray(linear.intercept_, dtype=np.float64)
        self.classes = [str(c) for c in linear.classes_]
        self.binary = coef.shape[0] == 1
        self.analyzers: list[Callable[[str], list[str]]] = []
        # Per vectorizer, term -> (idf, weight x idf) for a binary model, whose score
        # is one sum; term -> (idf, column in the weight matrix) for several classes.
        self.tables: list[dict[str, tuple[float, Any]]] = []
        weighted = []
        offset = 0
        for _, vectorizer in union.transformer_list:
            size = len(vectorizer.vocabulary_)
            idf = vectorizer.idf_
            block = coef[:, offset : offset + size] * idf
            weighted.append(block)
            self.analyzers.append(vectorizer.build_analyzer())
            self.tables.append(
                {
                    term: (
                        float(idf[index]),
                        float(block[0, index]) if self.binary else offset + index,
                    )
                    for term, index in vectorizer.vocabulary_.items()
                }
            )
            offset += size
        self.weights = np.hstack(weighted)  # weight x idf, (classes or 1, features)

    def terms(self, text: str) -> tuple[dict[str, int], ...]:
        """Term counts per vectorizer; shareable by scorers fitted with the same settings."""
        counted = []
        for analyze in self.analyzers:
            counts: dict[str, int] = {}
            for term in analyze(text):
                counts[term] = counts.get(term, 0) + 1
            counted.append(counts)
        return tuple(counted)

    def decision(self, text: str, terms: tuple[dict[str, int], ...] | None = None) -> np.ndarray:
        """The linear model's decision values for ``text`` (one per class, or one)."""
        if terms is None:
            terms = self.terms(text)
        total = self.intercept.copy()
        log = math.log
        for counts, table in zip(terms, self.tables, strict=True):
            norm = 0.0
            dot = 0.0
            columns: list[int] = []
            tfs: list[float] = []
            for term, count in counts.items():
                found = table.get(term)
                if found is None:
                    continue
                tf = 1.0 + log(count) if count > 1 else 1.0  # sublinear_tf
                idf, weight_or_column = found
                norm += (tf * idf) ** 2
                if self.binary:
                    dot += tf * weight_or_column
                else:
                    columns.append(weight_or_column)
                    tfs.append(tf)
            if not norm:
                continue
            if self.binary:
                total[0] += dot / math.sqrt(norm)
            else:
                total += self.weights[:, columns] @ np.asarray(tfs) / math.sqrt(norm)
        return total


class RiskModel:
    """Read-only once trained, so one instance serves every message."""

    def __init__(self, estimators: Mapping[str, Any], normalise: Callable[[str], str]) -> None:
        self.risk = estimators["risk"]
        self.category = estimators["category"]
        self.normalise = normalise
        self.fast_risk: LinearScorer | None = LinearScorer(self.risk)
        self.fast_category = LinearScorer(self.category)
        # Both models share their n-gram settings, so one analysis of a message serves
        # the risk score and then its category (kept for the last few messages).
        self._terms = functools.lru_cache(maxsize=32)(self.fast_category.terms)

    @property
    def estimators(self) -> dict[str, Any]:
        return {"risk": self.risk, "category": self.category}

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        normalise: Callable[[str], str],
        estimator_settings: Mapping[str, Any],
    ) -> RiskModel:
        risk, category = make_estimators(estimator_settings)
        normalised = [normalise(text) for text in texts]
        risk.fit(normalised, [int(label != NO_RISK) for label in labels])
        pairs = [
            (t, label) for t, label in zip(normalised, labels, strict=True) if label != NO_RISK
        ]
        category.fit([t for t, _ in pairs], [label for _, label in pairs])
        return cls({"risk": risk, "category": category}, normalise)

    def score(self, text: str) -> ModelScore:
        """The risk score and the likeliest category, in well under a millisecond."""
        risk = self.risk_score(text)
        return ModelScore(risk=risk, category=self.category_of(text))

    def risk_score(self, text: str, normalised: str | None = None) -> float:
        """How likely ``text`` signals risk, from 0 to 1.

        ``normalised`` is ``self.normalise(text)`` when the caller already has it.
        """
        if self.fast_risk is None:  # a non-linear estimator swapped in (bench comparisons)
            return self.score_many([text])[0].risk
        if normalised is None:
            normalised = self.normalise(text)
        logit = float(self.fast_risk.decision(normalised, self._terms(normalised))[0])
        return round(1.0 / (1.0 + math.exp(-max(logit, -700.0))), 4)

    def category_of(self, text: str, normalised: str | None = None) -> str:
        """The likeliest risk category, were ``text`` a risk message."""
        if normalised is None:
            normalised = self.normalise(text)
        decisions = self.fast_category.decision(normalised, self._terms(normalised))
        return self.fast_category.classes[int(np.argmax(decisions))]

    def score_many(self, texts: Sequence[str]) -> list[ModelScore]:
        """Scores for many messages at once, with scikit-learn (cross-validation, tests)."""
        normalised = [self.normalise(t) for t in texts]
        risk_index = list(self.risk.classes_).index(1)
        risks = self.risk.predict_proba(normalised)[:, risk_index]
        categories = self.category.predict(normalised)
        return [
            ModelScore(risk=round(float(risk), 4), category=str(category))
            for risk, category in zip(risks, categories, strict=True)
        ]


def cache_key(corpus: Corpus, rules_file: Path, model_settings: ModelSettings) -> str:
    """Changes with anything that changes what the model learns or how it reads text."""
    blob = json.dumps(
        {
            "texts": corpus.texts,
            "labels": corpus.labels,
            "rules": rules_file.read_text(encoding="utf-8"),
            "estimator": dict(model_settings.estimator),
            "version": MODEL_VERSION,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def model_file(key: str) -> Path:
    return Path(settings.get("MODEL_DIR")) / f"risk-{key}.joblib"


def ensure_risk_model(
    normalise: Callable[[str], str],
    rules_file: Path,
    categories: Iterable[str],
    model_settings: ModelSettings | None = None,
) -> tuple[RiskModel, Path]:
    """Load the model for the current corpus, training and saving it first if missing."""
    model_settings = model_settings or load_settings()
    corpus = load_corpus(categories=categories)
    path = model_file(cache_key(corpus, rules_file, model_settings))
    if path.exists():
        try:
            return RiskModel(joblib.load(path), normalise), path
        except (OSError, ValueError, EOFError):  # a damaged file: train it again
            path.unlink(missing_ok=True)
    model = RiskModel.train(corpus.texts, corpus.labels, normalise, model_settings.estimator)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    joblib.dump(model.estimators, partial)
    partial.replace(path)
    for old in path.parent.glob("risk-*.joblib"):
        if old != path:
            old.unlink(missing_ok=True)
    return model, path

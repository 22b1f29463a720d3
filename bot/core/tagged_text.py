"""A small text classifier that knows words as well as examples.

Both the impact suggester (feedback) and the need classifier (find support) have
a few hundred labelled examples and a list of words per label. spaCy reads the
text (tokens, lookup lemmas); a ``PhraseMatcher`` tags it with every label whose
words it contains; a logistic regression over lemma n-grams, character n-grams
(which survive typos) and those tags picks the label. The word list carries what
the examples cannot ("gcse" is about learning even if no example says it).

Trained models are cached as ``models/<kind>-<hash>.joblib``: the hash covers the
examples, the words and the settings, so setup retrains only after a change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import joblib
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot import project_path

MODELS_DIR = Path("models")


class TaggedFeatures:
    """Turns text into the string the model reads: lemmas plus one tag per matched phrase.

    With ``ask_characters`` set, tags found in the last that many characters are
    added once more: a long message tells a story and asks its question last.
    """

    def __init__(
        self,
        nlp: Language,
        words: Mapping[str, Sequence[str]],
        tag_prefix: str,
        ask_characters: int = 0,
    ) -> None:
        self.nlp = nlp
        self.tag_prefix = tag_prefix
        self.ask_characters = ask_characters
        self.matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in ("LOWER", "LEMMA")}
        for label, phrases in words.items():
            patterns = list(nlp.pipe(phrase.lower() for phrase in phrases))
            for matcher in self.matchers.values():
                matcher.add(label, patterns)

    def tag_for(self, label: str) -> str:
        """A token the tokenizer keeps whole (labels have hyphens, which it splits on)."""
        return self.tag_prefix + label.replace("-", "")

    def __call__(self, text: str) -> str:
        doc = self.nlp(" ".join(text.lower().split()))
        spans = [span for matcher in self.matchers.values() for span in matcher(doc, as_spans=True)]
        # The longest phrase wins: "skate park" is about things to do, not about parks.
        found = filter_spans(spans)
        tags = [self.tag_for(span.label_) for span in found]
        if self.ask_characters and len(doc.text) > self.ask_characters:
            asks_from = len(doc.text) - self.ask_characters
            tags += [self.tag_for(span.label_) for span in found if span.start_char >= asks_from]
        lemmas = [token.lemma_.lower() or token.lower_ for token in doc if not token.is_punct]
        return " ".join(lemmas + tags)


def make_estimator(settings: Mapping[str, Any]) -> Any:
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


@dataclass(frozen=True)
class Suggestion:
    label: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]


class TaggedClassifier:
    """Read-only once trained, so one instance serves every request."""

    def __init__(self, features: TaggedFeatures, estimator: Any) -> None:
        self.features = features
        self.estimator = estimator

    @classmethod
    def train(
        cls,
        features: TaggedFeatures,
        examples: Mapping[str, Sequence[str]],
        settings: Mapping[str, Any],
    ) -> TaggedClassifier:
        texts = [features(text) for label in examples for text in examples[label]]
        labels = [label for label in examples for _ in examples[label]]
        return cls(features, make_estimator(settings).fit(texts, labels))

    def rank(self, text: str) -> Suggestion:
        probabilities = self.estimator.predict_proba([self.features(text)])[0]
        pairs = zip(self.estimator.classes_, probabilities, strict=True)
        ranking = tuple(
            sorted(((str(label), float(p)) for label, p in pairs), key=lambda pair: -pair[1])
        )
        label, confidence = ranking[0]
        return Suggestion(label=label, confidence=round(confidence, 4), ranking=ranking)


def cache_key(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def cached_model(path: Path, train: Callable[[], TaggedClassifier]) -> Any:
    """The estimator saved at ``path``, or ``train()``'s, saved there first.

    Older models of the same kind (``<kind>-*.joblib`` beside it) are removed.
    """
    path = project_path(path)
    if path.exists():
        return joblib.load(path)
    estimator = train().estimator
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    joblib.dump(estimator, partial)
    partial.replace(path)
    kind = path.name.split("-", 1)[0]
    for old in path.parent.glob(f"{kind}-*.joblib"):
        if old != path:
            old.unlink(missing_ok=True)
    return estimator

"""Which need a help request is about: the needs' words and labelled examples together.

The word list alone (:mod:`bot.support.need_matcher`) only knows the words it was
given; people say "we're down to our last tenner" or "he drinks a bottle of wine
every night". So a classifier (:mod:`bot.core.tagged_text`) trained on
``data/services/need_examples.yml`` reads the spelling-corrected text, with the
word list's matches as extra features, counted again when they come in the
closing question of a long message. A message with none of the needs' words and
no confident guess ("where can I get help?") has no need: the form asks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language

from bot import project_path
from bot.core.data_files import DataFileError, load_yaml, require
from bot.core.tagged_text import (
    MODELS_DIR,
    TaggedClassifier,
    TaggedFeatures,
    cache_key,
    cached_model,
)
from bot.support.directory import Need, Needs
from bot.support.need_matcher import NeedMatcher

EXAMPLES_FILE = Path("data/services/need_examples.yml")
MIN_EXAMPLES_PER_NEED = 20
# Part of the cache key: changing a setting retrains at setup.
SETTINGS: dict[str, Any] = {"C": 10.0, "word_ngrams": [1, 2], "char_ngrams": [2, 5], "version": 1}
# Below this, a guess with none of the needs' words in the message is no guess:
# "where can i get help" scores 0.34, "who can i talk to" 0.26.
NO_WORDS_MIN_CONFIDENCE = 0.4


def load_need_examples(needs: Needs, path: Path | None = None) -> dict[str, list[str]]:
    """Read and check the examples: known needs only, enough of each."""
    path = project_path(path or EXAMPLES_FILE)
    per_need = require(load_yaml(path), "examples", dict, path)
    result: dict[str, list[str]] = {}
    for need in needs.items:
        texts = require(per_need, need.id, list, path, "examples")
        for index, text in enumerate(texts):
            if not isinstance(text, str) or not text.strip():
                raise DataFileError(path, f"examples.{need.id}[{index}]", "expected some text")
        if len(texts) < MIN_EXAMPLES_PER_NEED:
            raise DataFileError(
                path, f"examples.{need.id}", f"has {len(texts)}; at least {MIN_EXAMPLES_PER_NEED}"
            )
        result[need.id] = [" ".join(text.split()) for text in texts]
    strays = sorted(set(per_need) - set(result))
    if strays:
        raise DataFileError(path, f"examples.{strays[0]}", "unknown need (see needs.yml)")
    return result


class NeedClassifier:
    """``match(text)``: the need, or None when the message names none."""

    def __init__(self, nlp: Language, needs: Needs) -> None:
        self.needs = needs
        self.matcher = NeedMatcher(nlp, needs)
        words = {need.id: list(need.words) for need in needs.items}
        features = TaggedFeatures(
            nlp, words, tag_prefix="needtag", ask_characters=NeedMatcher.ASK_CHARACTERS
        )
        examples = load_need_examples(needs)
        path = MODELS_DIR / f"need-{cache_key(examples, words, SETTINGS)}.joblib"
        estimator = cached_model(path, lambda: TaggedClassifier.train(features, examples, SETTINGS))
        self.classifier = TaggedClassifier(features, estimator)

    def match(self, text: str) -> Need | None:
        ranked = self.classifier.rank(self.matcher.corrected(text))
        # The word list is read again only for an unsure guess: a confident one stands.
        if ranked.confidence < NO_WORDS_MIN_CONFIDENCE and not self.matcher.scores(text):
            return None
        return self.needs.get(ranked.label)

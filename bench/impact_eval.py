"""Cross-validated accuracy of the impact suggester, with a confusion table.

Usage: .venv/bin/python bench/impact_eval.py [--folds 5] [--textcat]

Each fold trains on the other folds' examples with the settings setup uses, then
suggests an impact for every held-out example. The goal is 90% or better.

Caveat, printed too: the word list (data/feedback/impact_words.yml) was written
with the examples in view, so cross-validation flatters it a little. The
held-out phrasings in tests/impact_heldout.yml were written after the word list
and are reported separately as the fairer figure.
--textcat also cross-validates spaCy's own text categoriser on the same features.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

import yaml

from bot import project_path
from bot.core.flourish import IMPACT_SLUGS
from bot.core.spacy_pipeline import load_pipeline
from bot.feedback.impact_classifier import (
    SETTINGS,
    ImpactClassifier,
    ImpactFeatures,
    load_examples,
    load_words,
)

Pairs = list[tuple[str, str]]


def folds(examples: dict[str, list[str]], k: int, seed: int) -> list[Pairs]:
    """Stratified folds: each impact's examples are spread evenly over the folds."""
    rng = random.Random(seed)
    buckets: list[Pairs] = [[] for _ in range(k)]
    for slug, texts in examples.items():
        shuffled = list(texts)
        rng.shuffle(shuffled)
        for index, text in enumerate(shuffled):
            buckets[index % k].append((slug, text))
    return buckets


def textcat_predictor(features: ImpactFeatures, training: dict[str, list[str]]):
    """spaCy's bag-of-words textcat on the same feature strings, for comparison."""
    import spacy
    from spacy.training import Example

    spacy.util.fix_random_seed(11)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe(
        "textcat",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v2",
                "exclusive_classes": True,
                "ngram_size": 2,
                "no_output_layer": False,
            }
        },
    )
    for slug in IMPACT_SLUGS:
        textcat.add_label(slug)
    data = [
        Example.from_dict(
            nlp.make_doc(features(t)), {"cats": {s: float(s == slug) for s in IMPACT_SLUGS}}
        )
        for slug, texts in training.items()
        for t in texts
    ]
    optimizer = nlp.initialize(lambda: data)
    rng = random.Random(11)
    for _ in range(20):
        rng.shuffle(data)
        for start in range(0, len(data), 8):
            nlp.update(data[start : start + 8], sgd=optimizer, drop=0.2)
    return lambda text: max(nlp(features(text)).cats.items(), key=lambda p: p[1])[0]


def cross_validate(features, examples, k, seed, make_predictor) -> Counter:
    buckets = folds(examples, k, seed)
    confusion: Counter[tuple[str, str]] = Counter()
    for held_out in range(k):
        training: dict[str, list[str]] = {slug: [] for slug in IMPACT_SLUGS}
        for index, bucket in enumerate(buckets):
            if index != held_out:
                for slug, text in bucket:
                    training[slug].append(text)
        predict = make_predictor(features, training)
        for slug, text in buckets[held_out]:
            confusion[(slug, predict(text))] += 1
    return confusion


def accuracy(confusion: Counter) -> tuple[int, int]:
    total = sum(confusion.values())
    return sum(n for (truth, guess), n in confusion.items() if truth == guess), total


def print_table(confusion: Counter) -> None:
    print("rows: true impact; columns: suggested")
    print(" " * 19 + "".join(f"{slug[:6]:>7}" for slug in IMPACT_SLUGS) + "  recall")
    for truth in IMPACT_SLUGS:
        row = [confusion[(truth, guess)] for guess in IMPACT_SLUGS]
        recall = confusion[(truth, truth)] / max(1, sum(row))
        print(f"{truth:>19}" + "".join(f"{n:>7}" for n in row) + f"  {recall:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--textcat", action="store_true")
    args = parser.parse_args()

    examples = load_examples()
    features = ImpactFeatures(load_pipeline(), load_words())

    def linear(features, training):
        classifier = ImpactClassifier.train(features, training)
        return lambda text: classifier.suggest(text).slug

    started = time.perf_counter()
    confusion = cross_validate(features, examples, args.folds, args.seed, linear)
    correct, total = accuracy(confusion)
    print(f"settings: {SETTINGS}")
    print(
        f"{args.folds}-fold cross-validated accuracy: {correct}/{total} = {correct / total:.1%}"
        f"  ({time.perf_counter() - started:.1f}s)"
    )
    print_table(confusion)

    heldout = yaml.safe_load(open(project_path("tests/impact_heldout.yml"), encoding="utf-8"))
    classifier = ImpactClassifier.train(features, examples)
    pairs = [(slug, text) for slug, texts in heldout["phrasings"].items() for text in texts]
    right = sum(classifier.suggest(text).slug == slug for slug, text in pairs)
    print(
        f"\nheld-out phrasings (written after the word list): {right}/{len(pairs)}"
        f" = {right / len(pairs):.1%}"
    )
    for slug, text in pairs:
        guess = classifier.suggest(text)
        if guess.slug != slug:
            print(
                f"  missed: {text!r}: expected {slug}, "
                f"suggested {guess.slug} ({guess.confidence:.2f})"
            )

    if args.textcat:
        confusion = cross_validate(features, examples, args.folds, args.seed, textcat_predictor)
        correct, total = accuracy(confusion)
        print(
            f"\nspaCy textcat (BOW) on the same features: {correct}/{total} = {correct / total:.1%}"
        )


if __name__ == "__main__":
    main()

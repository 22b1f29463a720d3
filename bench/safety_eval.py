"""How well the safety net catches risk, measured where it was not tuned.

Usage (from the project root):

    .venv/bin/python bench/safety_eval.py                      # cross-validation + held-out
    .venv/bin/python bench/safety_eval.py --compare            # techniques side by side
    .venv/bin/python bench/safety_eval.py --model              # + through the trained Rasa model
    .venv/bin/python bench/safety_eval.py --server http://localhost:5005   # + the running server
    .venv/bin/python bench/safety_eval.py --heldout tests/safety/heldout_b.yml --server ...

Prints, per category and overall, recall (full signposting, and any signposting:
full or soft) and false alarms on negatives (full and soft separately):

- on k-fold cross-validation of the corpus (``data/safety/corpus/`` plus the NLU data
  as everyday negatives): each fold's model never saw the messages it is scored on;
  the rules are the same in every fold;
- on held-out sets written by people who never saw the rules or the corpus
  (``tests/safety/heldout_*.yml``), with the model trained on the whole corpus;
- with ``--model``, through the real trained Rasa model in-process, and with
  ``--server URL``, through a running server's REST channel, each held-out message
  as the first message of a new conversation;
- the detector's cost per message (rules + model), p50 and p99.

Missed messages are not printed unless ``--show-misses`` is given, so that looking
at the figures does not turn a held-out set into tuning data.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import PROJECT_ROOT  # noqa: E402
from bot.core.spacy_pipeline import load_pipeline  # noqa: E402
from bot.safety.crisis import DEFAULT_RULES_PATH, load_rules  # noqa: E402
from bot.safety.risk_assessment import FULL, SOFT, SafetyNet  # noqa: E402
from bot.safety.risk_model import NO_RISK, RiskModel, load_corpus, load_settings  # noqa: E402
from tests.safety_corpus import SAFETY_LINE, heldout_set, reply_level  # noqa: E402

DEFAULT_HELDOUT = [PROJECT_ROOT / "tests" / "safety" / "heldout_a.yml"]
Outcome = tuple[str, str, str]  # (expected category or "none", level or "", source)
LINE = "line"  # no signposting, but the reply ended with the one-line safety net


def replies_level(replies: list[dict]) -> str:
    """The signposting level of a turn's replies, or LINE for the safety line alone."""
    level = reply_level(replies)
    if not level and any(SAFETY_LINE in (reply.get("text") or "") for reply in replies):
        return LINE
    return level


def stratified_folds(labels: Sequence[str], k: int, seed: int = 7) -> list[list[int]]:
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    folds: list[list[int]] = [[] for _ in range(k)]
    for indexes in by_label.values():
        rng.shuffle(indexes)
        for position, index in enumerate(indexes):
            folds[position % k].append(index)
    return folds


def report(
    title: str, outcomes: list[Outcome], show_misses: bool = False, replies: bool = False
) -> dict[str, float]:
    """Print recall per category and false alarms; return the overall figures."""
    per_category: dict[str, list[str]] = defaultdict(list)
    negatives: dict[str, list[str]] = defaultdict(list)
    for expected, level, source in outcomes:
        if expected == NO_RISK:
            negatives["everyday (NLU data)" if source.startswith("nlu:") else "hard"].append(level)
        else:
            per_category[expected].append(level)
    print(f"\n{title}")
    print(f"  {'category':<28}{'n':>6}{'full':>9}{'any':>9}")
    all_levels = [level for levels in per_category.values() for level in levels]
    for category in sorted(per_category):
        levels = per_category[category]
        print(f"  {category:<28}{len(levels):>6}{_share(levels, {FULL}):>9}"
              f"{_share(levels, {FULL, SOFT}):>9}")
    print(f"  {'ALL RISK':<28}{len(all_levels):>6}{_share(all_levels, {FULL}):>9}"
          f"{_share(all_levels, {FULL, SOFT}):>9}")
    print(f"  {'negatives':<28}{'n':>6}{'full':>9}{'soft':>9}   (false alarms)")
    for kind in sorted(negatives):
        levels = negatives[kind]
        print(f"  {kind:<28}{len(levels):>6}{_share(levels, {FULL}):>9}"
              f"{_share(levels, {SOFT}):>9}")
    misses = [level for level in all_levels if level not in (FULL, SOFT)]
    if replies and misses:
        print(f"  misses that still got the safety line: "
              f"{sum(level == LINE for level in misses)} of {len(misses)}")
    if show_misses:
        for expected, level, source in outcomes:
            if expected != NO_RISK and level not in (FULL, SOFT):
                print(f"    missed [{expected}] {source}")
            if expected == NO_RISK and level == FULL and not source.startswith("nlu:"):
                print(f"    false alarm (full): {source}")
    risk_total = max(len(all_levels), 1)
    hard = negatives.get("hard", [])
    return {
        "recall_full": sum(level == FULL for level in all_levels) / risk_total,
        "recall_any": sum(level in (FULL, SOFT) for level in all_levels) / risk_total,
        "hard_false_full": sum(level == FULL for level in hard) / max(len(hard), 1),
        "hard_false_soft": sum(level == SOFT for level in hard) / max(len(hard), 1),
    }


def _share(levels: list[str], counted: set[str]) -> str:
    if not levels:
        return "-"
    return f"{100 * sum(level in counted for level in levels) / len(levels):.1f}%"


SWEEP = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def cross_validate(
    net: SafetyNet,
    k: int,
    estimator: dict | None = None,
    make: Callable | None = None,
    sweep: bool = False,
) -> list[Outcome]:
    """Each fold's model scores messages it never saw; the rules run on all of them."""
    corpus = load_corpus(categories=[c.id for c in net.detector.rules.categories])
    folds = stratified_folds(corpus.labels, k)
    outcomes: list[Outcome] = []
    raw: list[tuple[str, bool, bool, float]] = []  # kind, rules hit, model may judge, score
    for fold in folds:
        held = set(fold)
        train = [i for i in range(len(corpus.texts)) if i not in held]
        texts = [corpus.texts[i] for i in train]
        labels = [corpus.labels[i] for i in train]
        if make is not None:
            model = make(texts, labels, net.detector.normalise)
        else:
            model = RiskModel.train(
                texts, labels, net.detector.normalise, estimator or net.settings.estimator
            )
        fold_net = SafetyNet(net.detector, model, net.settings)
        for i in fold:
            text = corpus.texts[i]
            assessment = fold_net.assess(text)
            level = assessment.level if assessment else ""
            source = corpus.sources[i] if corpus.sources[i].startswith("nlu:") else text
            outcomes.append((corpus.labels[i], level, source))
            if sweep:
                kind = "risk" if corpus.labels[i] != NO_RISK else (
                    "nlu" if source.startswith("nlu:") else "hard")
                judged = len(text.split()) >= net.settings.min_words_for_model
                raw.append((kind, net.detector.detect(text) is not None, judged,
                            model.risk_score(text)))
    if sweep:
        print("\n  threshold sweep (rules OR model >= t): recall, and false alarms on negatives")
        print(f"  {'t':>6}{'recall':>9}{'FA hard':>9}{'FA NLU':>9}")
        for threshold in SWEEP:
            shares = {}
            for kind in ("risk", "hard", "nlu"):
                rows = [r for r in raw if r[0] == kind]
                hits = sum(rule or (judged and score >= threshold)
                           for _, rule, judged, score in rows)
                shares[kind] = hits / max(len(rows), 1)
            print(f"  {threshold:>6.2f}{shares['risk']:>9.1%}{shares['hard']:>9.1%}"
                  f"{shares['nlu']:>9.1%}")
    return outcomes


def heldout_through(
    classify: Callable[[str], str], files: Iterable[Path]
) -> list[Outcome]:
    outcomes = []
    for path in files:
        for expected, message in heldout_set(path):
            outcomes.append((expected, classify(message), message))
    return outcomes


def through_model(model_path: Path) -> Callable[[str], str]:
    """Each message as the first of a new conversation with the trained model, in-process."""
    import logging

    import rasa.utils.common
    from rasa.core.agent import Agent

    rasa.utils.common.configure_logging_and_warnings(logging.CRITICAL)
    logging.getLogger("rasa").setLevel(logging.CRITICAL)
    loop = asyncio.new_event_loop()
    agent = loop.run_until_complete(_load_agent(Agent, model_path))

    def classify(message: str) -> str:
        replies = loop.run_until_complete(
            agent.handle_text(message, sender_id=f"eval-{uuid.uuid4().hex}")
        )
        return replies_level(replies)

    return classify


async def _load_agent(agent_class, model_path: Path):
    return agent_class.load(str(model_path))


def through_server(base: str) -> Callable[[str], str]:
    """Each message as the first of a new conversation through the REST channel."""

    def classify(message: str) -> str:
        body = json.dumps({"sender": f"eval-{uuid.uuid4().hex}", "message": message}).encode()
        request = urllib.request.Request(
            f"{base.rstrip('/')}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return replies_level(json.loads(response.read() or b"[]"))

    return classify


def detector_cost(net: SafetyNet, messages: Sequence[str], rounds: int) -> None:
    for message in messages:  # warm up
        net.assess(message)
    timings = []
    for _ in range(rounds):
        for message in messages:
            started = time.perf_counter()
            net.assess(message)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()

    def pct(p: float) -> float:
        return timings[min(len(timings) - 1, int(len(timings) * p))]

    print(f"\ndetector cost (rules + model) over {len(timings):,} messages:"
          f" mean {statistics.fmean(timings):.3f} ms  p50 {pct(0.5):.3f} ms"
          f"  p99 {pct(0.99):.3f} ms  max {timings[-1]:.3f} ms")


def compare(net: SafetyNet, k: int) -> None:
    """Risk-score techniques side by side on the same folds, at the configured thresholds."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from bot.safety.risk_model import _features, make_estimators

    settings = dict(net.settings.estimator)

    def features(**changes):
        return _features({**settings, **changes})

    candidates = {
        "LR word1-2 + char2-5 (the configured one)": lambda: make_estimators(settings)[0],
        "LR, risk class weighted up": lambda: make_pipeline(
            features(), LogisticRegression(C=settings["C"], class_weight="balanced",
                                           solver="liblinear")),
        "LR word1-3 + char1-6": lambda: make_pipeline(
            features(word_ngrams=[1, 3], char_ngrams=[1, 6]),
            LogisticRegression(C=settings["C"], solver="liblinear")),
        "LR C=3 (more regularised)": lambda: make_pipeline(
            features(), LogisticRegression(C=3.0, solver="liblinear")),
        "linear SVM (calibrated)": lambda: make_pipeline(
            features(), CalibratedClassifierCV(LinearSVC(C=0.5), cv=3)),
        "complement naive Bayes": lambda: make_pipeline(features(), ComplementNB(alpha=0.3)),
        "MLP, 64 hidden units": lambda: make_pipeline(
            features(), MLPClassifier(hidden_layer_sizes=(64,), max_iter=30, random_state=7)),
    }
    for name, build in candidates.items():
        def make(texts, labels, normalise, build=build):
            model = RiskModel.train(texts, labels, normalise, settings)
            model.risk = build().fit(
                [normalise(t) for t in texts], [int(label != NO_RISK) for label in labels]
            )
            model.fast_risk = None  # score with scikit-learn: not every candidate is linear
            return model

        started = time.perf_counter()
        figures = report(f"CV {k}-fold: {name}", cross_validate(net, k, make=make))
        print(f"  ({time.perf_counter() - started:.0f} s) {json.dumps(figures)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    parser.add_argument("--compare", action="store_true", help="compare techniques by CV")
    parser.add_argument("--heldout", type=Path, nargs="*", default=DEFAULT_HELDOUT)
    parser.add_argument("--model", action="store_true", help="also through the trained model")
    parser.add_argument("--server", help="also through this running server's REST channel")
    parser.add_argument("--rounds", type=int, default=5, help="rounds for the cost figure")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    nlp = load_pipeline()
    started = time.perf_counter()
    net = SafetyNet.load(nlp)
    print(f"safety net ready in {time.perf_counter() - started:.1f} s "
          f"(thresholds: full {net.settings.full_threshold}, soft {net.settings.soft_threshold})")
    if args.compare:
        compare(net, args.folds)
        return
    if not args.no_cv:
        report(f"Cross-validation ({args.folds}-fold) of the corpus, rules OR model",
               cross_validate(net, args.folds, sweep=True), args.show_misses)

    def plain(message: str) -> str:
        assessment = net.assess(message)
        return assessment.level if assessment else ""

    def rules_only(message: str) -> str:
        return FULL if net.detector.detect(message) else ""

    for path in args.heldout:
        name = path.name
        report(f"Held-out {name}: rules only", heldout_through(rules_only, [path]),
               args.show_misses)
        report(f"Held-out {name}: rules OR model (plain Python)", heldout_through(plain, [path]),
               args.show_misses)
        if args.model:
            from bot.ops.model_store import ensure_model

            report(f"Held-out {name}: through the trained Rasa model",
                   heldout_through(through_model(ensure_model(quiet=True)), [path]),
                   args.show_misses, replies=True)
        if args.server:
            report(f"Held-out {name}: through the running server {args.server}",
                   heldout_through(through_server(args.server), [path]), args.show_misses,
                   replies=True)

    corpus = load_corpus(categories=[c.id for c in load_rules(DEFAULT_RULES_PATH).categories])
    sample = list(corpus.texts)
    random.Random(3).shuffle(sample)
    detector_cost(net, sample[:1000], args.rounds)
    started = time.perf_counter()
    RiskModel.train(corpus.texts, corpus.labels, net.detector.normalise,
                    load_settings().estimator)
    print(f"model training on {len(corpus.texts):,} messages: "
          f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

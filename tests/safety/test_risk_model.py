"""The learned risk model and the safety net (rules OR model), as plain Python.

Recall on words the rules never saw is measured by ``bench/safety_eval.py`` on
cross-validation and on held-out sets; these tests pin the behaviour: every
corpus risk message is signposted, few hard negatives get full signposting,
distress emoji get a check-in, and data mistakes name the file and field.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import settings
from bot.core.data_files import DataFileError
from bot.core.spacy_pipeline import load_pipeline
from bot.safety.crisis import DEFAULT_RULES_PATH, load_rules
from bot.safety.risk_assessment import DISTRESS_EMOJI, FULL, SOFT, SafetyNet
from bot.safety.risk_model import (
    NO_RISK,
    ensure_risk_model,
    load_corpus,
    load_settings,
    nlu_examples,
)
from tests.safety_corpus import corpus_negatives, corpus_risk_messages

CATEGORIES = [category.id for category in load_rules().categories]
# The issue's floors for a corpus big and varied enough to learn from.
MIN_RISK_MESSAGES = 1500
MIN_NEGATIVES = 1500
MAX_HARD_NEGATIVE_FULL_RATE = 0.05


@pytest.fixture(scope="module")
def net() -> SafetyNet:
    return SafetyNet.load(load_pipeline())


def test_the_corpus_is_big_and_covers_every_category():
    corpus = load_corpus(categories=CATEGORIES)
    risk = [label for label in corpus.labels if label != NO_RISK]
    assert len(risk) >= MIN_RISK_MESSAGES
    assert corpus.labels.count(NO_RISK) >= MIN_NEGATIVES
    assert set(risk) == set(CATEGORIES)
    for category in CATEGORIES:
        assert risk.count(category) >= 150, category


def test_the_corpus_has_no_message_under_two_labels():
    labels: dict[str, set[str]] = {}
    corpus = load_corpus(categories=CATEGORIES)
    for text, label in zip(corpus.texts, corpus.labels, strict=True):
        labels.setdefault(" ".join(text.lower().split()), set()).add(label)
    assert [text for text, found in labels.items() if len(found) > 1] == []


def test_nlu_examples_are_everyday_negatives_but_safety_intents_are_not():
    corpus = load_corpus(categories=CATEGORIES)
    sources = set(corpus.sources)
    assert "nlu:greet" in sources and "nlu:ask_plan" in sources
    assert not any(s in sources for s in ("nlu:risk_signal", "nlu:not_safe_now"))
    assert all("[" not in text for _, text in nlu_examples())  # entity markup removed


def test_every_corpus_risk_message_gets_signposting(net):
    """Rules OR model: no risk message the model learned from goes without the numbers."""
    missed = [m for _, m in corpus_risk_messages() if net.assess(m) is None]
    assert missed == []


def test_few_hard_negatives_get_full_signposting(net):
    negatives = corpus_negatives()
    full = [m for m in negatives if (a := net.assess(m)) and a.level == FULL]
    soft = [m for m in negatives if (a := net.assess(m)) and a.level == SOFT]
    print(f"\nfull {len(full)}/{len(negatives)}, soft {len(soft)}/{len(negatives)}")
    assert len(full) / len(negatives) <= MAX_HARD_NEGATIVE_FULL_RATE


@pytest.mark.parametrize(
    "text",
    [
        "took loads of tablets before school",
        "been keeping my pills for a bad day",
        "going to step in front of a bus",
        "nobody would notice if i vanished",
        "did sh again after 3 months clean",
        "his girlfriend slaps her and then me",
        "sleeping on the buses tonight",
    ],
)
def test_the_issues_missed_examples_get_the_numbers(net, text):
    assert net.assess(text) is not None


@pytest.mark.parametrize(
    "text", ["i could murder a burger", "hi", "what is the plan for young people", "thanks"]
)
def test_everyday_messages_get_no_full_signposting(net, text):
    assessment = net.assess(text)
    assert assessment is None or assessment.level != FULL


@pytest.mark.parametrize("text", ["😭", "😭😭😭", "💔", "cant anymore 💔", "🥺 everything is bad"])
def test_distress_emoji_get_a_check_in(net, text):
    assessment = net.assess(text)
    assert assessment is not None and assessment.level in (SOFT, FULL)


@pytest.mark.parametrize("text", ["😂😂", "👍", "🎉 birthday today"])
def test_happy_emoji_get_nothing(net, text):
    assert net.assess(text) is None


def test_the_intent_models_suspicion_alone_gets_a_check_in(net):
    assessment = net.assess("hmm", intent_model_suspects=True)
    assert assessment is not None and assessment.level == SOFT


def test_a_rule_match_is_full_with_the_rules_category(net):
    assessment = net.assess("my stepdad hits me")
    assert assessment.level == FULL and assessment.category == "abuse_at_home"
    assert assessment.reason.startswith("rule")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_nothing_to_assess_in_empty_text(net, text):
    assert net.assess(text) is None


def test_the_fast_scorer_gives_scikit_learns_scores(net):
    """The pure-Python path the server uses equals scikit-learn's predict_proba."""
    sample = [m for _, m in corpus_risk_messages()[::7]] + corpus_negatives()[::7]
    sample += ["", "😭", "x" * 3000, "I'M SO DONE!!! 💀💀"]
    model = net.model
    normalised = [model.normalise(text) for text in sample]
    # Unrounded decision values: scikit-learn works in float32, we in float64.
    risk_reference = model.risk.decision_function(normalised)
    category_reference = model.category.decision_function(normalised)
    for i, text in enumerate(normalised):
        assert model.fast_risk.decision(text)[0] == pytest.approx(risk_reference[i], abs=1e-5)
        assert model.fast_category.decision(text) == pytest.approx(
            category_reference[i], abs=1e-5
        ), text
    for text, expected in zip(sample, model.score_many(sample), strict=True):
        assert model.category_of(text) == expected.category, text


def test_the_model_is_cached_by_the_hash_of_its_inputs(net):
    """Setup trains once; the next load reads the file instead of training again.

    (Training time is a figure for bench/safety_eval.py, not a test: machines are noisy.)
    """
    _, path = ensure_risk_model(net.detector.normalise, DEFAULT_RULES_PATH, CATEGORIES)
    written = path.stat().st_mtime_ns
    _, again = ensure_risk_model(net.detector.normalise, DEFAULT_RULES_PATH, CATEGORIES)
    assert again == path and path.stat().st_mtime_ns == written
    assert path.parent == Path(settings.get("MODEL_DIR")) and path.name.startswith("risk-")


# Data mistakes name the file and the field -------------------------------------------


def _corpus(tmp_path, text):
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    (folder / "some.yml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("messages: [a]\n", "category"),
        ("category: suicide\nmessages: [a]\n", "category"),
        ("category: none\n", "messages"),
        ("category: none\nmessages: ['ok', '']\n", "messages[1]"),
        ("category: [\n", "(file)"),
    ],
)
def test_corpus_errors_name_the_file_and_field(tmp_path, text, field):
    with pytest.raises(DataFileError) as error:
        load_corpus(_corpus(tmp_path, text), nlu_dir=None, categories=CATEGORIES)
    assert error.value.field == field and "some.yml" in str(error.value)


def test_a_thin_category_is_refused(tmp_path):
    folder = _corpus(tmp_path, "category: friend_at_risk\nmessages: [my mate is not ok]\n")
    with pytest.raises(DataFileError, match="at least 20"):
        load_corpus(folder, nlu_dir=None, categories=["friend_at_risk"])


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("estimator: {C: 1, word_ngrams: [1, 2], char_ngrams: [2, 5]}\n", "thresholds"),
        (
            "thresholds: {full: 0.2, soft: 0.5}\n"
            "estimator: {C: 1, word_ngrams: [1, 2], char_ngrams: [2, 5]}\n",
            "thresholds",
        ),
        ("thresholds: {full: 0.5, soft: 0.2}\nestimator: {C: 1}\n", "estimator.word_ngrams"),
        (
            "thresholds: {full: 0.5, soft: 0.2}\n"
            "estimator: {C: 1, word_ngrams: [1, 2], char_ngrams: [2, 5]}\n"
            "distress_emoji: ['😭', '']\n",
            "distress_emoji[1]",
        ),
    ],
)
def test_settings_errors_name_the_field(tmp_path, text, field):
    path = tmp_path / "risk_model.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_settings(path)
    assert error.value.field == field and str(path) in str(error.value)


def test_distress_emoji_get_the_check_in_even_when_the_model_is_unsure(net):
    """The Rasa side keeps soft signposting beside another answer only for MODEL_UNSURE;
    distress emoji always ask "are you OK?"."""
    for text in ("💔 cant do today", "😭😭", "everything is 💔"):
        assessment = net.assess(text)
        assert assessment is not None and assessment.level == SOFT, text
        assert assessment.reason == DISTRESS_EMOJI, text

"""The safety detector as plain Python: recall, categories, false positives, rules file."""

from __future__ import annotations

import pytest

from bot.core.data_files import DataFileError
from bot.core.spacy_pipeline import load_pipeline
from bot.safety.crisis import RiskDetector, load_rules
from tests.safety_corpus import (
    MAX_FALSE_POSITIVE_RATE,
    RULES_CATEGORY_DIFFERS,
    hard_negatives,
    risk_messages,
)


@pytest.fixture(scope="module")
def detector() -> RiskDetector:
    return RiskDetector(load_pipeline())


def test_corpus_is_big_enough():
    """The corpus meets the issue's floor: 150 risk messages and 80 hard negatives."""
    assert len(risk_messages()) >= 150
    assert len(hard_negatives()) >= 80
    categories = {category for category, _ in risk_messages() if category}
    assert categories == {c.id for c in load_rules().categories}


def test_every_risk_message_is_detected(detector):
    """Recall is 100%: no risk message in the corpus goes unflagged."""
    missed = [message for _, message in risk_messages() if detector.detect(message) is None]
    assert missed == []


def test_risk_messages_get_their_category(detector):
    """Each message gets the signposting that fits it (friend, parent, home, ...)."""
    wrong = [
        (message, expected, detector.detect(message).category)
        for expected, message in risk_messages()
        if message not in RULES_CATEGORY_DIFFERS
        and detector.detect(message).category != expected
    ]
    assert wrong == []


def test_false_positive_rate_on_hard_negatives(detector):
    """Everyday idioms ("this homework is killing me") mostly pass; the rate is reported."""
    negatives = hard_negatives()
    flagged = [m for m in negatives if detector.detect(m)]
    rate = len(flagged) / len(negatives)
    print(f"\ndetector false positives: {len(flagged)}/{len(negatives)} = {rate:.1%}: {flagged}")
    assert rate < MAX_FALSE_POSITIVE_RATE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I wanna KMS!!!", "i want to kill myself !!!"),
        ("k1ll mys3lf", "kill myself"),
        ("i want to diiiie", "i want to die"),
        ("I\u2019m so done", "i'm so done"),
        ("this homework is killing me", "this homework is killing me"),
        ("the suicide squad film", "the ~ film"),
        ("i want to 0d", "i want to overdose"),
        ("my code is c020d6fe", "my code is c 020 d 6 fe"),
    ],
)
def test_normalise(detector, text, expected):
    """Slang, leetspeak, stretched letters and curly quotes are undone; idioms blanked."""
    assert detector.normalise(text) == expected


@pytest.mark.parametrize("text", ["", "   ", None, "\u200b"])
def test_nothing_to_detect_in_empty_text(detector, text):
    assert detector.detect(text) is None


def test_risk_at_the_end_of_a_long_message_is_found(detector):
    """A disclosure after a long preamble still counts."""
    assert detector.detect("blah " * 4000 + "and i want to kill myself").category == (
        "suicide_self_harm"
    )


def _write(tmp_path, text):
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_regex_names_file_and_field(tmp_path):
    """An editor's mistake stops start-up with the file and field named."""
    path = _write(tmp_path, "categories:\n  - id: a\n    label: A\n    regex: ['(unclosed']\n")
    with pytest.raises(DataFileError) as error:
        load_rules(path)
    assert str(path) in str(error.value)
    assert "categories[0].regex[0]" in str(error.value)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("expansions: {}\n", "categories"),
        ("categories:\n  - label: A\n    regex: [x]\n", "categories[0].id"),
        ("categories:\n  - id: a\n    regex: [x]\n", "categories[0].label"),
        ("categories:\n  - id: a\n    label: A\n", "categories[0]"),
        (
            "categories:\n  - {id: a, label: A, regex: [x]}\n  - {id: a, label: B, regex: [y]}\n",
            "categories[1].id",
        ),
        ("categories: [\n", "(file)"),
    ],
)
def test_rules_schema_errors(tmp_path, text, field):
    with pytest.raises(DataFileError) as error:
        load_rules(_write(tmp_path, text))
    assert error.value.field == field


def test_missing_rules_file_is_named(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        load_rules(tmp_path / "nope.yml")


def test_long_runs_reach_the_tokenizer_in_bounded_pieces(detector):
    """spaCy's tokenizer is quadratic in a run of symbols: one paste of emoji froze the server."""
    emoji = "".join(chr(0x1F600 + i % 70) for i in range(5000))
    pieces = detector.normalise(emoji + " " + "abcdefghij" * 50).split()
    assert max(len(piece) for piece in pieces) <= 40
    assert "".join(piece for piece in pieces if not piece.isascii()) == emoji  # nothing lost

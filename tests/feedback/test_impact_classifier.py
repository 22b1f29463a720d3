"""The impact suggester: its data checks, its answers, and the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from bot import PROJECT_ROOT, settings
from bot.core.data_files import DataFileError
from bot.core.flourish import IMPACT_SLUGS
from bot.feedback.impact_classifier import MIN_EXAMPLES_PER_IMPACT, ensure_classifier, load_examples


@pytest.fixture(scope="module")
def classifier():
    return ensure_classifier()


def test_every_impact_has_enough_varied_examples():
    examples = load_examples()
    assert set(examples) == set(IMPACT_SLUGS)
    for slug, texts in examples.items():
        assert len(set(texts)) >= MIN_EXAMPLES_PER_IMPACT, slug


def test_example_file_errors_name_the_field(tmp_path):
    path = tmp_path / "examples.yml"
    examples = load_examples()
    examples["learning"] = examples["learning"][:5]
    path.write_text(yaml.safe_dump({"examples": examples}))
    with pytest.raises(DataFileError, match="examples.learning.*at least 30"):
        load_examples(path)
    examples = load_examples()
    examples["happiness"] = ["x"]
    path.write_text(yaml.safe_dump({"examples": examples}))
    with pytest.raises(DataFileError, match="examples.happiness.*unknown impact"):
        load_examples(path)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("my maths teacher makes me feel stupid in lessons", "learning"),
        ("i never see my dad and my mum and i argue", "family-and-friends"),
        ("there is nothing to do after school round here", "opportunity"),
        ("adults never listen to what i say", "understood"),
        ("i get so stressed and anxious i can't cope", "resilience"),
        ("people are racist about my religion", "individual"),
        ("there are gangs with knives near my house", "safe-and-secure"),
        ("i can't get a doctor's appointment for my asthma", "healthy"),
    ],
)
def test_clear_feedback_gets_the_obvious_impact(classifier, text, slug):
    suggestion = classifier.suggest(text)
    assert suggestion.slug == slug
    assert 0 < suggestion.confidence <= 1
    assert [s for s, _ in suggestion.ranking][0] == slug
    assert abs(sum(p for _, p in suggestion.ranking) - 1) < 1e-6


def test_held_out_phrasings_are_mostly_right(classifier):
    """Phrasings never used in training: clearly better than chance (12.5%).

    bench/impact_eval.py prints the exact figure; this guards against regressions.
    """
    data = yaml.safe_load(open(PROJECT_ROOT / "tests/impact_heldout.yml", encoding="utf-8"))
    pairs = [(slug, text) for slug, texts in data["phrasings"].items() for text in texts]
    right = sum(classifier.suggest(text).slug == slug for slug, text in pairs)
    assert right / len(pairs) >= 0.8, f"{right}/{len(pairs)}"


def test_odd_input_still_gets_a_suggestion(classifier):
    for text in ("", "!!!", "<script>alert(1)</script>", "x" * 20000, "'; DROP TABLE feedback"):
        assert classifier.suggest(text).slug in IMPACT_SLUGS


def test_cli_prints_slug_and_confidence():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "impact", "i feel like nobody listens to me"],
        cwd=PROJECT_ROOT,
        env=settings.process_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    slug, confidence = result.stdout.split()
    assert slug == "understood" and 0 < float(confidence) <= 1

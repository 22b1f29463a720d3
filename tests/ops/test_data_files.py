"""The data files agree with each other and with the domain."""

from __future__ import annotations

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.core.data_files import DataFileError
from bot.core.intent_labels import load_wording
from bot.ops.data_check import check_all
from bot.safety.crisis import load_rules

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
URGENT_NUMBERS = ("999", "0800 1111")


def crisis_variations() -> dict[str | None, str]:
    variations = {}
    for variation in DOMAIN["responses"]["utter_crisis"]:
        conditions = variation.get("condition") or []
        key = conditions[0]["value"] if conditions else None
        variations[key] = variation["text"]
    return variations


def test_every_data_file_loads():
    assert check_all() == 0


def test_every_category_has_its_own_signposting():
    """Each risk category id has an utter_crisis variation, plus a default for safety."""
    variations = crisis_variations()
    category_ids = {c.id for c in load_rules().categories}
    assert category_ids | {None} == set(variations)
    assert set(DOMAIN["slots"]["risk_category"]["values"]) == category_ids


@pytest.mark.parametrize("category", [None, *[c.id for c in load_rules().categories]])
def test_signposting_gives_urgent_numbers_and_says_it_is_a_bot(category):
    text = crisis_variations()[category]
    for number in URGENT_NUMBERS:
        assert number in text
    assert "chatbot" in text and "can't send help" in text


@pytest.mark.parametrize(
    ("category", "must_mention"),
    [
        ("suicide_self_harm", ["85258", "116 123", "111", "option 2"]),
        ("sexual_abuse_exploitation", ["CEOP"]),
        ("adult_worried_about_child", ["0808 800 5000", "CEOP"]),
        ("friend_at_risk", ["trusted adult"]),
    ],
)
def test_category_specific_services(category, must_mention):
    text = crisis_variations()[category]
    for fact in must_mention:
        assert fact in text


def test_the_safety_question_offers_both_answers():
    buttons = DOMAIN["responses"]["utter_crisis_check_safe"][0]["buttons"]
    assert {b["payload"] for b in buttons} == {"/safe_now", "/not_safe_now"}


def test_every_intent_has_a_plain_english_label():
    """The fallback never shows an intent name like 'ask_plan' to a young person."""
    wording = load_wording()
    assert set(DOMAIN["intents"]) <= set(wording.labels)
    assert all("_" not in label for label in wording.labels.values())


def test_button_titles_never_show_intent_names():
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            for button in variation.get("buttons", []):
                assert "_" not in button["title"] and "/" not in button["title"], name


def test_wording_schema_error_names_the_field(tmp_path):
    path = tmp_path / "labels.yml"
    path.write_text(
        "question: no placeholder\nconfirm_button: y\nreject_button: n\nlabels: {a: b}\n"
    )
    with pytest.raises(DataFileError) as error:
        load_wording(path)
    assert error.value.field == "question" and str(path) in str(error.value)

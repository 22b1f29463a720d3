"""Plan-versus-plan doubt does not trigger the fallback; other doubt still does."""

from __future__ import annotations

from bot.rasa_components.plan_intent_family import family_intent

FALLBACK = {"name": "nlu_fallback", "confidence": 0.4}


def ranking(*pairs):
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def test_two_close_plan_intents_keep_the_top_one():
    result = family_intent(FALLBACK, ranking(("ask_about", 0.45), ("ask_plan", 0.42)), 0.4)
    assert result["name"] == "ask_about"


def test_plan_against_something_else_still_falls_back():
    assert family_intent(FALLBACK, ranking(("ask_about", 0.45), ("greet", 0.42)), 0.4) is None


def test_low_confidence_still_falls_back():
    assert family_intent(FALLBACK, ranking(("ask_about", 0.15), ("ask_plan", 0.1)), 0.4) is None


def test_other_intents_are_left_alone():
    assert family_intent({"name": "greet", "confidence": 0.9}, [], 0.4) is None
    assert family_intent(FALLBACK, ranking(("greet", 0.3), ("ask_plan", 0.3)), 0.4) is None

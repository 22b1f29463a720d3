"""Action server responses are still checked, with a validator built once."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import bot.rasa_components  # noqa: F401  (installs the faster check, as Rasa does)
from bot.rasa_components.action_results import validate_action_result


def test_rasa_uses_the_built_once_validator():
    assert RemoteAction._validate_action_result is validate_action_result


def test_good_responses_pass_and_bad_ones_fail_as_before():
    action = RemoteAction("action_x", None)
    good = {
        "events": [{"event": "slot", "name": "support_need", "value": "bullying"}],
        "responses": [{"text": "hi"}],
    }
    assert action._validate_action_result(good) is True
    for bad in (
        {"events": "not a list"},
        {"events": [{"event": "slot"}]},  # a slot event needs its name
        {"events": [{"event": "no_such_event"}]},
        {"responses": ["not an object"]},
        [],
    ):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(bad)

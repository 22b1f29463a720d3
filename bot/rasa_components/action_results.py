"""Checking action server responses once per schema, not once per response.

Rasa 3.6 checks every action server response with ``jsonschema.validate``, which
first checks the schema itself and builds a new validator, every time: a quarter
of the Rasa server's time under load went there (Rasa issue 11717). The response
is still checked against the same schema, with the same errors, by a validator
built once. Installed when Rasa imports our components (``__init__``), only on
the Rasa version it was written for.
"""

from __future__ import annotations

from typing import Any, Dict

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction

from bot.rasa_components.rasa_version import is_patched_rasa


def _build_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


_VALIDATOR = _build_validator()


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """Rasa's check of an action server response, with the validator built once."""
    error = best_match(_VALIDATOR.iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid."
    )
    raise error


def install() -> bool:
    """Use the built-once validator if this is the Rasa it was written for."""
    if not is_patched_rasa("action responses are checked the slow way"):
        return False
    RemoteAction._validate_action_result = validate_action_result
    return True

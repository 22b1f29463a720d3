"""The names the safety net's verdict travels under in Rasa.

The risk classifier sets them, the safety policy, the count action and the feedback
form read them; one definition keeps the four in step. (No heavy imports: the
feedback form and find-support read these without loading the risk model.)
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

RISK_INTENT = "risk_signal"
LEVEL_ENTITY = "risk_level"  # "full" or "soft"
RISK_ENTITY = "risk_category"  # a rules category id


def risk_in_session(events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether any message since the session started set off the safety net."""
    for event in reversed(events):
        if event.get("event") == "session_started":
            return False
        if event.get("event") == "user":
            parse_data = event.get("parse_data") or {}
            if (parse_data.get("intent") or {}).get("name") == RISK_INTENT:
                return True
            if any(e.get("entity") == LEVEL_ENTITY for e in parse_data.get("entities") or []):
                return True  # soft signposting alongside another answer
    return False

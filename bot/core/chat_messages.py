"""What a custom action sends: text with optional buttons, free of rasa-sdk."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Message:
    text: str
    buttons: tuple[Button, ...] = ()

    def button_dicts(self) -> list[dict[str, str]]:
        return [button.as_dict() for button in self.buttons]


def choice_payload(value: str) -> str:
    """A button payload that carries its answer as the ``choice`` entity, skipping NLU."""
    return "/inform" + json.dumps({"choice": value})

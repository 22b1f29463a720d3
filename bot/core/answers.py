"""Reading what a person typed or tapped, shared by the feedback and support forms.

Both forms ask for an age band and an area and must tell "stop" from an answer;
reading those the same way in both is what makes "I'm 14" or "somewhere else"
mean one thing across the assistant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from bot.core.age_bands import AGE_BANDS, band_for_age

SKIP = "skip"
OTHER_AREA = "other"
SHORT_COMMAND_WORDS = 4
SKIP_WORDS = re.compile(r"\b(skip|pass|rather not|prefer not|don'?t want to say|no comment)\b")
# A whole message that only means "stop" (or "bye"), as opposed to an answer that
# happens to contain the word ("i want the bullying to stop").
LEAVING_COMMAND = re.compile(
    r"^(please |ok |okay )?(stop( it| this| now)?|cancel( it| this| that)?|quit|exit|"
    r"end( this| it)?|forget (it|this|that)|never ?mind|leave it|bye|bye bye|goodbye|"
    r"see ya|i'?ve changed my mind|i changed my mind|no thanks|not now|"
    r"i don'?t want to( do this)?( any ?more)?|i want to stop)( please| thanks)?[.!]*$"
)
LEAVING_INTENTS = frozenset({"stop", "goodbye"})
# Someone answering "how old are you?" as a parent or carer.
PARENT_WORDS = re.compile(r"\b(parent|carer|mum|mom|dad|guardian|foster carer|grandparent)\b")
# A parent who says so unprompted ("my son is being bullied").
PARENT_CUES = re.compile(
    r"\bmy (son|daughter|child|children|kid|kids|teenager|teen|baby|toddler|boy|girl)\b"
    r"|\bi'?m (a|his|her|their) (parent|mum|mom|dad|carer|foster carer|guardian)\b"
    r"|\bas a (parent|carer|mum|dad)\b|\bi'?m a parent\b"
)
OTHER_AREA_WORDS = re.compile(r"\b(somewhere else|elsewhere|other|neither|none)\b")


@dataclass(frozen=True)
class Answer:
    """What the person said, as the latest message arrived from Rasa."""

    text: str
    intent: str = ""
    choice: str | None = None  # the "choice" entity a button carries

    @classmethod
    def from_message(cls, message: Mapping[str, Any]) -> Answer:
        entities = message.get("entities") or []
        choice = next((e.get("value") for e in entities if e.get("entity") == "choice"), None)
        return cls(
            text=(message.get("text") or "").strip(),
            intent=((message.get("intent") or {}).get("name") or ""),
            choice=str(choice) if choice is not None else None,
        )

    @property
    def typed(self) -> str:
        """The text, lower-cased, unless it is a button payload."""
        return "" if self.text.startswith("/") else " ".join(self.text.lower().split())

    @property
    def skipped(self) -> bool:
        return self.intent == "skip" or self.choice == SKIP or bool(SKIP_WORDS.search(self.typed))


def is_leaving(answer: Answer) -> bool:
    """Whether a reply means stop rather than being an answer.

    A question that takes any text cannot trust the intent alone: the model may file
    "i want the bullying to stop" under ``stop``. Only a short message with a leaving
    intent, or a bare "stop"-like command, counts as leaving.
    """
    typed = answer.typed.rstrip(".! ")
    if LEAVING_COMMAND.match(typed):
        return True
    return answer.intent in LEAVING_INTENTS and len(typed.split()) <= SHORT_COMMAND_WORDS


def parent_from_text(text: str) -> str | None:
    """"parent-carer" when a message says its writer is a parent or carer."""
    return "parent-carer" if PARENT_CUES.search(text.lower()) else None


def read_age_band(answer: Answer, labels: Mapping[str, str]) -> str | None:
    """A band from a button, a label, "I'm a parent", or an age in years."""
    if answer.skipped:
        return SKIP
    if answer.choice in AGE_BANDS:
        return answer.choice
    typed = answer.typed
    if PARENT_WORDS.search(typed):
        return "parent-carer"
    for band, label in labels.items():
        if typed == label.lower():
            return band
    if "under 11" in typed or "under eleven" in typed:
        return "under-11"
    found = re.search(r"\b(\d{1,2})\b", typed)
    return band_for_age(int(found.group(1))) if found else None


def read_area(answer: Answer, areas: Mapping[str, str]) -> str | None:
    """An area id from a button or a name in the text; OTHER_AREA for "somewhere else"."""
    if answer.skipped:
        return SKIP
    if answer.choice in areas or answer.choice == OTHER_AREA:
        return answer.choice
    typed = answer.typed
    for area, name in areas.items():
        if area in typed or name.lower() in typed:
            return area
    if typed and OTHER_AREA_WORDS.search(typed):
        return OTHER_AREA
    return None

"""The feedback conversation without Rasa: questions, buttons and reading answers.

The Rasa form (``actions/feedback_actions.py``) asks for six slots in order; this
module decides what each question says and what an answer means. Buttons send
intent payloads (``/inform{"choice": ...}``, ``/skip``, ``/affirm``…) so a tap
never depends on the NLU model; typed answers are read from the text.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from bot import project_path
from bot.core.age_bands import AGE_BANDS
from bot.core.answers import (
    OTHER_AREA,
    SHORT_COMMAND_WORDS,
    SKIP,
    Answer,
    is_leaving,
    read_age_band,
    read_area,
)
from bot.core.chat_messages import Button, Message, choice_payload
from bot.core.data_files import DataFileError, load_yaml, require
from bot.core.flourish import IMPACT_SLUGS
from bot.feedback.store import NewFeedback
from bot.safety.risk_signal import risk_in_session

WORDING_FILE = Path("data/feedback/wording.yml")

SLOTS: tuple[str, ...] = (
    "feedback_text",
    "feedback_impact",
    "feedback_rating",
    "feedback_age_band",
    "feedback_area",
    "feedback_consent",
)
# Slots the form fills on the way, cleared with the others when feedback ends.
HELPER_SLOTS: tuple[str, ...] = (
    "feedback_suggestion",
    "feedback_confidence",
    "feedback_impact_choice",
)
# Namespace for record ids (uuid5), fixed so retries map to the same id.
RECORD_NAMESPACE = uuid.UUID("6f1c3a52-3c55-4d0b-9a8e-7f4f1f0c2b11")
STOPPED = "stopped"  # feedback_consent when they left at the first question
CONFIDENT = 0.35  # below this the suggestion is offered as a choice, not a guess
MIN_TEXT_CHARACTERS = 3
MAX_TEXT_CHARACTERS = 2000
PREVIEW_CHARACTERS = 240
MIN_OPENING_WORDS = 3  # words beyond asking to give feedback that make it the feedback

QUESTION_KEYS = (
    "feedback_text",
    "feedback_impact_confident",
    "feedback_impact_unsure",
    "feedback_rating",
    "feedback_age_band",
    "feedback_area",
    "feedback_consent",
)
BUTTON_KEYS = (
    "confirm_impact",
    "skip",
    "rating_low",
    "rating_high",
    "other_area",
    "consent_yes",
    "consent_change",
    "consent_no",
    "try_again",
    "no_thanks",
    "resume_yes",
    "resume_no",
    "give_feedback",
    "tell_us",
    "find_support",
    "menu",
)
REPLY_KEYS = (
    "saved",
    "already_saved",
    "not_saved_consent",
    "save_failed",
    "nothing_to_save",
    "stopped",
    "stopped_nothing",
    "resume_offer",
    "whats_next",
)
WE_DID_KEYS = ("after_saving", "intro", "update", "none", "unavailable", "everywhere")

YES = re.compile(r"^(y|yes|yeah|yep|yup|ye|ya|sure|ok|okay|correct|right|that'?s right)\b")
NO = re.compile(r"^(n|no|nope|nah|don'?t|do not)\b")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


@dataclass(frozen=True)
class FeedbackWording:
    impacts: Mapping[str, str]
    questions: Mapping[str, str]
    buttons: Mapping[str, str]
    age_bands: Mapping[str, str]
    retry: Mapping[str, str]
    replies: Mapping[str, str]
    we_did: Mapping[str, str]
    request_words: frozenset[str] = frozenset()

    def impact_label(self, slug: str | None) -> str:
        return self.impacts.get(slug or "", slug or "")


def load_feedback_wording(path: Path | None = None) -> FeedbackWording:
    """Load and check ``data/feedback/wording.yml``; errors name the file and field."""
    path = project_path(path or WORDING_FILE)
    data = load_yaml(path)

    def strings(section: str, keys: Sequence[str], within: Any = None, where: str = "") -> dict:
        mapping = require(within if within is not None else data, section, dict, path, where)
        field = f"{where}.{section}" if where else section
        return {key: require(mapping, key, str, path, field) for key in keys}

    wording = FeedbackWording(
        impacts=strings("impacts", IMPACT_SLUGS),
        questions=strings("questions", QUESTION_KEYS),
        buttons=strings("buttons", BUTTON_KEYS),
        age_bands=strings("age_bands", AGE_BANDS, data.get("buttons"), "buttons"),
        retry=strings("retry", SLOTS),
        replies=strings("replies", REPLY_KEYS),
        we_did=strings("we_did", WE_DID_KEYS),
        request_words=frozenset(
            str(word).lower() for word in require(data, "request_words", list, path)
        ),
    )
    _check_placeholders(wording, path)
    return wording


def _check_placeholders(wording: FeedbackWording, path: Path) -> None:
    needed = {
        "questions.feedback_impact_confident": (wording.questions, "{impact}"),
        "questions.feedback_consent": (wording.questions, "{impact}"),
        "buttons.confirm_impact": (wording.buttons, "{impact}"),
        "replies.saved": (wording.replies, "{impact}"),
        "we_did.after_saving": (wording.we_did, "{we_did}"),
        "we_did.update": (wording.we_did, "{we_did}"),
    }
    for field, (section, placeholder) in needed.items():
        if placeholder not in section[field.split(".", 1)[1]]:
            raise DataFileError(path, field, f"must contain {placeholder}")


class FeedbackFlow:
    """Questions and answer-reading for the feedback form; no Rasa, no database."""

    def __init__(self, wording: FeedbackWording, areas: Mapping[str, str]) -> None:
        self.wording = wording
        self.areas = dict(areas)  # area id -> display name

    # Questions -----------------------------------------------------------------

    def question(self, slot: str, slots: Mapping[str, Any]) -> Message:
        w = self.wording
        skip = Button(w.buttons["skip"], "/skip")
        if slot == "feedback_text":
            return Message(w.questions["feedback_text"])
        if slot == "feedback_impact":
            return self._impact_question(slots.get("feedback_suggestion"), slots)
        if slot == "feedback_rating":
            titles = [w.buttons["rating_low"], "2", "3", "4", w.buttons["rating_high"]]
            buttons = [Button(t, choice_payload(str(n))) for n, t in enumerate(titles, start=1)]
            return Message(w.questions["feedback_rating"], (*buttons, skip))
        if slot == "feedback_age_band":
            buttons = [Button(w.age_bands[band], choice_payload(band)) for band in AGE_BANDS]
            return Message(w.questions["feedback_age_band"], (*buttons, skip))
        if slot == "feedback_area":
            buttons = [Button(name, choice_payload(area)) for area, name in self.areas.items()]
            other = Button(w.buttons["other_area"], choice_payload(OTHER_AREA))
            return Message(w.questions["feedback_area"], (*buttons, other, skip))
        if slot == "feedback_consent":
            text = w.questions["feedback_consent"].format(
                text=preview(slots.get("feedback_text") or ""),
                impact=w.impact_label(slots.get("feedback_impact")),
            )
            return Message(
                text,
                (
                    Button(w.buttons["consent_yes"], "/affirm"),
                    Button(w.buttons["consent_change"], choice_payload("change")),
                    Button(w.buttons["consent_no"], "/deny"),
                ),
            )
        raise KeyError(slot)

    def _impact_question(self, suggestion: str | None, slots: Mapping[str, Any]) -> Message:
        w = self.wording
        confidence = float(slots.get("feedback_confidence") or 0.0)
        ordered = [suggestion] if suggestion in IMPACT_SLUGS else []
        ordered += [slug for slug in IMPACT_SLUGS if slug not in ordered]
        buttons = [Button(w.impacts[slug], choice_payload(slug)) for slug in ordered]
        if suggestion in IMPACT_SLUGS and confidence >= CONFIDENT:
            label = w.impacts[suggestion]
            buttons[0] = Button(w.buttons["confirm_impact"].format(impact=label), "/affirm")
            text = w.questions["feedback_impact_confident"].format(impact=label)
        else:
            text = w.questions["feedback_impact_unsure"]
        return Message(text, tuple(buttons))

    def whats_next(self) -> Message:
        """After "saved": a way on, not a dead end."""
        buttons = self.wording.buttons
        return Message(
            self.wording.replies["whats_next"],
            (Button(buttons["find_support"], "/find_support"), Button(buttons["menu"], "/help")),
        )

    def retry(self, slot: str) -> str:
        return self.wording.retry[slot]

    # Reading answers -----------------------------------------------------------

    def is_leaving(self, answer: Answer) -> bool:
        """Whether a reply to "what happened?" means stop (see :func:`is_leaving`)."""
        return is_leaving(answer)

    def read_text(self, answer: Answer) -> str | None:
        if answer.text.startswith("/"):
            return None  # a button from an earlier message, not feedback
        if answer.skipped and len(answer.typed.split()) <= SHORT_COMMAND_WORDS:
            return None  # "skip": this step is the one that cannot be skipped
        text = " ".join(answer.text.split())
        if len(text) < MIN_TEXT_CHARACTERS or not any(ch.isalpha() for ch in text):
            return None
        return text[:MAX_TEXT_CHARACTERS]

    def opening_text(self, answer: Answer) -> str | None:
        """The first message as the feedback itself, when it already says how they feel.

        "I feel like nobody listens to me at school" is the feedback; asking "tell
        me in your own words" after it makes them say it twice. "I want to give
        feedback" is only a request: every word of it is in ``request_words``.
        """
        words = re.findall(r"[a-z']+", answer.typed)
        told = [word for word in words if word not in self.wording.request_words]
        if len(told) < MIN_OPENING_WORDS:
            return None
        return self.read_text(answer)

    def read_impact(self, answer: Answer, suggestion: str | None) -> tuple[str, str] | None:
        """The chosen slug and how it was chosen, or None if unclear."""
        slug: str | None = None
        if answer.choice in IMPACT_SLUGS:
            slug = answer.choice
        elif answer.intent == "affirm" or YES.match(answer.typed):
            slug = suggestion if suggestion in IMPACT_SLUGS else None
        else:
            slug = self._impact_named_in(answer.typed)
        if slug is None:
            return None
        how = "suggested-confirmed" if slug == suggestion else "changed-by-user"
        return slug, how

    def _impact_named_in(self, typed: str) -> str | None:
        if not typed:
            return None
        for slug, label in self.wording.impacts.items():
            if typed in (slug, label.lower()) or label.lower() in typed:
                return slug
        return None

    def read_rating(self, answer: Answer) -> str | None:
        if answer.skipped:
            return SKIP
        if answer.choice and answer.choice.isdigit():
            number = int(answer.choice)
        else:
            found = re.search(r"\b([1-5])\b|\b(one|two|three|four|five)\b", answer.typed)
            if not found:
                return None
            number = int(found.group(1)) if found.group(1) else NUMBER_WORDS[found.group(2)]
        return str(number) if 1 <= number <= 5 else None

    def read_age_band(self, answer: Answer) -> str | None:
        return read_age_band(answer, self.wording.age_bands)

    def read_area(self, answer: Answer) -> str | None:
        return read_area(answer, self.areas)

    def read_consent(self, answer: Answer) -> str | None:
        if answer.choice == "change":
            return "change"
        if answer.intent == "affirm" or YES.match(answer.typed):
            return "yes"
        if answer.intent == "deny" or NO.match(answer.typed):
            return "no"
        return None


def preview(text: str) -> str:
    """The scrubbed text as it would be stored, shortened for the question."""
    from bot.safety.personal_data import scrub

    scrubbed = scrub(text).text
    if len(scrubbed) <= PREVIEW_CHARACTERS:
        return scrubbed
    return scrubbed[: PREVIEW_CHARACTERS - 1].rstrip() + "…"


def optional_value(value: Any) -> str | None:
    """A slot value with "skip" and "other" meaning nothing to store."""
    if value in (None, "", SKIP, OTHER_AREA):
        return None
    return str(value)


def pending_feedback(slots: Mapping[str, Any]) -> bool:
    """Whether the person has started feedback that is neither saved nor stopped."""
    return bool(slots.get("feedback_text"))


def record_id(conversation_id: str, events: Sequence[Mapping[str, Any]]) -> str:
    """One id per run of the form, the same however often the save is retried.

    Derived from the conversation and the time the form was last activated, so a
    retried action (or "try again" after an outage) finds the record it already
    wrote instead of writing a second one.
    """
    started = next(
        (
            event.get("timestamp")
            for event in reversed(events)
            if event.get("event") == "active_loop" and event.get("name") == "feedback_form"
        ),
        None,
    )
    return str(uuid.uuid5(RECORD_NAMESPACE, f"{conversation_id}|{started}"))


def build_record(
    conversation_id: str,
    slots: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    signals_risk: Callable[[str], bool],
) -> NewFeedback:
    """The record to store from the form's slots (the store scrubs and hashes it).

    ``signals_risk`` is the safety net's verdict on the text; a record is flagged for
    safeguarding review when it, or any message this session, signalled risk.
    """
    text = str(slots.get("feedback_text") or "")
    rating = optional_value(slots.get("feedback_rating"))
    confidence = slots.get("feedback_confidence")
    return NewFeedback(
        id=record_id(conversation_id, events),
        conversation_id=conversation_id,
        text=text,
        impact=str(slots.get("feedback_impact")),
        impact_choice=str(slots.get("feedback_impact_choice") or "changed-by-user"),
        suggested_impact=optional_value(slots.get("feedback_suggestion")),
        suggestion_confidence=float(confidence) if confidence is not None else None,
        rating=int(rating) if rating else None,
        age_band=optional_value(slots.get("feedback_age_band")),
        area=optional_value(slots.get("feedback_area")),
        safeguarding_flag=signals_risk(text) or risk_in_session(events),
    )

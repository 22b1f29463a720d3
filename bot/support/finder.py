"""Finds services for a need and says them in plain words: who, how, when, for whom.

Plain Python over the directory (``bot/support/directory.py``): the Rasa actions
only pass in what the person said and chose. "Open now" is computed for the
moment asked, in Europe/London time (``bot/support/opening_hours.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Mapping, Sequence

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot import project_path
from bot.core.age_bands import AGE_BANDS, BAND_AGE
from bot.core.answers import OTHER_AREA, Answer, parent_from_text, read_age_band, read_area
from bot.core.chat_messages import Button, Message, choice_payload
from bot.core.data_files import load_yaml, require
from bot.plan.content import ContentLibrary
from bot.support.directory import Need, Needs, Service
from bot.support.opening_hours import status

WORDING_FILE = Path("data/services/wording.yml")
PAGE_SIZE = 3


@dataclass(frozen=True)
class SupportWording:
    questions: Mapping[str, str]
    who_buttons: Mapping[str, str]
    buttons: Mapping[str, str]
    replies: Mapping[str, str]


def load_support_wording(path: Path | None = None) -> SupportWording:
    path = project_path(path or WORDING_FILE)
    data = load_yaml(path)
    questions = require(data, "questions", dict, path)
    buttons = require(data, "buttons", dict, path)
    replies = require(data, "replies", dict, path)
    who = require(buttons, "who", dict, path, "buttons")
    return SupportWording(
        questions={
            k: require(questions, k, str, path, "questions") for k in ("need", "who", "area")
        },
        who_buttons={band: require(who, band, str, path, "buttons.who") for band in AGE_BANDS},
        buttons={
            k: require(buttons, k, str, path, "buttons")
            for k in ("other_area", "more", "talk", "other_need")
        },
        replies={
            k: require(replies, k, str, path, "replies")
            for k in (
                "intro",
                "intro_more",
                "none",
                "no_more",
                "example_note",
                "talk_intro",
                "talk_none",
            )
        },  # fmt: skip
    )


class NeedMatcher:
    """Which need a message is about, from the needs' words on spaCy lemmas."""

    CONTEXT_WEIGHT = 0.5

    def __init__(self, nlp: Language, needs: Needs) -> None:
        self.nlp = nlp
        self.needs = needs
        self.order = {need.id: index for index, need in enumerate(needs.items)}
        self.matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in ("LOWER", "LEMMA")}
        for need in needs.items:
            for label, words in ((need.id, need.words), (f"{need.id}|context", need.context)):
                if words:
                    patterns = list(nlp.pipe(words))
                    for matcher in self.matchers.values():
                        matcher.add(label, patterns)

    def match(self, text: str) -> Need | None:
        doc = self.nlp(" ".join(text.lower().split())[:1000])
        spans = [span for m in self.matchers.values() for span in m(doc, as_spans=True)]
        scores: dict[str, float] = {}
        for span in filter_spans(spans):  # the longest phrase wins: "young carer" over "carer"
            need_id, _, context = span.label_.partition("|")
            weight = self.CONTEXT_WEIGHT if context else 1.0
            scores[need_id] = scores.get(need_id, 0.0) + weight * len(span)
        if not scores:
            return None
        # Ties go to the need listed first in needs.yml.
        best = max(scores, key=lambda need_id: (scores[need_id], -self.order[need_id]))
        return self.needs.get(best)


def who_from_text(text: str) -> str | None:
    """A parent often says so ("my son is being bullied"); otherwise ask."""
    return parent_from_text(text)


@dataclass(frozen=True)
class Choice:
    need: Need
    who: str | None  # an age band or "parent-carer"
    area: str | None


class SupportFinder:
    def __init__(
        self,
        services: Sequence[Service],
        needs: Needs,
        wording: SupportWording,
        library: ContentLibrary,
    ) -> None:
        self.services = tuple(services)
        self.needs = needs
        self.wording = wording
        self.library = library
        self.areas = library.area_names()

    def priority(self, need: Need, area: str | None) -> str:
        """Which plan priority a need belongs to, in the area's own plan if it has one."""
        pack = self.library.packs.get(area or "")
        if pack is not None:
            item = pack.item(need.camden_outcome) or pack.item(need.impact)
            if item is not None:
                kind = item.list_key.replace("_", " ").rstrip("s")
                return f"{pack.area_name}'s plan, {kind} {item.number}: {item.name}"
        return f"the Flourish impact {self.library.impact_name(need.impact)}"

    # Questions -----------------------------------------------------------------

    def question(self, slot: str) -> Message:
        return {
            "support_need": self.ask_need,
            "support_who": self.ask_who,
            "support_area": self.ask_area,
        }[slot]()

    def ask_need(self) -> Message:
        buttons = [Button(need.label, choice_payload(need.id)) for need in self.needs.items]
        return Message(self.wording.questions["need"], tuple(buttons))

    def ask_who(self) -> Message:
        buttons = [
            Button(title, choice_payload(band)) for band, title in self.wording.who_buttons.items()
        ]
        return Message(self.wording.questions["who"], tuple(buttons))

    def ask_area(self) -> Message:
        buttons = [Button(name, choice_payload(area)) for area, name in self.areas.items()]
        buttons.append(Button(self.wording.buttons["other_area"], choice_payload(OTHER_AREA)))
        return Message(self.wording.questions["area"], tuple(buttons))

    # Finding -------------------------------------------------------------------

    def matching(self, choice: Choice, now: datetime) -> list[Service]:
        """Services for the need, for this person, best first."""
        parent = choice.who == "parent-carer"
        age = BAND_AGE.get(choice.who or "")
        found = [
            service
            for service in self.services
            if choice.need.id in service.needs
            # A parent may want a service for their child as well as one for parents.
            and (parent or "young-person" in service.audiences)
            and service.serves_age(age)
            and (not service.areas or choice.area in service.areas)
        ]

        def rank(service: Service) -> tuple:
            for_them = not parent or "parent-carer" in service.audiences
            local = bool(service.areas)
            open_now = status(service.slots, now).open is True
            return (not for_them, not local, not open_now, service.example)

        return sorted(found, key=rank)

    def page(self, choice: Choice, now: datetime, offset: int = 0) -> list[Message]:
        """Up to three services from ``offset``, with More / Talk to a person buttons."""
        found = self.matching(choice, now)
        label = choice.need.label.lower()
        if not found:
            return [Message(self.wording.replies["none"].format(need=label))]
        shown = found[offset : offset + PAGE_SIZE]
        if not shown:
            return [
                Message(
                    self.wording.replies["no_more"].format(need=label), self._next_buttons(False)
                )
            ]
        if offset == 0:
            intro = self.wording.replies["intro"].format(
                need=label, priority=self.priority(choice.need, choice.area)
            )
        else:
            intro = self.wording.replies["intro_more"].format(need=label)
        messages = [Message(intro)]
        messages += [Message(self.describe(service, now)) for service in shown]
        more = len(found) > offset + PAGE_SIZE
        messages[-1] = Message(messages[-1].text, self._next_buttons(more))
        return messages

    def _next_buttons(self, more: bool) -> tuple[Button, ...]:
        buttons = [Button(self.wording.buttons["more"], "/more_services")] if more else []
        buttons.append(Button(self.wording.buttons["talk"], "/talk_to_person"))
        buttons.append(Button(self.wording.buttons["other_need"], "/find_support"))
        return tuple(buttons)

    def describe(self, service: Service, now: datetime) -> str:
        """Who, what, how to contact, who it's for, and whether it's open now."""
        parts = [f"{service.name} ({service.organization}): {service.description}"]
        contacts = [_phone_words(phone) for phone in service.phones]
        if service.url:
            contacts.append(service.url)
        if service.email:
            contacts.append(service.email)
        parts.append("Contact: " + "; ".join(contacts) + ".")
        if service.eligibility:
            parts.append(f"For: {service.eligibility}.")
        opening = status(service.slots, now)
        parts.append(f"{opening.text}" + (f" Hours: {service.hours}." if service.hours else ""))
        if service.example:
            parts.append(self.wording.replies["example_note"])
        return "\n".join(parts)

    def people_now(self, who: str | None, now: datetime) -> list[Message]:
        """Services with a phone or text line open right now, for this person."""
        audience = "parent-carer" if who == "parent-carer" else "young-person"
        age = BAND_AGE.get(who or "")
        open_lines = [
            service
            for service in self.services
            if service.phones
            and audience in service.audiences
            and service.serves_age(age)
            and not service.example
            and status(service.slots, now).open is True
        ]
        if not open_lines:
            return [Message(self.wording.replies["talk_none"])]
        lines = [
            f"- {service.name}: " + "; ".join(_phone_words(p) for p in service.phones)
            for service in open_lines[:6]
        ]
        return [Message(self.wording.replies["talk_intro"] + "\n" + "\n".join(lines))]


def _phone_words(phone) -> str:
    verb = "text" if phone.type in ("text", "sms") else "call"
    return f"{verb} {phone.number}" + (f" ({phone.description})" if phone.description else "")


class SupportReader:
    """Reads need, who and area from a button or the person's own words."""

    def __init__(
        self, finder: SupportFinder, matcher: NeedMatcher, age_band_labels: Mapping[str, str]
    ) -> None:
        self.finder = finder
        self.matcher = matcher
        self.age_band_labels = age_band_labels  # "11 to 15" typed as the button says

    def need(self, answer: Answer) -> str | None:
        if self.finder.needs.get(answer.choice):
            return answer.choice
        need = self.matcher.match(answer.typed) if answer.typed else None
        return need.id if need else None

    def who(self, answer: Answer, asked: bool) -> str | None:
        if answer.choice in AGE_BANDS:
            return answer.choice
        if who_from_text(answer.typed):
            return "parent-carer"
        if asked:
            band = read_age_band(answer, self.age_band_labels)
            return band if band in AGE_BANDS else None
        return None

    def area(self, answer: Answer, asked: bool) -> str | None:
        if answer.choice in self.finder.areas or answer.choice == OTHER_AREA:
            return answer.choice
        named = self.finder.library.area_mentioned(answer.typed) if answer.typed else None
        if named:
            return named
        if asked:
            area = read_area(answer, self.finder.areas)
            return area if area in self.finder.areas or area == OTHER_AREA else None
        return None

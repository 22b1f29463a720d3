"""Finds services for a need and says them in plain words: who, how, when, for whom.

Plain Python over the directory (``bot/support/directory.py``): the Rasa actions
only pass in what the person said and chose. "Open now" is computed for the
moment asked, in Europe/London time (``bot/support/opening_hours.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Mapping, Sequence

from bot import project_path
from bot.core.age_bands import AGE_BANDS, BAND_AGE
from bot.core.answers import OTHER_AREA, Answer, parent_from_text, read_age_band, read_area
from bot.core.chat_messages import Button, Message, choice_payload
from bot.core.data_files import load_yaml, require
from bot.core.mid_sentence import mid_sentence
from bot.plan.content import ContentLibrary
from bot.support.directory import Need, Needs, Phone, Service
from bot.support.need_classifier import NeedClassifier
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
        questions={k: require(questions, k, str, path, "questions") for k in ("need",)},
        who_buttons={band: require(who, band, str, path, "buttons.who") for band in AGE_BANDS},
        buttons={
            k: require(buttons, k, str, path, "buttons")
            for k in ("other_area", "more", "talk", "other_need", "find_support", "menu")
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
                "talk_need",
                "talk_general",
                "talk_council",
                "talk_end",
                "refine_who",
                "refine_area",
                "next",
            )
        },  # fmt: skip
    )


def who_from_text(text: str) -> str | None:
    """A parent often says so ("my son is being bullied"); otherwise assume a young person."""
    return parent_from_text(text)


@dataclass(frozen=True)
class Choice:
    need: Need
    who: str | None  # an age band, "parent-carer", SKIP, or None (not said)
    area: str | None  # an area id, OTHER_AREA, SKIP, or None (not said)


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

    def ask_need(self) -> Message:
        buttons = [Button(need.label, choice_payload(need.id)) for need in self.needs.items]
        return Message(self.wording.questions["need"], tuple(buttons))

    def who_buttons(self) -> list[Button]:
        return [
            Button(title, choice_payload(band)) for band, title in self.wording.who_buttons.items()
        ]

    def area_buttons(self) -> list[Button]:
        buttons = [Button(name, choice_payload(area)) for area, name in self.areas.items()]
        buttons.append(Button(self.wording.buttons["other_area"], choice_payload(OTHER_AREA)))
        return buttons

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
            # Crisis lines answer anything, so they would lead every list; they
            # stay in it, after the services made for this need.
            crisis = "crisis" in service.lines
            return (not for_them, not local, crisis, service.example, not open_now)

        return sorted(found, key=rank)

    def page(self, choice: Choice, now: datetime, offset: int = 0) -> list[Message]:
        """Up to three services from ``offset``, then a way on: narrow down, more, or a person.

        The answer comes first; who it is for and where they live only narrow it,
        so they are offered after the services, not asked before them.
        """
        found = self.matching(choice, now)
        label = mid_sentence(choice.need.label)
        if not found:
            return [
                Message(self.wording.replies["none"].format(need=label), self._next(False))
            ]
        shown = found[offset : offset + PAGE_SIZE]
        if not shown:
            text = self.wording.replies["no_more"].format(need=label)
            return [Message(text, self._next(False))]
        if offset == 0:
            intro = self.wording.replies["intro"].format(
                need=label, priority=self.priority(choice.need, choice.area)
            )
        else:
            intro = self.wording.replies["intro_more"].format(need=label)
        messages = [Message(intro)]
        messages += [Message(self.describe(service, now)) for service in shown]
        more = len(found) > offset + PAGE_SIZE
        if offset == 0 and choice.who is None:
            ask, refine = self.wording.replies["refine_who"], self.who_buttons()
        elif offset == 0 and choice.area is None:
            ask, refine = self.wording.replies["refine_area"], self.area_buttons()
        else:
            ask, refine = self.wording.replies["next"], []
        messages.append(
            Message(ask, tuple(refine) + self._next(more, refining=bool(refine)))
        )
        return messages

    def _next(self, more: bool, refining: bool = False) -> tuple[Button, ...]:
        buttons = [Button(self.wording.buttons["more"], "/more_services")] if more else []
        buttons.append(Button(self.wording.buttons["talk"], "/talk_to_person"))
        if not refining:
            buttons.append(Button(self.wording.buttons["other_need"], "/find_support"))
        return tuple(buttons)

    def describe(self, service: Service, now: datetime) -> str:
        """A short card: who, what, how to contact, who it's for, open now."""
        lines = []
        if service.example:
            lines.append(self.wording.replies["example_note"])
        same = service.organization.lower() in service.name.lower()
        lines.append(service.name if same else f"{service.name} ({service.organization})")
        if service.description:
            lines.append(service.description)
        lines.append(" · ".join(_contacts(service)))
        if service.eligibility:
            lines.append(f"For: {service.eligibility.rstrip('.')}.")
        opening = status(service.slots, now)
        always = opening.text.startswith("Open 24 hours")
        hours = f" Hours: {service.hours}." if service.hours and not always else ""
        lines.append(opening.text + hours)
        return "\n".join(lines)

    def people_now(
        self, choice: Choice | None, who: str | None, area: str | None, risk: bool, now: datetime
    ) -> list[Message]:
        """People to talk to now: for this need first, then general lines, then the council.

        Crisis-only lines (Samaritans, Shout...) are listed only when the safety
        net went off in this conversation: a parent asking about food needs a
        person for food, not a suicide line.
        """

        def open_line(service: Service) -> bool:
            return takes_calls_now(service, who, area, risk, now)

        listed: list[Service] = []
        sections = []
        if choice is not None:
            for_need = [s for s in self.services if choice.need.id in s.needs and open_line(s)]
            listed += for_need[:3]
            if for_need:
                sections.append(
                    self.wording.replies["talk_need"].format(need=mid_sentence(choice.need.label))
                    + "\n"
                    + _bullets(for_need[:3])
                )
        general = [
            s
            for s in self.services
            if s not in listed and open_line(s) and ({"general", "crisis"} & set(s.lines))
        ]
        if general:
            sections.append(self.wording.replies["talk_general"] + "\n" + _bullets(general[:4]))
        councils = [
            s
            for s in self.services
            if "council" in s.lines and (area not in self.areas or area in s.areas)
        ]
        if councils:
            lines = [f"- {s.name}: " + " · ".join(_contacts(s)) for s in councils]
            sections.append(self.wording.replies["talk_council"] + "\n" + "\n".join(lines))
        intro = self.wording.replies["talk_intro" if (listed or general) else "talk_none"]
        text = "\n\n".join([intro, *sections])
        buttons = (
            Button(self.wording.buttons["find_support"], "/find_support"),
            Button(self.wording.buttons["menu"], "/help"),
        )
        return [Message(text), Message(self.wording.replies["talk_end"], buttons)]


PHONE_VERBS = {"text": "Text", "sms": "Text", "textphone": "Textphone", "video": "Video call"}
TEXT_KEYWORD = re.compile(r"^text (?P<keyword>[A-Z0-9]+)\b[,;]?\s*(?P<rest>.*)$")


def takes_calls_now(
    service: Service, who: str | None, area: str | None, risk: bool, now: datetime
) -> bool:
    """A real phone line for this person and area, open at ``now``.

    Crisis-only lines count only after a risk signal (``risk``); "talk to a person"
    lists these, and tests through the running assistant ask the same question.
    """
    audience = "parent-carer" if who == "parent-carer" else "young-person"
    return (
        bool(service.phones)
        and audience in service.audiences
        and service.serves_age(BAND_AGE.get(who or ""))
        and not service.example
        and ("crisis" not in service.lines or risk)
        and (not service.areas or area in service.areas)
        and status(service.slots, now).open is True
    )


def contact_words(phone: Phone) -> str:
    """ "Call 0800 1111 (free, any time)", "Text SHOUT to 85258 (free, any time)"."""
    verb = PHONE_VERBS.get(phone.type, "Call")
    note = phone.description
    keyword = TEXT_KEYWORD.match(note) if verb == "Text" else None
    if keyword:
        words = f"Text {keyword['keyword']} to {phone.number}"
        note = keyword["rest"]
    else:
        words = f"{verb} {phone.number}"
    return words + (f" ({note})" if note else "")


def _contacts(service: Service) -> list[str]:
    return [contact_words(p) for p in service.phones] + [
        link for link in (service.url, service.email) if link
    ]


def _bullets(services: Sequence[Service]) -> str:
    return "\n".join(
        f"- {s.name}: " + " · ".join(contact_words(p) for p in s.phones) for s in services
    )


class SupportReader:
    """Reads need, who and area from a button or the person's own words, in any order."""

    def __init__(
        self, finder: SupportFinder, matcher: NeedClassifier, age_band_labels: Mapping[str, str]
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
        """An age band or "parent-carer"; a bare number or "skip" only as an answer."""
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

    def refinement(self, answer: Answer) -> dict[str, str]:
        """Who and where, from an answer to "narrow these down?", whichever was asked."""
        found = {"support_who": self.who(answer, asked=True)}
        found["support_area"] = self.area(answer, asked=True)
        return {slot: value for slot, value in found.items() if value}

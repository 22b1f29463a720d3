"""Answers questions about an area's plan, entirely from its content pack.

Every sentence an answer contains is either pack content (``plain`` or a quoted
``source_text``) or a wording template from ``data/content/wording.yml``, so a
council can change what the assistant says without touching code, and a test
can check that nothing is quoted that is not in a pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core.chat_messages import Button, Message
from bot.plan.content import ContentLibrary, ContentPack, Item, ItemList
from bot.plan.topic_search import TopicSearch

LIST_INTENTS = {
    "list_outcomes": "outcomes",
    "list_impacts": "impacts",
    "list_building_blocks": "building_blocks",
    "list_what_matters": "what_matters",
}
PLAN_INTENTS = frozenset(
    {
        "ask_plan", "list_priorities", "ask_about", "ask_success", "ask_anthem",
        "ask_how_made", "ask_full_plan", "more_info", "next_item", "choose_area",
        *LIST_INTENTS,
    }
)  # fmt: skip


# Broad intents whose text may still name one item; see PlanAnswerer._named_item.
# A question about no item in particular that names the plan is about the plan.
PLAN_WORDS = re.compile(r"\b(plan|plans|flourish|priorities)\b")
TOPIC_REFINABLE_INTENTS = frozenset({"ask_plan", "choose_area"})
REFINABLE_INTENTS = TOPIC_REFINABLE_INTENTS | {"list_priorities", *LIST_INTENTS}


@dataclass
class PlanReply:
    """What to say, plus the conversation state to remember for follow-ups."""

    messages: list[Message]
    area: str
    focus: str | None = None


@dataclass
class Question:
    intent: str
    text: str = ""
    area: str | None = None  # remembered from earlier (the slot)
    named_area: str | None = None  # picked on a button (an entity)
    focus: str | None = None  # the item last talked about
    item_id: str | None = None  # from a browse button's entity


class PlanAnswerer:
    def __init__(self, library: ContentLibrary, search: TopicSearch) -> None:
        self.library = library
        self.search = search
        self.words = library.wording

    # --- entry point -------------------------------------------------------
    def answer(self, question: Question) -> PlanReply:
        named = question.named_area if question.named_area in self.library.packs else None
        named = named or self.library.area_mentioned(question.text)
        question.named_area = named
        pack = self.library.pack(named or question.area)
        handler = {
            "ask_plan": self._plan,
            "list_priorities": lambda q, p: self._list(p, p.main_list),
            "ask_about": self._about,
            "ask_success": self._success,
            "ask_anthem": lambda q, p: self._fact(p, "anthem"),
            "ask_how_made": self._how_made,
            "ask_full_plan": lambda q, p: self._fact(p, "full_plan"),
            "more_info": self._more,
            "next_item": self._next,
            "choose_area": self._choose_area,
        }.get(question.intent)
        if handler is None and question.intent not in LIST_INTENTS:
            raise ValueError(f"not a plan question: {question.intent}")
        refined = self._named_item(question, pack)
        if refined is not None:
            return refined
        if question.intent in LIST_INTENTS:
            return self._list(pack, LIST_INTENTS[question.intent])
        return handler(question, pack)

    def _named_item(self, question: Question, pack: ContentPack) -> PlanReply | None:
        """A broad question that names one item ("impact 4 in norfolk") gets that item.

        The intent model often hears "outcome 3" as "list the outcomes", and
        "what does Flourish say about identity" as "what is the plan"; the words
        themselves say which item is meant.
        """
        if question.intent not in REFINABLE_INTENTS or not question.text:
            return None
        item, exact = self.search.find(question.text, pack)  # number first, then topic
        missing = LIST_INTENTS.get(question.intent)
        if missing is not None and missing not in pack.lists:
            return self._item_for_missing_list(question, pack, missing, item)
        if question.intent not in TOPIC_REFINABLE_INTENTS and not exact:
            return None  # a list question only narrows to an item it names exactly
        return self._item_answer(pack, item, exact) if item else None

    def _item_for_missing_list(
        self, question: Question, pack: ContentPack, key: str, here: Item | None
    ) -> PlanReply | None:
        """A question for a list this area's plan lacks may still name what it is about.

        "What is the safe and secure impact?" in Camden names Norfolk's impact, and
        "how can young people have a say?" heard as "what matters most" is about a
        Camden building block. Only an item named in full counts from the other
        plan, so "the 8 impacts" (a count, not impact 8) still gets the lists.
        """
        text = question.text.lower()
        for other in self.library.packs.values():
            if other is pack or key not in other.lists:
                continue
            named = [item for item in other.lists[key].items if item.name.lower() in text]
            if named:
                return self._from_elsewhere(pack, other, named[0], exact=True)
        if here is not None:
            return self._item_answer(pack, here, exact=False)
        return None

    def _from_elsewhere(
        self, pack: ContentPack, other: ContentPack, item: Item, exact: bool
    ) -> PlanReply:
        """An item of another area's plan, saying whose it is."""
        answer = self._item_answer(other, item, exact)
        answer.area = pack.area_id
        prefix = self.words["elsewhere"].format(area=other.area_name, plain="").strip()
        answer.messages.insert(0, Message(prefix))
        return answer

    # --- buttons -----------------------------------------------------------
    def _button(self, name: str, payload: str, **values: str) -> Button:
        return Button(self.words["buttons"][name].format(**values), payload)

    def _list_buttons(self, pack: ContentPack) -> list[Button]:
        ordered = [pack.main_list, *(k for k in pack.lists if k != pack.main_list)]
        return [
            self._button("all", f"/{self._list_intent(key)}", label=pack.lists[key].label)
            for key in ordered
            if self._list_intent(key)
        ]

    @staticmethod
    def _list_intent(key: str) -> str | None:
        return next((intent for intent, k in LIST_INTENTS.items() if k == key), None)

    def _item_buttons(self, pack: ContentPack, item: Item) -> list[Button]:
        buttons = [self._button("more", "/more_info"), self._button("next", "/next_item")]
        intent = self._list_intent(item.list_key)
        if intent:
            buttons.append(self._button("all", f"/{intent}", label=pack.lists[item.list_key].label))
        return buttons

    # --- answers -----------------------------------------------------------
    def _plan(self, question: Question, pack: ContentPack) -> PlanReply:
        messages = [Message(pack.facts[name].plain) for name in ("overview", "vision")
                    if name in pack.facts]  # fmt: skip
        buttons = self._list_buttons(pack) + [self._button("change_area", "/choose_area")]
        messages[-1] = replace(messages[-1], buttons=tuple(buttons))
        return PlanReply(messages, pack.area_id)

    def _list(self, pack: ContentPack, key: str) -> PlanReply:
        item_list = pack.lists.get(key)
        if item_list is None:
            main = pack.lists[pack.main_list]
            label = self._label_anywhere(key)
            intro = self.words["missing_list"].format(
                area=pack.area_name, label=label, main_label=main.label
            )
            answer = self._list(pack, pack.main_list)
            answer.messages.insert(0, Message(intro))
            return answer
        lines = [
            self.words["list_line"].format(number=i.number, name=i.name) for i in item_list.items
        ]
        buttons = tuple(
            Button(item.name, f'/ask_about{{"plan_item": "{item.id}"}}') for item in item_list.items
        )
        return PlanReply(
            [Message(item_list.intro.plain), Message("\n".join(lines), buttons)], pack.area_id
        )

    def _label_anywhere(self, key: str) -> str:
        for pack in self.library.packs.values():
            if key in pack.lists:
                return pack.lists[key].label
        return key.replace("_", " ")

    def _item_answer(self, pack: ContentPack, item: Item, exact: bool) -> PlanReply:
        item_list = pack.lists[item.list_key]
        template = self.words["item" if exact else "closest_item"]
        text = template.format(
            kind=item_list.singular.capitalize() if exact else item_list.singular,
            number=item.number,
            plain=item.plain,
            area=pack.area_name,
        )
        messages = [Message(text)]
        linked = [slug for slug in item.flourish_impacts if slug != item.id]
        if linked:
            names = ", ".join(self.library.impact_name(slug) for slug in linked)
            messages.append(Message(self.words["flourish_link"].format(impacts=names)))
        messages[-1] = replace(messages[-1], buttons=tuple(self._item_buttons(pack, item)))
        return PlanReply(messages, pack.area_id, focus=item.id)

    def _about(self, question: Question, pack: ContentPack) -> PlanReply:
        if question.item_id:
            for candidate in [pack, *self.library.packs.values()]:
                item = candidate.item(question.item_id)
                if item:
                    return self._item_answer(candidate, item, exact=True)
        kind = self.search.kind_mentioned(question.text)
        if kind is None or kind in pack.lists:
            item, exact = self.search.find(question.text, pack)
            if item is not None:
                return self._item_answer(pack, item, exact)
        # Not in this area's plan (or it names a kind of item, like "impact", that
        # only another area's plan has): try the other packs and say whose it is.
        for other in self.library.packs.values():
            if other is pack or (kind is not None and kind not in other.lists):
                continue
            item, exact = self.search.find(question.text, other)
            if item is not None:
                return self._from_elsewhere(pack, other, item, exact)
        if PLAN_WORDS.search(question.text.lower()):
            return self._plan(question, pack)  # "the plan for teenagers": the plan itself
        answer = self._list(pack, pack.main_list)
        answer.messages[0] = Message(self.words["not_found"].format(area=pack.area_name))
        return answer

    def _more(self, question: Question, pack: ContentPack) -> PlanReply:
        item, owner = self._focus(question, pack)
        if item is None:
            # After the overview and vision, "more" is the plan's next fact, in pack order.
            extra = [f for name, f in pack.facts.items() if name not in ("overview", "vision")]
            text = (extra[0] if extra else pack.facts["vision"]).plain
            return PlanReply([Message(text, tuple(self._list_buttons(pack)))], pack.area_id)
        quote = self.words["quote"].format(source_text=item.source_text)
        messages = [Message(quote)]
        if "full_plan" in owner.facts:
            messages.append(self._read_more(owner.facts["full_plan"]))
        messages[-1] = replace(messages[-1], buttons=tuple(self._item_buttons(owner, item)))
        return PlanReply(messages, pack.area_id, focus=item.id)

    def _read_more(self, fact) -> Message:
        if fact.url:
            return Message(self.words["read_more_link"].format(plain=fact.plain, url=fact.url))
        return Message(self.words["read_more"].format(plain=fact.plain))

    def _next(self, question: Question, pack: ContentPack) -> PlanReply:
        item, owner = self._focus(question, pack)
        if item is None:
            first = pack.lists[pack.main_list].items[0]
            return self._item_answer(pack, first, exact=True)
        item_list: ItemList = owner.lists[item.list_key]
        following = item_list.after(item)
        if following is None:
            text = self.words["last_item"].format(kind=item_list.singular)
            intent = self._list_intent(item.list_key)
            buttons = [self._button("all", f"/{intent}", label=item_list.label)] if intent else []
            return PlanReply([Message(text, tuple(buttons))], pack.area_id, focus=item.id)
        answer = self._item_answer(owner, following, exact=True)
        answer.area = pack.area_id
        return answer

    def _focus(self, question: Question, pack: ContentPack) -> tuple[Item | None, ContentPack]:
        for candidate in [pack, *self.library.packs.values()]:
            item = candidate.item(question.focus)
            if item is not None:
                return item, candidate
        return None, pack

    def _fact(self, pack: ContentPack, name: str) -> PlanReply:
        fact = pack.facts.get(name)
        if fact is not None:
            message = self._read_more(fact) if name == "full_plan" else Message(fact.plain)
            return PlanReply([message], pack.area_id)
        for other in self.library.packs.values():
            if name in other.facts:
                text = self.words["elsewhere"].format(
                    area=other.area_name, plain=other.facts[name].plain
                )
                return PlanReply([Message(text)], pack.area_id)
        text = self.words["fact_missing"].format(area=pack.area_name)
        return PlanReply([Message(text, tuple(self._list_buttons(pack)))], pack.area_id)

    def _success(self, question: Question, pack: ContentPack) -> PlanReply:
        if "success" in pack.lists:
            item_list = pack.lists["success"]
            lines = [self.words["success_line"].format(plain=i.plain) for i in item_list.items]
            messages = [Message(item_list.intro.plain), Message("\n".join(lines))]
            return PlanReply(messages, pack.area_id)
        return self._fact(pack, "success")

    def _how_made(self, question: Question, pack: ContentPack) -> PlanReply:
        answer = self._fact(pack, "how_agreed")
        if "how_used" in pack.lists:
            item_list = pack.lists["how_used"]
            lines = [self.words["success_line"].format(plain=i.plain) for i in item_list.items]
            answer.messages += [Message(item_list.intro.plain), Message("\n".join(lines))]
        return answer

    def _choose_area(self, question: Question, pack: ContentPack) -> PlanReply:
        if question.named_area:
            chosen = self.library.pack(question.named_area)
            text = self.words["area_chosen"].format(area=chosen.area_name)
            buttons = self._list_buttons(chosen)
            return PlanReply([Message(text, tuple(buttons))], chosen.area_id)
        buttons = [
            self._button("area", f'/choose_area{{"area": "{p.area_id}"}}', area=p.area_name)
            for p in self.library.packs.values()
        ]
        return PlanReply([Message(self.words["pick_area"], tuple(buttons))], pack.area_id)

"""Finds the plan item a question is about, from the words people actually use.

"What's being done about feeling low?" should reach Camden's outcome 3 even
though the plan says "emotionally and mentally healthy". Each item's topics
(synonyms kept in its content pack) and name are matched on spaCy lemmas, so
"worried", "worrying" and "worry" are one topic. Longer matches win, so
"mental health" beats "health"; ties go to the area's main list, then the
lower number.

Facts with ``topics`` ("what is the vision?") and the pack's source ("how old is
this plan?") are found the same way; a question that matches an item as well
gets the item unless the fact's words are the longer match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher

from bot.plan.content import ContentLibrary, ContentPack, Item

# What ``Found.fact`` holds for "how old is this plan?": the pack's source, not a fact.
SOURCE = "@source"

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_NUMBER = r"(\d{1,2}|" + "|".join(ORDINALS) + r")(?:st|nd|rd|th)?"
_NUMBER_AFTER = re.compile(
    r"\b(outcome|impact|building block|block|one)s?\s+(?:number\s+)?" + _NUMBER + r"\b"
)
_NUMBER_BEFORE = re.compile(
    r"\b(?:the\s+)?" + _NUMBER + r"\s+(outcome|impact|building block|block|one)s?\b"
)
KIND_WORDS = {
    "outcome": "outcomes",
    "impact": "impacts",
    "building block": "building_blocks",
    "block": "building_blocks",
}


def _number(token: str) -> int:
    return int(token) if token.isdigit() else ORDINALS[token]


@dataclass(frozen=True)
class Found:
    """What a question is about: an item (and whether named exactly), a fact, or nothing."""

    item: Item | None = None
    exact: bool = False
    fact: str | None = None  # a fact's name, or SOURCE


class TopicSearch:
    """Looks items up by number ("outcome 3"), name or topic, within one area."""

    def __init__(self, nlp: Language, library: ContentLibrary) -> None:
        self.nlp = nlp
        self.library = library
        self._matchers: dict[str, PhraseMatcher] = {}
        for pack in library.packs.values():
            matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
            for item in pack.items():
                if not item.topics:
                    continue  # lists without topics are browsed with buttons, not searched
                phrases = {*item.topics, item.name.lower()}
                matcher.add(item.id, [nlp(phrase) for phrase in sorted(phrases)])
            self._matchers[pack.area_id] = matcher
        self._fact_matchers: dict[str, PhraseMatcher] = {}
        for pack in library.packs.values():
            matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
            searchable = {name: fact.topics for name, fact in pack.facts.items()}
            searchable[SOURCE] = pack.source.topics
            for name, topics in searchable.items():
                if topics:
                    matcher.add(name, [nlp(phrase) for phrase in sorted(set(topics))])
            self._fact_matchers[pack.area_id] = matcher

    def kind_mentioned(self, text: str) -> str | None:
        lowered = text.lower()
        for word, kind in KIND_WORDS.items():
            if re.search(rf"\b{word}s?\b", lowered):
                return kind
        return None

    def by_number(self, text: str, pack: ContentPack) -> Item | None:
        lowered = text.lower()
        kind = self.kind_mentioned(lowered) or pack.main_list
        for pattern, kind_group, number_group in ((_NUMBER_AFTER, 1, 2), (_NUMBER_BEFORE, 2, 1)):
            match = pattern.search(lowered)
            if match:
                word = match.group(kind_group)
                list_key = KIND_WORDS.get(word, kind)
                item_list = pack.lists.get(list_key)
                if item_list:
                    return item_list.by_number(_number(match.group(number_group)))
        return None

    def _scores(self, matcher: PhraseMatcher, text: str) -> dict[str, int]:
        """Each matched key with the length (in tokens) of its longest match."""
        scores: dict[str, int] = {}
        for match_id, start, end in matcher(self.nlp(text.lower())):
            key = self.nlp.vocab.strings[match_id]
            scores[key] = max(scores.get(key, 0), end - start)
        return scores

    def by_topic(self, text: str, pack: ContentPack) -> Item | None:
        scores = self._scores(self._matchers[pack.area_id], text)
        if not scores:
            return None
        kind = self.kind_mentioned(text)
        order = list(pack.lists)

        def rank(item_id: str) -> tuple:
            item = pack.item(item_id)
            return (
                -scores[item_id],
                item.list_key != kind,
                item.list_key != pack.main_list,
                order.index(item.list_key),
                item.number,
            )

        return pack.item(min(scores, key=rank))

    def find(self, text: str, pack: ContentPack) -> tuple[Item | None, bool]:
        """The item asked about and whether it was named exactly (not just a close topic)."""
        item = self.by_number(text, pack)
        if item is not None:
            return item, True
        item = self.by_topic(text, pack)
        if item is None:
            return None, False
        named = item.name.lower() in text.lower()
        return item, named

    def fact(self, text: str, pack: ContentPack) -> tuple[str | None, int]:
        """The fact (or SOURCE) a question names, and how many words matched; ties: pack order."""
        scores = self._scores(self._fact_matchers[pack.area_id], text)
        if not scores:
            return None, 0
        order = [*pack.facts, SOURCE]
        best = min(scores, key=lambda name: (-scores[name], order.index(name)))
        return best, scores[best]

    def find_any(self, text: str, pack: ContentPack) -> Found:
        """An item or a fact, whichever the question names more fully (an item number wins)."""
        if self.by_number(text, pack) is not None:
            item, exact = self.find(text, pack)
            return Found(item, exact)
        fact, fact_length = self.fact(text, pack)
        item_scores = self._scores(self._matchers[pack.area_id], text)
        if fact is not None and fact_length > max(item_scores.values(), default=0):
            return Found(fact=fact)
        item, exact = self.find(text, pack)
        return Found(item, exact)

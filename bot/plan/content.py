"""Content packs: each area's plan, kept as data and checked at start-up.

A council swaps in its own plan by adding a YAML file under ``data/content/``;
no code changes. Every item keeps the plan's own wording (``source_text``) next
to a short plain-English version for young people (``plain``), so answers stay
faithful and a reviewer can check one against the other. A pack also names its
``source`` (the document and its years), which "tell me more" and "how old is
this plan?" answer from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot import project_path, settings
from bot.core.data_files import DataFileError, load_yaml, optional, require
from bot.core.flourish import IMPACT_SLUGS

CONTENT_DIR = project_path("data/content")
WORDING_FILE = "wording.yml"
# Every entry of wording.yml the answers use; a missing one stops start-up.
WORDING_KEYS = (
    "item", "closest_item", "flourish_link", "quote", "read_more", "read_more_link",
    "last_item", "not_found", "missing_list", "fact_missing", "elsewhere", "area_chosen",
    "pick_area", "list_line", "success_line", "links", "link_line", "source", "source_link",
    "older_plan", "no_date", "more_done",
)  # fmt: skip
BUTTON_KEYS = (
    "more", "next", "all", "area", "change_area", "find_support_need", "find_support",
)  # fmt: skip


@dataclass(frozen=True)
class Fact:
    source_text: str
    plain: str
    url: str | None = None
    topics: tuple[str, ...] = ()  # words people use to ask for it ("vision", "what is flourish")


@dataclass(frozen=True)
class Item:
    id: str
    number: int
    name: str
    source_text: str
    plain: str
    list_key: str
    topics: tuple[str, ...] = ()
    flourish_impacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemList:
    key: str
    label: str
    singular: str
    intro: Fact
    items: tuple[Item, ...]
    more: Fact | None = None  # the plan's own words about every item of the list

    def by_number(self, number: int) -> Item | None:
        return next((item for item in self.items if item.number == number), None)

    def after(self, item: Item) -> Item | None:
        position = self.items.index(item)
        return self.items[position + 1] if position + 1 < len(self.items) else None


@dataclass(frozen=True)
class Source:
    """The document a pack comes from, named in answers with its years."""

    name: str
    years: str | None = None  # as the plan writes them, e.g. "2009-12"
    end_year: int | None = None  # after this year, answers say it is an older plan
    published: Fact | None = None  # when it was written, in the plan's own words
    topics: tuple[str, ...] = ()  # how people ask how old it is ("how old", "when was")

    @property
    def label(self) -> str:
        return f"{self.name} {self.years}" if self.years else self.name


@dataclass(frozen=True)
class ContentPack:
    area_id: str
    area_name: str
    aliases: tuple[str, ...]
    plan_name: str
    main_list: str
    facts: dict[str, Fact]
    lists: dict[str, ItemList]
    path: Path
    source: Source

    def items(self) -> list[Item]:
        return [item for item_list in self.lists.values() for item in item_list.items]

    def item(self, item_id: str | None) -> Item | None:
        return next((item for item in self.items() if item.id == item_id), None)


@dataclass
class ContentLibrary:
    packs: dict[str, ContentPack]
    default_area: str
    wording: dict[str, str] = field(default_factory=dict)

    def area_names(self) -> dict[str, str]:
        """Area id -> display name, for buttons, filters and answers."""
        return {area: pack.area_name for area, pack in self.packs.items()}

    def pack(self, area_id: str | None) -> ContentPack:
        return self.packs.get(area_id or "", self.packs[self.default_area])

    def area_mentioned(self, text: str) -> str | None:
        """The area a message names, if any (by id or alias, as whole words)."""
        words = re.sub(r"[^\w' ]+", " ", text.lower()).replace("'s ", " ")
        padded = f" {' '.join(words.split())} "
        for pack in self.packs.values():
            for alias in pack.aliases:
                if f" {alias} " in padded:
                    return pack.area_id
        return None

    def impact_name(self, slug: str) -> str:
        """A Flourish impact's display name, from whichever pack defines it."""
        for pack in self.packs.values():
            item = pack.item(slug)
            if item is not None:
                return item.name
        return slug.replace("-", " ").capitalize()

    def impact_names(self) -> dict[str, str]:
        """Every Flourish impact's name by slug: what staff call it, on pages and in exports."""
        return {slug: self.impact_name(slug) for slug in IMPACT_SLUGS}

    def find(self, item_id: str | None) -> tuple[ContentPack, Item] | None:
        """The item with this id in any pack, with the pack it belongs to."""
        for pack in self.packs.values():
            item = pack.item(item_id)
            if item is not None:
                return pack, item
        return None

    def links(self, item: Item) -> list[tuple[ContentPack, Item]]:
        """Items of any pack linked to ``item`` through ``flourish_impacts``, either way.

        A Camden outcome links to the Flourish impacts it lists; a Flourish impact
        links back to every item that lists it. Pack and list order is kept.
        """
        linked = []
        for pack in self.packs.values():
            for other in pack.items():
                if other.id == item.id:
                    continue
                if other.id in item.flourish_impacts or item.id in other.flourish_impacts:
                    linked.append((pack, other))
        return linked


def _topics(raw: object, path: Path, where: str) -> tuple[str, ...]:
    topics = optional(raw, "topics", list, [], path, where)  # type: ignore[arg-type]
    for i, topic in enumerate(topics):
        if not isinstance(topic, str) or not topic.strip():
            raise DataFileError(path, f"{where}.topics[{i}]", "expected some words")
    return tuple(topic.strip().lower() for topic in topics)


def _fact(raw: object, path: Path, where: str) -> Fact:
    return Fact(
        source_text=require(raw, "source_text", str, path, where).strip(),
        plain=require(raw, "plain", str, path, where).strip(),
        url=optional(raw, "url", str, None, path, where),  # type: ignore[arg-type]
        topics=_topics(raw, path, where),
    )


def _optional_fact(raw: object, key: str, path: Path, where: str) -> Fact | None:
    value = optional(raw, key, dict, None, path, where)  # type: ignore[arg-type]
    return None if value is None else _fact(value, path, f"{where}.{key}")


def _source(raw: object, path: Path) -> Source:
    end_year = optional(raw, "end_year", int, None, path, "source")  # type: ignore[arg-type]
    if isinstance(end_year, bool) or (end_year is not None and not 1900 < end_year < 2200):
        raise DataFileError(path, "source.end_year", "expected a year, like 2012")
    years = optional(raw, "years", (str, int), None, path, "source")  # type: ignore[arg-type]
    return Source(
        name=require(raw, "name", str, path, "source").strip(),
        years=None if years is None else str(years).strip(),
        end_year=end_year,
        published=_optional_fact(raw, "published", path, "source"),
        topics=_topics(raw, path, "source"),
    )


def _item(raw: object, list_key: str, path: Path, where: str) -> Item:
    impacts = tuple(optional(raw, "flourish_impacts", list, [], path, where))  # type: ignore[arg-type]
    for slug in impacts:
        if slug not in IMPACT_SLUGS:
            raise DataFileError(
                path, f"{where}.flourish_impacts", f"'{slug}' is not a Flourish impact slug"
            )
    return Item(
        id=require(raw, "id", str, path, where),
        number=require(raw, "number", int, path, where),
        name=require(raw, "name", str, path, where),
        source_text=require(raw, "source_text", str, path, where).strip(),
        plain=require(raw, "plain", str, path, where).strip(),
        list_key=list_key,
        topics=_topics(raw, path, where),
        flourish_impacts=impacts,
    )


def load_pack(path: Path) -> ContentPack:
    """Read one content pack, naming the file and field of any mistake."""
    data = load_yaml(path)
    area = require(data, "area", dict, path)
    facts = {
        name: _fact(raw, path, f"facts.{name}")
        for name, raw in require(data, "facts", dict, path).items()
    }
    lists: dict[str, ItemList] = {}
    seen_ids: set[str] = set()
    for key, raw in require(data, "lists", dict, path).items():
        where = f"lists.{key}"
        items = tuple(
            _item(raw_item, key, path, f"{where}.items[{i}]")
            for i, raw_item in enumerate(require(raw, "items", list, path, where))
        )
        for i, item in enumerate(items):
            if item.id in seen_ids:
                raise DataFileError(path, f"{where}.items[{i}].id", f"'{item.id}' is used twice")
            seen_ids.add(item.id)
        lists[key] = ItemList(
            key=key,
            label=require(raw, "label", str, path, where),
            singular=require(raw, "singular", str, path, where),
            intro=_fact(require(raw, "intro", dict, path, where), path, f"{where}.intro"),
            items=items,
            more=_optional_fact(raw, "more", path, where),
        )
    main_list = require(data, "main_list", str, path)
    if main_list not in lists:
        raise DataFileError(path, "main_list", f"'{main_list}' is not one of the lists")
    area_id = require(area, "id", str, path, "area")
    return ContentPack(
        area_id=area_id,
        area_name=require(area, "name", str, path, "area"),
        aliases=tuple(
            a.lower() for a in [area_id, *optional(area, "aliases", list, [], path, "area")]
        ),
        plan_name=require(data, "plan_name", str, path),
        main_list=main_list,
        facts=facts,
        lists=lists,
        path=path,
        source=_source(require(data, "source", dict, path), path),
    )


def load_library(folder: Path = CONTENT_DIR, default_area: str | None = None) -> ContentLibrary:
    """Every pack in ``folder`` plus the shared wording; the default area from DEFAULT_AREA."""
    packs = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name == WORDING_FILE:
            continue
        pack = load_pack(path)
        if pack.area_id in packs:
            raise DataFileError(
                path, "area.id", f"'{pack.area_id}' is already used by another pack"
            )
        packs[pack.area_id] = pack
    if not packs:
        raise DataFileError(folder, "(folder)", "no content packs (*.yml) found")
    default_area = (default_area or settings.get("DEFAULT_AREA")).strip().lower()
    if default_area not in packs:
        raise DataFileError(
            folder, "DEFAULT_AREA", f"'{default_area}' has no pack (have: {', '.join(packs)})"
        )
    return ContentLibrary(
        packs=packs, default_area=default_area, wording=load_wording(folder / WORDING_FILE)
    )


def load_wording(path: Path) -> dict:
    """The words around plan answers, checked: each entry present and text."""
    wording = load_yaml(path)
    if not isinstance(wording, dict):
        raise DataFileError(path, "(top level)", "expected a mapping")
    for key in WORDING_KEYS:
        require(wording, key, str, path)
    buttons = require(wording, "buttons", dict, path)
    for key in BUTTON_KEYS:
        require(buttons, key, str, path, "buttons")
    nouns = optional(wording, "proper_nouns", list, [], path)
    if not all(isinstance(noun, str) for noun in nouns):
        raise DataFileError(path, "proper_nouns", "expected a list of words")
    return wording

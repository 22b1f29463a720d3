"""Content packs: each area's plan, kept as data and checked at start-up.

A council swaps in its own plan by adding a YAML file under ``data/content/``;
no code changes. Every item keeps the plan's own wording (``source_text``) next
to a short plain-English version for young people (``plain``), so answers stay
faithful and a reviewer can check one against the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot import project_path, settings
from bot.core.data_files import DataFileError, load_yaml, optional, require
from bot.core.flourish import IMPACT_SLUGS

CONTENT_DIR = project_path("data/content")
WORDING_FILE = "wording.yml"


@dataclass(frozen=True)
class Fact:
    source_text: str
    plain: str
    url: str | None = None


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

    def by_number(self, number: int) -> Item | None:
        return next((item for item in self.items if item.number == number), None)

    def after(self, item: Item) -> Item | None:
        position = self.items.index(item)
        return self.items[position + 1] if position + 1 < len(self.items) else None


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
        padded = f" {' '.join(text.lower().split())} "
        for pack in self.packs.values():
            for alias in pack.aliases:
                if f" {alias} " in padded.replace("'s ", " ").replace("?", " "):
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


def _fact(raw: object, path: Path, where: str) -> Fact:
    return Fact(
        source_text=require(raw, "source_text", str, path, where).strip(),
        plain=require(raw, "plain", str, path, where).strip(),
        url=optional(raw, "url", str, None, path, where),  # type: ignore[arg-type]
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
        topics=tuple(str(t).lower() for t in optional(raw, "topics", list, [], path, where)),  # type: ignore[arg-type]
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
    wording_path = folder / WORDING_FILE
    wording = require({"w": load_yaml(wording_path)}, "w", dict, wording_path)
    return ContentLibrary(packs=packs, default_area=default_area, wording=wording)

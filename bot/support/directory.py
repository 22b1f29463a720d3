"""The services directory, in Open Referral UK (ORUK) shape, from files or an API.

UK councils publish service directories in ORUK, so a council can replace the
shipped files (``data/services/*.json``) with its own export, or point
``SERVICES_API_URL`` at its ORUK API, with no code change. Only the fields the
assistant uses are read; anything else in a record is ignored. Errors name the
file (or URL) and the field, e.g. ``services[3].phones[0].number``.

Needs and audiences are ORUK taxonomy terms in the service's ``attributes``,
with the vocabularies named in ``data/services/needs.yml``.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from bot import project_path, settings
from bot.core.data_files import DataFileError, load_yaml, require
from bot.core.flourish import IMPACT_SLUGS
from bot.support.opening_hours import ScheduleError, Slot, read_schedules

logger = logging.getLogger(__name__)

SERVICES_DIR = Path("data/services")
NEEDS_FILE = SERVICES_DIR / "needs.yml"
AUDIENCE_VOCABULARY = "flourish-audience"
AUDIENCES = ("young-person", "parent-carer")
# What "Talk to a person" may offer a line for: anyone ("general"), only after a
# risk signal ("crisis"), or as the council's own contact for its area ("council").
LINE_VOCABULARY = "flourish-line"
LINE_KINDS = ("general", "crisis", "council")
PHONE_TYPES = ("voice", "text", "textphone", "video", "sms")
API_TIMEOUT_SECONDS = 10
API_MAX_PAGES = 50


@dataclass(frozen=True)
class Need:
    id: str
    label: str
    impact: str
    camden_outcome: str | None
    words: tuple[str, ...]
    context: tuple[str, ...] = ()  # words that count for half (they set the scene)
    acronyms: tuple[str, ...] = ()  # matched in capitals only: "SEND", not "send"


@dataclass(frozen=True)
class Needs:
    vocabulary: str
    items: tuple[Need, ...]

    def get(self, need_id: str | None) -> Need | None:
        return next((need for need in self.items if need.id == need_id), None)


@dataclass(frozen=True)
class Phone:
    number: str
    type: str
    description: str


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    organization: str
    description: str
    url: str | None
    email: str | None
    phones: tuple[Phone, ...]
    slots: tuple[Slot, ...]
    hours: str  # the directory's own words for the hours, if any
    eligibility: str | None
    minimum_age: int | None
    maximum_age: int | None
    areas: tuple[str, ...]  # area ids it serves; empty means everywhere
    needs: tuple[str, ...]
    audiences: tuple[str, ...]
    example: bool
    lines: tuple[str, ...] = ()  # LINE_KINDS this service is offered as

    def serves_age(self, age: int | None) -> bool:
        if age is None:
            return True
        return (self.minimum_age is None or age >= self.minimum_age) and (
            self.maximum_age is None or age <= self.maximum_age
        )


def load_needs(path: Path | None = None) -> Needs:
    path = project_path(path or NEEDS_FILE)
    data = load_yaml(path)
    vocabulary = require(data, "vocabulary", str, path)
    needs = []
    for index, entry in enumerate(require(data, "needs", list, path)):
        where = f"needs[{index}]"
        impact = require(entry, "impact", str, path, where)
        if impact not in IMPACT_SLUGS:
            raise DataFileError(path, f"{where}.impact", f"unknown impact '{impact}'")
        words = require(entry, "words", list, path, where)
        needs.append(
            Need(
                id=require(entry, "id", str, path, where),
                label=require(entry, "label", str, path, where),
                impact=impact,
                camden_outcome=entry.get("camden_outcome"),
                words=tuple(str(word).lower() for word in words),
                context=tuple(str(word).lower() for word in entry.get("context") or []),
                acronyms=tuple(str(word) for word in entry.get("acronyms") or []),
            )
        )
    ids = [need.id for need in needs]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DataFileError(path, "needs", f"duplicate id {', '.join(duplicates)}")
    return Needs(vocabulary=vocabulary, items=tuple(needs))


def parse_service(
    record: Any, source: str, where: str, needs: Needs, known_areas: Sequence[str]
) -> Service:
    """One ORUK service record, checked; errors name ``source`` and the field."""

    def text(key: str, required: bool = False) -> str | None:
        value = record.get(key) if isinstance(record, Mapping) else None
        if value in (None, ""):
            if required:
                raise DataFileError(source, f"{where}.{key}", "is required")
            return None
        if not isinstance(value, str):
            raise DataFileError(source, f"{where}.{key}", "expected text")
        return value.strip()

    if not isinstance(record, Mapping):
        raise DataFileError(source, where, "expected an object")
    organization = record.get("organization") or {}
    if not isinstance(organization, Mapping) or not organization.get("name"):
        raise DataFileError(source, f"{where}.organization.name", "is required")
    phones = []
    for index, phone in enumerate(record.get("phones") or []):
        field = f"{where}.phones[{index}]"
        number = phone.get("number") if isinstance(phone, Mapping) else None
        if not isinstance(number, str) or not any(ch.isdigit() for ch in number):
            raise DataFileError(source, f"{field}.number", "expected a phone number")
        kind = (phone.get("type") or "voice").lower()
        if kind not in PHONE_TYPES:
            raise DataFileError(source, f"{field}.type", f"use one of {', '.join(PHONE_TYPES)}")
        phones.append(Phone(number.strip(), kind, str(phone.get("description") or "")))
    schedules = record.get("schedules") or record.get("regular_schedules") or []
    try:
        slots = read_schedules(schedules, f"{where}.schedules")
    except ScheduleError as error:
        raise DataFileError(source, error.field, str(error).split(": ", 1)[-1]) from None
    hours = "; ".join(
        str(entry.get("description")) for entry in schedules if entry.get("description")
    )
    terms = _taxonomy_terms(record)
    service_needs = tuple(term for vocab, term in terms if vocab == needs.vocabulary)
    unknown = [term for term in service_needs if needs.get(term) is None]
    if unknown:
        raise DataFileError(
            source, f"{where}.attributes", f"unknown need {', '.join(unknown)} (see needs.yml)"
        )
    audiences = tuple(term for vocab, term in terms if vocab == AUDIENCE_VOCABULARY)
    lines = tuple(term for vocab, term in terms if vocab == LINE_VOCABULARY)
    wrong_lines = [term for term in lines if term not in LINE_KINDS]
    if wrong_lines:
        raise DataFileError(
            source, f"{where}.attributes", f"unknown {LINE_VOCABULARY} {', '.join(wrong_lines)}"
        )
    service = Service(
        id=text("id", required=True) or "",
        name=text("name", required=True) or "",
        organization=str(organization["name"]).strip(),
        description=text("description") or "",
        url=text("url"),
        email=text("email"),
        phones=tuple(phones),
        slots=slots,
        hours=hours,
        eligibility=text("eligibility_description"),
        minimum_age=_age(record, "minimum_age", source, where),
        maximum_age=_age(record, "maximum_age", source, where),
        areas=_areas(record, known_areas),
        needs=service_needs,
        audiences=audiences or AUDIENCES,
        example=(record.get("status") == "example"),
        lines=lines,
    )
    if not (service.phones or service.url or service.email):
        raise DataFileError(source, where, "needs a phone, url or email to contact")
    return service


def _taxonomy_terms(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(vocabulary, term id) pairs from ORUK v3 attributes or v2 service_taxonomys."""
    pairs = []
    for entry in (record.get("attributes") or []) + (record.get("service_taxonomys") or []):
        term = entry.get("taxonomy_term") or entry.get("taxonomy") or {}
        if term.get("id"):
            pairs.append((str(term.get("vocabulary") or ""), str(term["id"])))
    return pairs


def _age(record: Mapping[str, Any], key: str, source: str, where: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DataFileError(source, f"{where}.{key}", "expected a whole number of years")
    return value


def _areas(record: Mapping[str, Any], known_areas: Sequence[str]) -> tuple[str, ...]:
    """The content-pack areas a service is limited to; none means it serves everyone."""
    found = []
    for entry in record.get("service_areas") or []:
        for value in (entry.get("extent"), entry.get("name")):
            if isinstance(value, str) and value.strip().lower() in known_areas:
                found.append(value.strip().lower())
                break
    return tuple(dict.fromkeys(found))


def load_directory(
    folder: Path | None = None,
    needs: Needs | None = None,
    known_areas: Sequence[str] = (),
    examples: bool = False,
) -> tuple[Service, ...]:
    """Every service in the folder's ORUK JSON files, checked.

    Example listings (status "example") are checked but left out unless
    ``examples`` is set: to a parent, a made-up number looks like a broken service.
    """
    folder = project_path(folder or SERVICES_DIR)
    needs = needs or load_needs()
    services: list[Service] = []
    files = sorted(folder.glob("*.json"))
    if not files:
        raise DataFileError(folder, "(folder)", "no ORUK service files (*.json) found")
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise DataFileError(path, "(file)", f"not valid JSON: {error}") from None
        records = data.get("services") if isinstance(data, Mapping) else data
        if not isinstance(records, list):
            raise DataFileError(path, "services", "expected a list of services")
        for index, record in enumerate(records):
            services.append(
                parse_service(record, str(path), f"services[{index}]", needs, known_areas)
            )
    return _unique([s for s in services if examples or not s.example], str(folder))


def load_from_api(
    base_url: str, needs: Needs | None = None, known_areas: Sequence[str] = ()
) -> tuple[Service, ...]:
    """Services from an ORUK API: ``GET {base}/services``, following its pages.

    Accepts the v3 page shape (``{"contents": [...], "total_pages": n}``) and a
    plain list. Raises :class:`DataFileError` naming the URL if it cannot be used.
    """
    needs = needs or load_needs()
    services: list[Service] = []
    page, total_pages = 1, 1
    while page <= min(total_pages, API_MAX_PAGES):
        url = f"{base_url.rstrip('/')}/services?" + urllib.parse.urlencode({"page": page})
        try:
            with urllib.request.urlopen(url, timeout=API_TIMEOUT_SECONDS) as response:
                data = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DataFileError(
                url, "(response)", f"could not read the ORUK API: {error}"
            ) from None
        records = data.get("contents") if isinstance(data, Mapping) else data
        if not isinstance(records, list):
            raise DataFileError(url, "contents", "expected a list of services")
        for index, record in enumerate(records):
            services.append(parse_service(record, url, f"contents[{index}]", needs, known_areas))
        total_pages = int(data.get("total_pages") or 1) if isinstance(data, Mapping) else 1
        page += 1
    return _unique(services, base_url)


def _unique(services: list[Service], source: str) -> tuple[Service, ...]:
    seen: set[str] = set()
    for service in services:
        if service.id in seen:
            raise DataFileError(source, f"service {service.id}", "id is used twice")
        seen.add(service.id)
    return tuple(services)


def load_services(
    known_areas: Sequence[str] = (), needs: Needs | None = None
) -> tuple[Service, ...]:
    """From ``SERVICES_API_URL`` if set, else the shipped files."""
    api = settings.get("SERVICES_API_URL")
    if api:
        return load_from_api(api, needs, known_areas)
    examples = settings.get("SHOW_EXAMPLE_SERVICES").lower() in ("1", "true", "yes")
    return load_directory(needs=needs, known_areas=known_areas, examples=examples)

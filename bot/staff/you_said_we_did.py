""" "You said, we did": staff close the loop, and the assistant tells young people.

Staff publish a short reply per Flourish impact, for one area or for every area.
The assistant says the latest one that fits after a young person gives feedback on
that impact, and when they ask what happened to feedback. Nothing is ever edited
in place: a correction is a newer update, and a mistake is withdrawn (audited), so
staff first see a preview of exactly what young people will hear.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from sqlalchemy import or_, select
from sqlalchemy.orm import sessionmaker

from bot.core.flourish import IMPACT_SLUGS
from bot.core.mid_sentence import in_template
from bot.db.base import as_utc, utc_now
from bot.db.sessions import StoreUnavailable, unit_of_work
from bot.staff.audit import record_event
from bot.staff.records import WeDidUpdate

MAX_YOU_SAID_CHARACTERS = 300
MAX_WE_DID_CHARACTERS = 600


class UpdateError(ValueError):
    """An update staff tried to publish that cannot be (said plainly on the page)."""


@dataclass(frozen=True)
class PublishedUpdate:
    """An update as the assistant and the staff pages show it."""

    id: int
    impact: str
    area: str | None
    you_said: str
    we_did: str
    published_at: datetime
    published_by: str
    withdrawn: bool

    @classmethod
    def of(cls, row: WeDidUpdate) -> PublishedUpdate:
        return cls(
            id=row.id,
            impact=row.impact,
            area=row.area,
            you_said=row.you_said,
            we_did=row.we_did,
            published_at=as_utc(row.published_at),
            published_by=row.published_by,
            withdrawn=row.withdrawn_at is not None,
        )


@dataclass(frozen=True)
class Draft:
    """An update as staff wrote it, checked and tidied, not yet published."""

    impact: str
    area: str | None
    you_said: str
    we_did: str

    def fingerprint(self) -> str:
        """A digest of exactly these words.

        A confirmation is tied to it, so what is published is what was previewed:
        words changed after the preview (or a form that never saw one) are not.
        """
        words = json.dumps([self.impact, self.area, self.you_said, self.we_did])
        return hashlib.sha256(words.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Preview:
    """What the assistant would say about a draft, in its own words."""

    after_saving: str  # to a young person who just gave feedback on the impact
    on_request: tuple[str, ...]  # to anyone asking what happened to feedback


def _clean(text: str, limit: int, what: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise UpdateError(f"Please write what {what}.")
    if len(text) > limit:
        raise UpdateError(f"'{what.capitalize()}' can be at most {limit} characters.")
    return text


class WeDidBoard:
    """The published updates, in the feedback database."""

    def __init__(self, sessions: sessionmaker, areas: Mapping[str, str]) -> None:
        self.sessions = sessions
        self.areas = dict(areas)  # area id -> display name

    def draft(self, impact: str, area: str | None, you_said: str, we_did: str) -> Draft:
        """Check and tidy an update without saving it, so it can be previewed first."""
        if impact not in IMPACT_SLUGS:
            raise UpdateError("Please choose one of the eight impacts.")
        if area is not None and area not in self.areas:
            raise UpdateError("Please choose an area from the list, or every area.")
        return Draft(
            impact=impact,
            area=area,
            you_said=_clean(you_said, MAX_YOU_SAID_CHARACTERS, "young people said"),
            we_did=_clean(we_did, MAX_WE_DID_CHARACTERS, "you did"),
        )

    def publish(
        self, staff: str, impact: str, area: str | None, you_said: str, we_did: str
    ) -> PublishedUpdate:
        draft = self.draft(impact, area, you_said, we_did)
        row = WeDidUpdate(
            impact=draft.impact,
            area=draft.area,
            you_said=draft.you_said,
            we_did=draft.we_did,
            published_at=utc_now(),
            published_by=staff,
        )
        with unit_of_work(self.sessions) as session:
            session.add(row)
            session.flush()
            record_event(
                session, staff, "published-we-did", detail={"update": row.id, "impact": impact}
            )
            return PublishedUpdate.of(row)

    def withdraw(self, staff: str, update_id: int) -> None:
        with unit_of_work(self.sessions) as session:
            row = session.get(WeDidUpdate, update_id)
            if row is None:
                raise UpdateError("That update does not exist.")
            if row.withdrawn_at is None:
                row.withdrawn_at = utc_now()
                row.withdrawn_by = staff
                record_event(session, staff, "withdrew-we-did", detail={"update": update_id})

    def all_updates(self, limit: int = 200) -> list[PublishedUpdate]:
        query = select(WeDidUpdate).order_by(WeDidUpdate.published_at.desc()).limit(limit)
        return [PublishedUpdate.of(row) for row in self._read(query)]

    def latest_for(self, impact: str, area: str | None) -> PublishedUpdate | None:
        """The newest live update for an impact: the area's own, else an every-area one."""
        query = (
            select(WeDidUpdate)
            .where(WeDidUpdate.impact == impact, WeDidUpdate.withdrawn_at.is_(None))
            .where(_for_area(area))
            .order_by(WeDidUpdate.published_at.desc(), WeDidUpdate.id.desc())
        )
        rows = self._read(query.limit(20))
        own = [row for row in rows if area is not None and row.area == area]
        chosen = own[0] if own else (rows[0] if rows else None)
        return PublishedUpdate.of(chosen) if chosen else None

    def latest_updates(self, area: str | None, limit: int = 3) -> list[PublishedUpdate]:
        """The newest live update of each impact, newest first, at most ``limit``."""
        query = (
            select(WeDidUpdate)
            .where(WeDidUpdate.withdrawn_at.is_(None))
            .where(_for_area(area))
            .order_by(WeDidUpdate.published_at.desc(), WeDidUpdate.id.desc())
            .limit(200)
        )
        newest: dict[str, WeDidUpdate] = {}
        for row in self._read(query):
            newest.setdefault(row.impact, row)
        return [PublishedUpdate.of(row) for row in list(newest.values())[:limit]]

    def _read(self, query) -> list[WeDidUpdate]:
        with unit_of_work(self.sessions) as session:
            return list(session.scalars(query))


def _for_area(area: str | None):
    """Updates for every area, plus the area's own when one is known.

    With no area known, every update counts: a young person who never said where
    they live still hears what was done.
    """
    if area is None:
        return WeDidUpdate.id.isnot(None)
    return or_(WeDidUpdate.area.is_(None), WeDidUpdate.area == area)


def as_sentence(text: str) -> str:
    """Staff often leave off the full stop; "You said: x We did: y" reads as one run-on."""
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def describe(
    update: PublishedUpdate,
    template: str,
    impact_labels: Mapping[str, str],
    areas: Mapping[str, str],
    everywhere: str,
) -> str:
    """One update in the assistant's words (``template`` comes from the wording file)."""
    return template.format(
        impact=in_template(template, "impact", impact_labels.get(update.impact, update.impact)),
        area=areas.get(update.area, everywhere) if update.area else everywhere,
        you_said=as_sentence(update.you_said),
        we_did=update.we_did,
        date=f"{update.published_at.day} {update.published_at:%B %Y}",
    )


class WeDidTeller:
    """What the assistant says about updates; never fails a conversation."""

    def __init__(
        self, board: WeDidBoard, wording: Mapping[str, str], impact_labels: Mapping[str, str]
    ) -> None:
        self.board = board
        self.wording = wording
        self.impact_labels = impact_labels

    def _describe(self, update: PublishedUpdate, template: str) -> str:
        return describe(
            update, template, self.impact_labels, self.board.areas, self.wording["everywhere"]
        )

    def preview(self, draft: Draft, on: datetime | None = None) -> Preview:
        """What young people would hear if ``draft`` were published ``on`` (default: now).

        The same templates and labels as for a published update, so the preview
        cannot drift from what the assistant says.
        """
        update = PublishedUpdate(
            id=0,
            impact=draft.impact,
            area=draft.area,
            you_said=draft.you_said,
            we_did=draft.we_did,
            published_at=as_utc(on) if on else utc_now(),
            published_by="",
            withdrawn=False,
        )
        return Preview(
            after_saving=self._describe(update, self.wording["after_saving"]),
            on_request=(self.wording["intro"], self._describe(update, self.wording["update"])),
        )

    def after_saving(self, impact: str, area: str | None) -> list[str]:
        """The latest update on the impact just given feedback on, if there is one."""
        try:
            update = self.board.latest_for(impact, area)
        except StoreUnavailable:
            return []  # the feedback is saved; an update can wait
        return [self._describe(update, self.wording["after_saving"])] if update else []

    def on_request(self, impact: str | None, area: str | None, limit: int = 3) -> list[str]:
        """Answer "what happened to feedback?": this chat's impact first, then the newest."""
        try:
            updates = self.board.latest_updates(area, limit)
            if impact:
                own = self.board.latest_for(impact, area)
                if own is not None:
                    updates = [own, *[u for u in updates if u.impact != impact]][:limit]
        except StoreUnavailable:
            return [self.wording["unavailable"]]
        if not updates:
            return [self.wording["none"]]
        return [
            self.wording["intro"],
            *(self._describe(update, self.wording["update"]) for update in updates),
        ]

"""Which phone lines the assistant should call open, read from the service data now.

"Talk to a person" lists only the lines open at that moment, so what it says
depends on the clock: a test expecting the NSPCC Helpline failed after 10pm.
Tests through the running assistant keep the real clock and ask the data what
is open, before and after the message, so a line that opens or closes during
the turn is reported as unknown rather than guessed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, TypeVar

from bot.plan.content import load_library
from bot.support.directory import load_directory
from bot.support.opening_hours import status

T = TypeVar("T")


def lines_open_now(
    need: str, audience: str, area: str | None = None, at: datetime | None = None
) -> frozenset[str]:
    """Names of the real phone lines for ``need`` and ``audience`` open now (or ``at``)."""
    now = at or datetime.now(timezone.utc)
    services = load_directory(known_areas=tuple(load_library().packs))
    return frozenset(
        service.name
        for service in services
        if need in service.needs
        and audience in service.audiences
        and service.phones
        and not service.example
        and (not service.areas or area in service.areas)
        and status(service.slots, now).open is True
    )


def while_open_lines_stay(
    need: str, audience: str, area: str | None, turn: Callable[[], T]
) -> tuple[T, frozenset[str] | None]:
    """``turn()``'s result, and the lines open throughout it (``None``: one opened or closed)."""
    before = lines_open_now(need, audience, area)
    result = turn()
    after = lines_open_now(need, audience, area)
    return result, before if before == after else None

"""Which phone lines the assistant should call open, read from the service data now.

"Talk to a person" lists only the lines open at that moment, so what it says
depends on the clock: a test expecting the NSPCC Helpline failed after 10pm.
Tests through the running assistant keep the real clock and ask the finder's
rule (``takes_calls_now``) what is open, before and after the message, so a line
that opens or closes during the turn is reported as unknown rather than guessed.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, TypeVar

from bot.plan.content import load_library
from bot.support.directory import load_directory
from bot.support.finder import takes_calls_now

T = TypeVar("T")


def lines_open_now(
    need: str, who: str, area: str | None = None, at: datetime | None = None
) -> frozenset[str]:
    """Names of the lines for ``need`` that take ``who``'s calls now (or ``at``)."""
    now = at or datetime.now(timezone.utc)
    services = load_directory(known_areas=tuple(load_library().packs))
    return frozenset(
        service.name
        for service in services
        if need in service.needs and takes_calls_now(service, who, area, False, now)
    )


def while_open_lines_stay(
    need: str, who: str, area: str | None, turn: Callable[[], T]
) -> tuple[T, frozenset[str] | None]:
    """``turn()``'s result, and the lines open throughout it (``None``: one opened or closed)."""
    before = lines_open_now(need, who, area)
    result = turn()
    after = lines_open_now(need, who, area)
    return result, before if before == after else None

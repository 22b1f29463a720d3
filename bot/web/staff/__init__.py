"""The staff pages under /staff: sign-in, overview, feedback review, exports, "we did"."""

from __future__ import annotations

from typing import AsyncIterator, Mapping

from aiohttp import web
from aiohttp_session import session_middleware

from bot.feedback.flow import load_feedback_wording
from bot.feedback.store import FeedbackStore
from bot.plan.content import load_library
from bot.safety.crisis import load_rules
from bot.safety.signposting_counts import UNSURE, SignpostingLog
from bot.staff.accounts import LockOut, StaffAccounts
from bot.staff.review import FeedbackReview
from bot.staff.you_said_we_did import WeDidBoard, WeDidTeller
from bot.web.staff.routes import setup_routes
from bot.web.staff.sessions import staff_guard, storage_from_settings
from bot.web.staff.views import SITE, StaffSite, staff_errors


def make_site(env: Mapping[str, str] | None = None) -> StaffSite:
    library = load_library()
    areas = library.area_names()
    store = FeedbackStore.from_settings(env)
    board = WeDidBoard(store.sessions, areas)
    wording = load_feedback_wording()  # the assistant's own words, as the action server has them
    return StaffSite(
        store=store,
        review=FeedbackReview(store),
        accounts=StaffAccounts(store.sessions, LockOut.from_settings(env)),
        board=board,
        teller=WeDidTeller(board, wording.we_did, wording.impacts),
        areas=areas,
        impact_names=library.impact_names(),
        young_people_names=dict(wording.impacts),
        signposting=SignpostingLog(store.sessions),
        risk_labels={
            **{category.id: category.label for category in load_rules().categories},
            UNSURE: "Unsure (a check-in with the numbers)",
        },
    )


def setup_staff(app: web.Application, env: Mapping[str, str] | None = None) -> None:
    """Add the staff pages, their session cookies and their guard to ``app``."""
    site = make_site(env)
    app[SITE] = site
    app.middlewares.append(session_middleware(storage_from_settings(env)))
    app.middlewares.append(staff_errors)  # outside the guard: an outage there is a 503 too
    app.middlewares.append(staff_guard(site.accounts.session_is_valid))
    setup_routes(app)

    async def dispose_engine(app: web.Application) -> AsyncIterator[None]:
        yield
        site.store.dispose()

    app.cleanup_ctx.append(dispose_engine)

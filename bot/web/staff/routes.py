"""Every staff URL in one place; all of them sit behind ``staff_guard``."""

from __future__ import annotations

from aiohttp import web

from bot.web.staff import views


def setup_routes(app: web.Application) -> None:
    add = app.router
    add.add_get("/staff/sign-in", views.sign_in_page)
    add.add_post("/staff/sign-in", views.sign_in)
    add.add_post("/staff/sign-out", views.sign_out)
    add.add_get("/staff", views.overview)
    add.add_get("/staff/feedback", views.feedback_list)
    add.add_get("/staff/feedback/{feedback_id}", views.feedback_detail)
    add.add_post("/staff/feedback/{feedback_id}/review", views.set_reviewed)
    add.add_post("/staff/feedback/{feedback_id}/notes", views.add_note)
    add.add_post("/staff/feedback/{feedback_id}/impact", views.change_impact)
    add.add_get("/staff/export.csv", views.export_csv)
    add.add_get("/staff/api/feedback", views.api_feedback)
    add.add_get("/staff/we-did", views.we_did_page)
    add.add_post("/staff/we-did/preview", views.preview_we_did)
    add.add_post("/staff/we-did/edit", views.edit_we_did)
    add.add_post("/staff/we-did", views.publish_we_did)
    add.add_post("/staff/we-did/{update_id}/withdraw", views.withdraw_we_did)
    add.add_get("/staff/audit", views.audit_log)

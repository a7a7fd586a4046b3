"""POST /v1/complaints and POST /v1/appeals (Art. 49): user complaints and authors' appeals."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from moderation.api import openapi
from moderation.api.auth import current_tenant, require_key
from moderation.api.problems import Problem
from moderation.api.validation import json_body
from moderation.app import db_session, get_runtime
from moderation.models.submission import Submission
from moderation.queue.enqueue import enqueue_moderation
from moderation.review import appeals, complaints
from moderation.review.errors import ReviewError

bp = Blueprint("complaints", __name__, url_prefix="/v1")
STRING_FIELDS = ("moderation_id", "external_id", "text", "title", "category", "description",
                 "reporter_id", "statement")  # fmt: skip


def _fields(data: Any, allowed: tuple[str, ...]) -> dict[str, str | None]:
    """The body's string fields (422 naming a non-string one, or a body that is not an object)."""
    if not isinstance(data, dict):
        raise Problem(422, "Invalid Body", "the body must be a JSON object", kind="invalid")
    out: dict[str, str | None] = {}
    for name in allowed:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise Problem(
                422, "Invalid Field", f"{name} must be a string", field=name, kind="invalid"
            )
        out[name] = value
    return out


def _problem(exc: ReviewError) -> Problem:
    status = 422 if exc.status == 400 else exc.status
    title = {404: "Not Found", 409: "Conflict", 403: "Forbidden"}.get(status, "Invalid Field")
    return Problem(status, title, str(exc), field=exc.field)


def _analyse_if_pending(post: Submission | None) -> None:
    """Queue the analysis of a post known only from a complaint (committed first, like intake).

    A retry queues it again while it is still pending: the job is idempotent.
    """
    if post is not None and post.status == "pending":
        runtime = get_runtime()
        enqueue_moderation(runtime.redis, post.id, runtime.settings.job_timeout_seconds)


@bp.post("/complaints")
def create_complaint() -> Response:
    """Record a complaint about a post; duplicates raise the open item's priority."""
    require_key("platform")
    tenant = current_tenant()
    body = _fields(json_body(request), STRING_FIELDS[:7])
    session = db_session()
    try:
        result = complaints.file_complaint(
            session,
            tenant,
            category=body["category"] or "",
            description=body["description"],
            moderation_id=body["moderation_id"],
            external_id=body["external_id"],
            text=body["text"],
            title=body["title"],
            reporter_id=body["reporter_id"],
        )
    except ReviewError as exc:
        session.rollback()
        raise _problem(exc) from None
    session.commit()
    _analyse_if_pending(session.get(Submission, result.complaint.submission_id))
    response = jsonify(
        id=result.complaint.id,
        moderation_id=result.complaint.submission_id,
        status=result.complaint.status,
        duplicate=result.duplicate,
        review_item_id=result.item.id,
        complaints_on_post=result.item.complaint_count,
        priority=result.item.priority,
        counts=complaints.complaint_counts(session, tenant.id),
    )
    response.status_code = 200 if result.duplicate else 201
    return response


@bp.post("/appeals")
def create_appeal() -> Response:
    """Open an appeal against a removal; a senior other than the original decider decides."""
    require_key("platform")
    tenant = current_tenant()
    body = _fields(json_body(request), ("moderation_id", "external_id", "statement"))
    session = db_session()
    try:
        result = appeals.file_appeal(
            session,
            tenant,
            moderation_id=body["moderation_id"],
            external_id=body["external_id"],
            statement=body["statement"],
        )
    except ReviewError as exc:
        session.rollback()
        raise _problem(exc) from None
    session.commit()
    appeal = result.appeal
    response = jsonify(
        id=appeal.id,
        moderation_id=appeal.submission_id,
        status=appeal.status,
        duplicate=result.duplicate,
        review_item_id=appeal.item_id,
        note="The outcome is sent to the platform by webhook (event moderation.reviewed).",
    )
    response.status_code = 200 if result.duplicate else 201
    return response


_STR = {"type": "string"}
openapi.register(
    {
        "/v1/complaints": {
            "post": {
                "summary": "Forward a user complaint about a post (Art. 49)",
                "operationId": "createComplaint",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": openapi.ref("ComplaintRequest")}},
                },
                "responses": {
                    "201": {"description": "Accepted; the post is in the review queue",
                            "content": {"application/json": {"schema": openapi.ref("Complaint")}}},
                    "200": {"description": "Same reporter again: not counted twice",
                            "content": {"application/json": {"schema": openapi.ref("Complaint")}}},
                    "401": openapi.problem("Missing or unknown API key"),
                    "404": openapi.problem("Unknown moderation_id or external_id"),
                    "415": openapi.problem("Content-Type is not application/json"),
                    "422": openapi.problem("A field is missing or invalid (see `field`)"),
                },
            }
        },
        "/v1/appeals": {
            "post": {
                "summary": "Appeal a removal on behalf of its author",
                "operationId": "createAppeal",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": openapi.ref("AppealRequest")}},
                },
                "responses": {
                    "201": {"description": "Appeal opened for a senior reviewer",
                            "content": {"application/json": {"schema": openapi.ref("Appeal")}}},
                    "200": {"description": "An appeal is already pending (returned)",
                            "content": {"application/json": {"schema": openapi.ref("Appeal")}}},
                    "401": openapi.problem("Missing or unknown API key"),
                    "404": openapi.problem("Unknown moderation_id or external_id"),
                    "409": openapi.problem("The post is not removed or blocked"),
                    "422": openapi.problem("A field is missing or invalid (see `field`)"),
                },
            }
        },
    },
    {
        "ComplaintRequest": {
            "type": "object",
            "description": "Name the post by moderation_id or external_id, or send its text: "
            "new text is stored and analysed like a posted moderation (its verdict at "
            "GET /v1/moderations/{moderation_id}) and stays in the review queue whatever "
            "the verdict.",
            "required": ["category"],
            "properties": {
                "moderation_id": _STR, "external_id": _STR, "text": _STR, "title": _STR,
                "category": {"type": "string", "description": "Category code complained of"},
                "description": _STR,
                "reporter_id": {"type": "string", "description": "Complaining user (hashed)"},
            },
        },
        "Complaint": {
            "type": "object",
            "properties": {
                "id": _STR, "moderation_id": _STR, "status": _STR,
                "duplicate": {"type": "boolean"}, "review_item_id": _STR,
                "complaints_on_post": {"type": "integer"}, "priority": {"type": "integer"},
                "counts": {"type": "object", "properties": {
                    "accepted": {"type": "integer"}, "handled": {"type": "integer"}}},
            },
        },
        "AppealRequest": {
            "type": "object",
            "properties": {"moderation_id": _STR, "external_id": _STR, "statement": _STR},
        },
        "Appeal": {
            "type": "object",
            "properties": {
                "id": _STR, "moderation_id": _STR, "status": _STR,
                "duplicate": {"type": "boolean"}, "review_item_id": _STR, "note": _STR,
            },
        },
    },
)  # fmt: skip

"""POST /v1/moderations, POST /v1/moderations/batch, GET /v1/moderations/{id}."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from moderation import moderations
from moderation.api.auth import current_tenant, require_key
from moderation.api.problems import Problem
from moderation.api.validation import json_body, parse_batch, parse_post, parse_wait
from moderation.app import db_session, get_runtime
from moderation.models.submission import Submission
from moderation.queue.enqueue import enqueue_batch, enqueue_moderation
from moderation.queue.notify import decided_resource, wait_decided
from moderation.review.decisions import latest_statement
from moderation.verdicts import fails_closed

bp = Blueprint("moderations", __name__, url_prefix="/v1/moderations")


def _conflict(exc: moderations.Conflict) -> Problem:
    return Problem(
        409,
        "Conflict",
        str(exc),
        field=exc.field,
        kind="duplicate-external-id",
        existing_id=exc.existing_id,
    )


def _location(submission_id: str) -> str:
    return url_for("moderations.get_moderation", submission_id=submission_id)


def _fails_closed() -> bool:
    return fails_closed(current_tenant(), get_runtime().settings)


def _statement(submission: Submission) -> dict[str, Any] | None:
    """The statement of reasons of the post's latest review decision, if it still stands.

    `action`/`publish` follow the post's current action (a reviewer's approve or remove
    replaces the engine's verdict); a statement whose action a later decision replaced
    (e.g. a directive removal without a review item) is not shown as the current one.
    """
    if submission.status == "pending":
        return None  # nothing to review yet: no query
    statement = latest_statement(db_session(), submission.id)
    if statement is None or statement.get("action") != submission.action:
        return None
    return statement


def _respond(submission: Submission, closed: bool) -> Response:
    """200 with the verdict when decided; 202 + Location to poll while pending."""
    body = moderations.api_resource(submission, closed, _statement(submission))
    response = jsonify(body)
    if submission.status == "pending":
        response.status_code = 202
        response.headers["Location"] = _location(submission.id)
        response.headers["Retry-After"] = "1"
    return response


@bp.post("")
def create_moderation() -> Response:
    """Store one post, queue it, and optionally wait up to `wait` seconds for the verdict."""
    key = require_key("platform")
    runtime = get_runtime()
    settings = runtime.settings
    data = json_body(request)
    post = parse_post(data, settings.max_text_chars)
    wait = parse_wait(data, settings.max_wait_seconds)
    session = db_session()
    try:
        intake = moderations.submit(session, key.tenant_id, post)
    except moderations.Conflict as exc:
        raise _conflict(exc) from None
    submission = intake.submission
    closed = _fails_closed()
    if submission.status != "pending":
        return _respond(submission, closed)
    # Committed first; a retry of a still-pending post queues it again (the job is idempotent).
    enqueue_moderation(runtime.redis, submission.id, settings.job_timeout_seconds)
    token = wait_decided(runtime.redis, submission.id, wait) if wait else None
    resource = decided_resource(token)
    if resource is not None:  # the worker sent the decided post along: no database read
        return Response(resource, status=200, mimetype="application/json")
    if token is not None:
        session.rollback()  # end the read snapshot so the worker's commit is visible
        submission = moderations.get(session, key.tenant_id, submission.id) or submission
    return _respond(submission, closed)


@bp.post("/batch")
def create_batch() -> Response:
    """Store up to `max_batch` posts in one transaction and queue them as one batch job."""
    key = require_key("platform")
    runtime = get_runtime()
    settings = runtime.settings
    posts = parse_batch(json_body(request), settings.max_batch, settings.max_text_chars)
    session = db_session()
    try:
        batch_id, intakes = moderations.submit_batch(session, key.tenant_id, posts)
    except moderations.Conflict as exc:
        raise _conflict(exc) from None
    if any(i.created for i in intakes):
        enqueue_batch(runtime.redis, batch_id, settings.job_timeout_seconds)
    for intake in intakes:
        if not intake.created and intake.submission.status == "pending":
            enqueue_moderation(runtime.redis, intake.submission.id, settings.job_timeout_seconds)
    closed = _fails_closed()
    items: list[dict[str, Any]] = []
    for intake in intakes:
        item = moderations.to_resource(intake.submission, closed)
        item["location"] = _location(intake.submission.id)
        items.append(item)
    response = jsonify({"batch_id": batch_id, "count": len(items), "moderations": items})
    response.status_code = 202
    return response


@bp.get("/<submission_id>")
def get_moderation(submission_id: str) -> Response:
    """The moderation's status and verdict; another tenant's id is 404 like an unknown one."""
    key = require_key("platform", "compliance")
    submission = moderations.get(db_session(), key.tenant_id, submission_id)
    if submission is None:
        raise Problem(
            404, "Not Found", f"no moderation {submission_id!r}", field="id", kind="not-found"
        )
    return _respond(submission, _fails_closed())

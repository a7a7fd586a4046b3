"""Intake of posts: store durably (idempotent per tenant + external_id), then queue by id.

Services take the session as an argument and commit it themselves, because the row must be
durable before its id goes on the queue.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from moderation import fieldcrypt
from moderation.models.base import new_id, utcnow
from moderation.models.submission import Submission, Verdict


@dataclass(frozen=True)
class PostInput:
    """One post to moderate, validated."""

    text: str
    title: str | None = None
    external_id: str | None = None
    author_id: str | None = None
    author_ip: str | None = None
    author_device_id: str | None = None
    author_verified: bool | None = None
    context: dict[str, Any] = field(default_factory=dict)
    callback_url: str | None = None


#: The ids this service issues (UUID4 hex).
ID_PATTERN = re.compile(r"[0-9a-f]{32}")


class Conflict(Exception):
    """The external_id is already used for a different text."""

    def __init__(self, external_id: str, existing_id: str, name: str = "external_id") -> None:
        super().__init__(f"external_id {external_id!r} was already submitted with another text")
        self.external_id = external_id
        self.existing_id = existing_id
        self.field = name


@dataclass(frozen=True)
class Intake:
    """A stored submission and whether this request created it."""

    submission: Submission
    created: bool


def text_hash(text: str) -> str:
    """SHA-256 of the exact text (detects a different text under the same external_id)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _new_row(tenant_id: str, post: PostInput, batch_id: str | None) -> Submission:
    author_hash = None
    if post.author_id is not None:
        author_hash = fieldcrypt.get_cipher().blind_index(tenant_id, post.author_id)
    now = utcnow()
    return Submission(
        id=new_id(),
        tenant_id=tenant_id,
        external_id=post.external_id,
        text=post.text,
        text_sha256=text_hash(post.text),
        title=post.title,
        author_id=post.author_id,
        author_ip=post.author_ip,
        author_device_id=post.author_device_id,
        author_verified=post.author_verified,
        author_hash=author_hash,
        context=post.context,
        callback_url=post.callback_url,
        status="pending",
        batch_id=batch_id,
        received_at=now,
        queued_at=now,
        attempts=1,
    )


def _existing(
    session: Session, tenant_id: str, external_ids: Sequence[str]
) -> dict[str, Submission]:
    if not external_ids:
        return {}
    rows = session.scalars(
        select(Submission).where(
            Submission.tenant_id == tenant_id, Submission.external_id.in_(list(external_ids))
        )
    ).all()
    return {row.external_id: row for row in rows if row.external_id is not None}


def _reuse(existing: Submission, post: PostInput, name: str = "external_id") -> Intake:
    if existing.text_sha256 != text_hash(post.text):
        raise Conflict(post.external_id or "", existing.id, name)
    return Intake(existing, created=False)


def submit(session: Session, tenant_id: str, post: PostInput) -> Intake:
    """Store one post (committed), or return the earlier one with the same external_id."""
    if post.external_id is not None:
        found = _existing(session, tenant_id, [post.external_id]).get(post.external_id)
        if found is not None:
            return _reuse(found, post)
    row = _new_row(tenant_id, post, None)
    session.add(row)
    try:
        session.commit()
        set_committed_value(row, "verdict", None)  # known: a new post has none (no query)
    except IntegrityError:  # a concurrent retry with the same external_id won the race
        session.rollback()
        if post.external_id is None:
            raise
        found = _existing(session, tenant_id, [post.external_id]).get(post.external_id)
        if found is None:
            raise
        return _reuse(found, post)
    return Intake(row, created=True)


def submit_batch(
    session: Session, tenant_id: str, posts: Sequence[PostInput]
) -> tuple[str, list[Intake]]:
    """Store a batch in one transaction; returns the batch id and one Intake per post, in order.

    Posts whose external_id was seen before are returned as they are (not re-queued with the
    batch); any conflict rejects the whole batch, so nothing is half-written.
    """
    batch_id = new_id()
    ids = [p.external_id for p in posts if p.external_id is not None]
    for _attempt in range(2):
        found = _existing(session, tenant_id, ids)
        results: list[Intake] = []
        for i, post in enumerate(posts):
            earlier = found.get(post.external_id) if post.external_id else None
            if earlier is not None:
                results.append(_reuse(earlier, post, f"posts[{i}].external_id"))
            else:
                row = _new_row(tenant_id, post, batch_id)
                session.add(row)
                results.append(Intake(row, created=True))
        try:
            session.commit()
            for intake in results:
                if intake.created:
                    set_committed_value(intake.submission, "verdict", None)
            return batch_id, results
        except IntegrityError:  # a concurrent request stored one of these external ids
            session.rollback()
    raise RuntimeError("could not store the batch after a concurrent conflict")


def get(session: Session, tenant_id: str, submission_id: str) -> Submission | None:
    """The tenant's submission with this id; None for unknown ids and other tenants' posts."""
    if not ID_PATTERN.fullmatch(submission_id):
        return None  # not an id we issue: no need to ask the database
    row = session.get(
        Submission,
        submission_id,
        options=[joinedload(Submission.verdict)],
        populate_existing=True,
    )
    if row is None or row.tenant_id != tenant_id:
        return None
    return row


def publish(submission: Submission, fail_closed: bool = True) -> bool:
    """Whether the platform may publish the post now (pending: only when failing open)."""
    if submission.status == "pending":
        return not fail_closed
    return (submission.action or (submission.verdict.action if submission.verdict else "")) == (
        "allow"
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def verdict_resource(verdict: Verdict) -> dict[str, Any]:
    """The JSON form of a verdict (what the engine and policy decided, and why)."""
    return {
        "action": verdict.action,
        "publish": verdict.action == "allow",
        "categories": verdict.categories,
        "hits": verdict.hits,
        "findings": verdict.findings,
        "masked_text": verdict.masked_text,
        "reasons": verdict.reasons,
        "versions": {
            "lexicon": verdict.lexicon_version,
            "model": verdict.model_version,
            "policy": verdict.policy_version,
        },
        "timings_ms": verdict.timings_ms,
        "decided_at": _iso(verdict.created_at),
    }


def to_resource(submission: Submission, fail_closed: bool = True) -> dict[str, Any]:
    """The JSON form of a moderation as the API returns it."""
    verdict = submission.verdict
    return {
        "id": submission.id,
        "external_id": submission.external_id,
        "status": submission.status,
        "action": submission.action,
        "publish": publish(submission, fail_closed),
        "received_at": _iso(submission.received_at),
        "decided_at": _iso(submission.decided_at),
        "verdict": verdict_resource(verdict) if verdict is not None else None,
    }


def api_resource(
    submission: Submission, fail_closed: bool = True, statement: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The moderation as GET /v1/moderations/{id} answers it: `to_resource` plus the statement
    of reasons of the review decision that stands (None when there is none)."""
    return {**to_resource(submission, fail_closed), "statement": statement}

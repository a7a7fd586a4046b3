"""Turning pending submissions into verdicts: analyse, apply the tenant's policy, write once.

A verdict is written at most once per submission (unique `verdicts.submission_id`); the
verdict, the submission's new status and every effect (evidence, review task, webhook) commit
in one transaction, so a retried or duplicated job either writes everything or nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from moderation import effects
from moderation.config import Settings
from moderation.engine.policy import Policy, decide
from moderation.models.base import new_id, utcnow
from moderation.models.submission import Submission, Verdict
from moderation.models.tenant import Tenant
from moderation.moderations import api_resource

log = logging.getLogger(__name__)

WORKER_NAME = f"worker:{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Outcome:
    """What `decide_pending` did: ids it decided and ids that were already decided.

    `resources` holds the API representation of each post decided here, so a request waiting
    on it can answer without reading the database again.
    """

    decided: list[str]
    already: list[str]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)


def policy_dict(tenant: Tenant, settings: Settings) -> dict[str, Any]:
    """The tenant's policy data: service defaults overridden by the tenant's own keys."""
    merged: dict[str, Any] = {"fail_closed": settings.fail_closed}
    merged.update(settings.default_policy)
    merged.update(tenant.policy or {})
    return merged


def tenant_policy(tenant: Tenant, settings: Settings) -> Policy:
    """The tenant's engine Policy (see `policy_dict`)."""
    return Policy.from_dict(policy_dict(tenant, settings))


def fails_closed(tenant: Tenant, settings: Settings) -> bool:
    """Whether an undecided post of this tenant must not be published (the default)."""
    return bool(policy_dict(tenant, settings).get("fail_closed", True))


def _as_dicts(items: Iterable[Any]) -> list[dict[str, Any]]:
    """JSON-ready dicts from engine result objects (dataclasses with to_dict, or dicts)."""
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
        elif hasattr(item, "to_dict"):
            out.append(item.to_dict())
        else:
            out.append({"code": str(item)})
    return out


def _analyze_all(engine: Any, texts: list[str]) -> list[Any]:
    """Analyse texts in one call when the engine offers batch analysis."""
    batch = getattr(engine, "analyze_batch", None)
    if batch is not None:
        return list(batch(texts))
    return [engine.analyze(text) for text in texts]


def build_verdict(submission: Submission, analysis: Any, decision: Any, queue_ms: float) -> Verdict:
    """The Verdict row for an analysis and the policy's decision on it."""
    timings = dict(getattr(analysis, "timings_ms", {}) or {})
    timings["queue_ms"] = round(queue_ms, 2)
    reasons = _as_dicts(getattr(decision, "reasons", ()))
    return Verdict(
        submission_id=submission.id,
        tenant_id=submission.tenant_id,
        action=str(decision.action),
        categories=_as_dicts(getattr(decision, "categories", None) or analysis.categories),
        hits=_as_dicts(analysis.hits),
        findings=_as_dicts(getattr(analysis, "findings", ())),
        reasons=reasons,
        masked_text=analysis.masked_text,
        lexicon_version=str(analysis.lexicon_version),
        model_version=analysis.model_version,
        policy_version=str(decision.policy_version),
        timings_ms=timings,
        decided_by=WORKER_NAME,
    )


def _attach(session: Session, submission: Submission, verdict: Verdict) -> None:
    """Add the verdict and mark the submission decided (no flush, no lazy loads)."""
    verdict.id = verdict.id or new_id()
    session.add(verdict)
    submission.status = "decided"
    submission.action = verdict.action
    submission.decided_at = verdict.created_at = utcnow()
    # Set the relationship without loading the old (empty) value: one query less per post.
    set_committed_value(submission, "verdict", verdict)


def _record(session: Session, pairs: Sequence[tuple[Submission, Verdict]]) -> None:
    """Write verdicts in one flush, then run each verdict's effects (same transaction)."""
    for submission, verdict in pairs:
        _attach(session, submission, verdict)
    session.flush()
    for submission, verdict in pairs:
        effects.on_verdict(session, submission, verdict)


def _pending(session: Session, ids: Sequence[str]) -> tuple[list[Submission], list[str]]:
    rows = session.scalars(select(Submission).where(Submission.id.in_(ids))).all()
    pending = [s for s in rows if s.status == "pending" and s.text is not None]
    done = [s.id for s in rows if s.status != "pending"]
    return pending, done


def decide_pending(
    sessions: sessionmaker[Session], settings: Settings, engine: Any, ids: Sequence[str]
) -> Outcome:
    """Analyse and decide those of `ids` still pending; the others are left as they are."""
    with sessions() as session:
        pending, done = _pending(session, ids)
        if not pending:
            return Outcome([], done)
        started = time.monotonic()
        from moderation.review.tenant_engines import analyze_for_tenants  # + directive terms

        analyses = analyze_for_tenants(session, engine, pending)
        engine_ms = (time.monotonic() - started) * 1000 / len(pending)
        policies: dict[str, Any] = {}
        verdicts = []
        for submission, analysis in zip(pending, analyses, strict=True):
            tenant = session.get(Tenant, submission.tenant_id)
            assert tenant is not None
            if tenant.id not in policies:
                policies[tenant.id] = tenant_policy(tenant, settings)
            decision = decide(analysis, policies[tenant.id])
            queued = submission.queued_at or submission.received_at
            queue_ms = (utcnow() - queued).total_seconds() * 1000 - engine_ms
            verdicts.append(build_verdict(submission, analysis, decision, max(queue_ms, 0.0)))
        return _commit(session, pending, verdicts, done)


def _commit(
    session: Session, pending: list[Submission], verdicts: list[Verdict], done: list[str]
) -> Outcome:
    """Write all verdicts in one transaction; on a race with another worker, one by one."""
    try:
        _record(session, list(zip(pending, verdicts, strict=True)))
        session.commit()
        # Just decided by the engine: no review decision (statement) exists yet.
        resources = {s.id: api_resource(s) for s in pending}
        return Outcome([s.id for s in pending], done, resources)
    except IntegrityError:
        session.rollback()
    decided: list[str] = []
    for submission, verdict in zip(pending, verdicts, strict=True):
        fresh = session.get(Submission, submission.id, populate_existing=True)
        if fresh is None or fresh.status != "pending":
            done.append(submission.id)
            continue
        try:
            _record(session, [(fresh, _copy(verdict))])
            session.commit()
            decided.append(fresh.id)
        except IntegrityError:
            session.rollback()
            if not _has_verdict(session, fresh.id):
                raise  # not a race with another worker: a real error, let the job fail
            done.append(fresh.id)  # another worker decided it first: its verdict stands
    return Outcome(decided, done)


def _has_verdict(session: Session, submission_id: str) -> bool:
    query = select(Verdict.id).where(Verdict.submission_id == submission_id)
    return session.scalar(query) is not None


def _copy(verdict: Verdict) -> Verdict:
    columns = ("submission_id", "tenant_id", "action", "categories", "hits", "findings")
    more = ("reasons", "masked_text", "lexicon_version", "model_version", "policy_version")
    rest = ("timings_ms", "decided_by")
    return Verdict(**{name: getattr(verdict, name) for name in (*columns, *more, *rest)})


def _policy_version(tenant: Tenant, settings: Settings) -> str:
    try:
        return str(tenant_policy(tenant, settings).version)
    except ValueError:  # the tenant's policy itself may be why no decision was possible
        return "invalid-policy"


def decide_undecided(
    session: Session, settings: Settings, submission: Submission, why: str
) -> bool:
    """Give a post that cannot be analysed the tenant's fallback verdict (closed: review).

    Returns False when the post already has a verdict. The caller commits.
    """
    if submission.status != "pending":
        return False
    tenant = session.get(Tenant, submission.tenant_id)
    assert tenant is not None
    closed = fails_closed(tenant, settings)
    verdict = Verdict(
        submission_id=submission.id,
        tenant_id=submission.tenant_id,
        action="review" if closed else "allow",
        categories=[],
        hits=[],
        findings=[],
        reasons=[
            {
                "code": "undecided",
                "detail": f"no automatic decision ({why}); policy fails "
                + ("closed: held for review" if closed else "open: allowed"),
            }
        ],
        masked_text=None,
        lexicon_version="none",
        model_version=None,
        policy_version=_policy_version(tenant, settings),
        timings_ms={},
        decided_by=WORKER_NAME,
    )
    _record(session, [(submission, verdict)])
    return True

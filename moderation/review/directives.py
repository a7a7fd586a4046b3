"""Directives from an authority (Art. 50): new terms for the lexicon and a sweep of stored posts.

An admin records the directive (reference, terms, category, days, mode). Its terms are kept in
the database; `active_terms` / `lexicon_lines` give them to the worker, which adds them to the
tenant's runtime lexicon for new posts. The sweep (`run_sweep`, run as an RQ job from
`moderation.review.jobs`) matches the terms against the tenant's posts of the last N days, with
the engine's normaliser (so disguised forms match too), and queues or removes every match,
updating progress as it goes and writing a summary at the end.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from moderation.engine.normalize import normalize
from moderation.models.base import utcnow
from moderation.models.review import Directive
from moderation.models.submission import Submission
from moderation.review import events
from moderation.review.directive_removal import remove_post
from moderation.review.errors import NotFound, ReviewError
from moderation.review.queue import enqueue, open_item_for

MODES = ("queue", "remove")
MAX_TERMS = 1000
MAX_DAYS = 3650
BATCH = 200


def create_directive(
    session: Session,
    tenant_id: str,
    *,
    created_by: str | None = None,
    reference: str,
    terms: list[str],
    category: str,
    days: int,
    mode: str,
) -> Directive:
    """Validate and record a directive (the caller commits, then starts the sweep)."""
    reference, category = reference.strip(), category.strip()
    cleaned = list(dict.fromkeys(t.strip() for t in terms if t.strip()))
    if not reference or len(reference) > 200:
        raise ReviewError("reference is required (at most 200 characters)", field="reference")
    if not cleaned or len(cleaned) > MAX_TERMS:
        raise ReviewError(f"give 1 to {MAX_TERMS} terms, one per line", field="terms")
    if any(not _compact(normalize(t).text)[0] for t in cleaned):
        raise ReviewError("a term is empty once punctuation is removed", field="terms")
    if not category or len(category) > 64 or any(ch.isspace() for ch in category):
        raise ReviewError("category is required: one category code, no spaces", field="category")
    if not 1 <= days <= MAX_DAYS:
        raise ReviewError(f"days must be between 1 and {MAX_DAYS}", field="days")
    if mode not in MODES:
        raise ReviewError(f"mode must be one of {', '.join(MODES)}", field="mode")
    directive = Directive(
        tenant_id=tenant_id,
        reference=reference,
        terms=cleaned,
        category=category,
        days=days,
        mode=mode,
        active=True,
        created_by=created_by,
        created_at=utcnow(),
        sweep_status="pending",
        sweep_total=0,
        sweep_done=0,
        summary={},
    )
    session.add(directive)
    session.flush()
    return directive


def deactivate(session: Session, tenant_id: str, directive_id: str, actor: str) -> Directive:
    """Stop adding a directive's terms to new analyses (its sweep results stay as they are)."""
    directive = session.scalar(
        select(Directive).where(Directive.id == directive_id, Directive.tenant_id == tenant_id)
    )
    if directive is None:
        raise NotFound(f"no directive {directive_id!r}")
    if directive.active:
        directive.active = False
        events.record(
            session,
            "directive_ended",
            tenant_id=tenant_id,
            actor=actor,
            reason=directive.reference,
            data={"directive_id": directive.id},
        )
    return directive


def active_terms(session: Session, tenant_id: str) -> list[dict[str, str]]:
    """The tenant's active directive terms as lexicon entries {term, category, severity}."""
    entries: list[dict[str, str]] = []
    for d in session.scalars(
        select(Directive)
        .where(Directive.tenant_id == tenant_id, Directive.active.is_(True))
        .order_by(Directive.created_at)
    ):
        severity = "block" if d.mode == "remove" else "review"
        entries.extend({"term": t, "category": d.category, "severity": severity} for t in d.terms)
    return entries


def lexicon_lines(session: Session, tenant_id: str) -> list[str]:
    """The active terms in the plain interchange format (`term<TAB>category<TAB>severity`)."""
    return [
        f"{e['term']}\t{e['category']}\t{e['severity']}" for e in active_terms(session, tenant_id)
    ]


def _is_separator(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PSZC"


def _compact(text: str) -> tuple[str, list[int]]:
    """The text without separators, and for each kept character its index in `text`."""
    kept = [(i, ch) for i, ch in enumerate(text) if not _is_separator(ch)]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


def match_terms(text: str, terms: list[str], category: str, severity: str) -> list[dict[str, Any]]:
    """Every occurrence of the terms in `text`, disguised or not, as hits on original spans."""
    norm = normalize(text)
    compact, index = _compact(norm.text)
    hits: list[dict[str, Any]] = []
    for term in terms:
        needle = _compact(normalize(term).text)[0]
        start = compact.find(needle)
        while needle and start >= 0:
            end = start + len(needle)
            o_start, o_end = norm.span(index[start], index[end - 1] + 1)
            hits.append(
                {
                    "term": term,
                    "category": category,
                    "severity": severity,
                    "start": o_start,
                    "end": o_end,
                    "text": text[o_start:o_end],
                    "source": "directive",
                }
            )
            start = compact.find(needle, end)
    return sorted(hits, key=lambda h: (h["start"], h["end"]))


def run_sweep(sessions: sessionmaker[Session], directive_id: str) -> dict[str, Any]:
    """Sweep the tenant's recent posts for the directive's terms; returns the summary."""
    with sessions() as session:
        directive = session.get(Directive, directive_id)
        if directive is None:
            raise ReviewError(f"no directive {directive_id!r}")
        since = directive.created_at - timedelta(days=directive.days)
        base = select(Submission.id).where(
            Submission.tenant_id == directive.tenant_id,
            Submission.received_at >= since,
            Submission.text.is_not(None),
        )
        ids = list(session.scalars(base.order_by(Submission.received_at, Submission.id)))
        directive.sweep_status, directive.sweep_total, directive.sweep_done = "running", len(ids), 0
        session.commit()
    counts: Counter[str] = Counter()
    by_term: Counter[str] = Counter()
    try:
        for offset in range(0, len(ids), BATCH):
            with sessions() as session:
                directive = session.get(Directive, directive_id)
                assert directive is not None
                for post in session.scalars(
                    select(Submission).where(Submission.id.in_(ids[offset : offset + BATCH]))
                ):
                    _sweep_one(session, directive, post, counts, by_term)
                directive.sweep_done = min(offset + BATCH, len(ids))
                session.commit()
    except Exception as exc:
        _finish(sessions, directive_id, "failed", counts, by_term, error=str(exc))
        raise
    return _finish(sessions, directive_id, "done", counts, by_term)


def _sweep_one(
    session: Session,
    directive: Directive,
    post: Submission,
    counts: Counter[str],
    by_term: Counter[str],
) -> None:
    counts["scanned"] += 1
    severity = "block" if directive.mode == "remove" else "review"
    hits = match_terms(post.text or "", directive.terms, directive.category, severity)
    if not hits:
        return
    counts["matched"] += 1
    by_term.update({h["term"] for h in hits})
    if directive.mode == "remove":
        if post.action != "block":
            remove_post(session, directive, post, hits)
            counts["removed"] += 1
        return
    if post.action == "block" or open_item_for(session, post.id) is not None:
        counts["already_handled"] += 1
        return
    enqueue(
        session,
        post,
        "directive",
        actor=f"directive:{directive.id}",
        extra_hits=hits,
        directive_id=directive.id,
    )
    counts["queued"] += 1


def _finish(
    sessions: sessionmaker[Session],
    directive_id: str,
    status: str,
    counts: Counter[str],
    by_term: Counter[str],
    error: str | None = None,
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        key: counts.get(key, 0)
        for key in ("scanned", "matched", "queued", "removed", "already_handled")
    }
    summary["by_term"] = dict(by_term)
    if error:
        summary["error"] = error
    with sessions() as session:
        directive = session.get(Directive, directive_id)
        assert directive is not None
        directive.sweep_status, directive.summary = status, summary
        directive.finished_at = utcnow()
        session.commit()
    return summary

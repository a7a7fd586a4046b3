"""Review dashboard figures: queue depth and age, throughput, categories, SLA, complaints."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.review import Complaint, ReviewEvent, ReviewItem
from moderation.review.complaints import complaint_counts
from moderation.review.queue import BANDS, band_of

DECISION_KINDS = ("decided", "directive_removed")


@dataclass
class BandFigures:
    """Open items of one priority band."""

    name: str
    depth: int = 0
    oldest_minutes: float = 0.0
    mean_minutes: float = 0.0
    breaches: int = 0


@dataclass
class Dashboard:
    """Everything the dashboard page shows."""

    bands: list[BandFigures]
    open_total: int
    claimed_now: int
    sla_minutes: int
    open_breaches: list[tuple[ReviewItem, float]]
    decided_late_24h: int
    #: {reviewer name: {hour label: decisions}} over the last 24 hours.
    per_reviewer_hour: dict[str, dict[str, int]]
    hours: list[str]
    #: {day label: {category or "approved": decisions}} over the last `days` days.
    by_category_day: dict[str, dict[str, int]]
    days: list[str]
    complaints: dict[str, int]
    complaints_by_category: dict[str, int] = field(default_factory=dict)


def build(
    session: Session,
    tenant_id: str,
    sla_minutes: int,
    now: datetime | None = None,
    days: int = 14,
) -> Dashboard:
    """Compute the dashboard for one tenant."""
    now = now or utcnow()
    bands, breaches, open_total, claimed = _queue_figures(session, tenant_id, sla_minutes, now)
    hours = [(now - timedelta(hours=h)).strftime("%H:00") for h in range(23, -1, -1)]
    day_labels = [(now - timedelta(days=d)).strftime("%m-%d") for d in range(days - 1, -1, -1)]
    per_reviewer, by_category = _decision_figures(session, tenant_id, now, days)
    return Dashboard(
        bands=bands,
        open_total=open_total,
        claimed_now=claimed,
        sla_minutes=sla_minutes,
        open_breaches=breaches,
        decided_late_24h=_decided_late(session, tenant_id, sla_minutes, now),
        per_reviewer_hour=per_reviewer,
        hours=hours,
        by_category_day=by_category,
        days=day_labels,
        complaints=complaint_counts(session, tenant_id),
        complaints_by_category=_complaints_by_category(session, tenant_id),
    )


def _queue_figures(
    session: Session, tenant_id: str, sla_minutes: int, now: datetime
) -> tuple[list[BandFigures], list[tuple[ReviewItem, float]], int, int]:
    items = list(
        session.scalars(
            select(ReviewItem).where(ReviewItem.tenant_id == tenant_id, ReviewItem.status == "open")
        )
    )
    bands = {name: BandFigures(name) for name, _floor in BANDS}
    waits: dict[str, list[float]] = defaultdict(list)
    breaches: list[tuple[ReviewItem, float]] = []
    claimed = 0
    for item in items:
        minutes = (now - item.created_at).total_seconds() / 60
        band = bands[band_of(item.priority)]
        band.depth += 1
        waits[band.name].append(minutes)
        if minutes > sla_minutes:
            band.breaches += 1
            breaches.append((item, minutes))
        if item.claimed_by and item.lease_expires_at and item.lease_expires_at >= now:
            claimed += 1
    for name, values in waits.items():
        bands[name].oldest_minutes = max(values)
        bands[name].mean_minutes = sum(values) / len(values)
    breaches.sort(key=lambda pair: -pair[1])
    return list(bands.values()), breaches[:20], len(items), claimed


def _decision_figures(
    session: Session, tenant_id: str, now: datetime, days: int
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    since = now - timedelta(days=days)
    rows = session.execute(
        select(
            ReviewEvent.kind,
            ReviewEvent.actor_name,
            ReviewEvent.decision,
            ReviewEvent.category,
            ReviewEvent.created_at,
        ).where(
            ReviewEvent.tenant_id == tenant_id,
            ReviewEvent.kind.in_(DECISION_KINDS),
            ReviewEvent.created_at >= since,
        )
    ).all()
    per_reviewer: dict[str, Counter[str]] = defaultdict(Counter)
    by_day: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, actor_name, decision, category, at in rows:
        label = "approved" if decision == "approve" else (category or "uncategorised")
        by_day[at.strftime("%m-%d")][label] += 1
        if kind == "decided" and at >= now - timedelta(hours=24):
            per_reviewer[actor_name or "?"][at.strftime("%H:00")] += 1
    return (
        {name: dict(counts) for name, counts in sorted(per_reviewer.items())},
        {day: dict(counts) for day, counts in by_day.items()},
    )


def _decided_late(session: Session, tenant_id: str, sla_minutes: int, now: datetime) -> int:
    """Items decided in the last 24 hours that had waited longer than the SLA."""
    rows = session.execute(
        select(ReviewItem.created_at, ReviewItem.decided_at).where(
            ReviewItem.tenant_id == tenant_id,
            ReviewItem.status == "closed",
            ReviewItem.decided_at >= now - timedelta(hours=24),
        )
    ).all()
    sla = timedelta(minutes=sla_minutes)
    return sum(1 for created, decided in rows if decided is not None and decided - created > sla)


def _complaints_by_category(session: Session, tenant_id: str) -> dict[str, int]:
    rows = session.execute(
        select(Complaint.category, func.count(Complaint.id))
        .where(Complaint.tenant_id == tenant_id)
        .group_by(Complaint.category)
        .order_by(func.count(Complaint.id).desc())
    ).all()
    return {str(category): int(n) for category, n in rows}

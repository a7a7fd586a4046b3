"""Retention: purge expired content, keep tombstones, respect legal holds.

Everything is kept at least `Settings.retention_days` (>= 180, Art. 21). Categories may be kept
longer: MODERATION_CATEGORY_RETENTION_DAYS="terrorism:1095,fraud:365". Purging an evidence
record deletes its content and personal data and appends a `tombstone` record to the chain that
names it; the purged record's body (with the content's SHA-256) stays, so the chain verifies.
Submissions past retention lose their text and author fields (status "purged").
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from moderation.config import ConfigError, Settings
from moderation.models.base import utcnow
from moderation.models.records import EvidenceRecord
from moderation.models.submission import Submission, Verdict
from moderation.records.chain import NewRecord, append
from moderation.records.evidence import author_index
from moderation.records.holds import HoldIndex

CATEGORY_VAR = "MODERATION_CATEGORY_RETENTION_DAYS"
PURGEABLE_KINDS = ("verdict_block", "review_removal")
#: Purged items per transaction in a real (not dry) run: a large backlog is not one long
#: transaction holding locks, and an interrupted purge keeps what it finished.
PURGE_BATCH = 500
_HASH_KEYS = ("content_sha256", "title_sha256", "personal_sha256")


@dataclass(frozen=True)
class RetentionPolicy:
    """How long content is kept: a floor for everything, longer for some categories."""

    default_days: int
    category_days: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls, settings: Settings, environ: Mapping[str, str] | None = None
    ) -> RetentionPolicy:
        """The policy from settings plus MODERATION_CATEGORY_RETENTION_DAYS."""
        env = os.environ if environ is None else environ
        raw = env.get(CATEGORY_VAR, "").strip()
        per: dict[str, int] = {}
        for part in filter(None, (p.strip() for p in raw.split(","))):
            code, sep, days = part.partition(":")
            if not sep or not code.strip() or not days.strip().isdigit():
                raise ConfigError(f"{CATEGORY_VAR}: expected 'category:days' pairs, got {part!r}")
            if int(days) < settings.retention_days:
                raise ConfigError(
                    f"{CATEGORY_VAR}: {code.strip()} keeps {days} days, below the "
                    f"{settings.retention_days}-day retention floor"
                )
            per[code.strip()] = int(days)
        return cls(settings.retention_days, per)

    def days_for(self, categories: list[str]) -> int:
        """Retention in days for something in these categories (the longest applies)."""
        return max([self.default_days, *(self.category_days.get(c, 0) for c in categories)])


@dataclass
class PurgeReport:
    """What a purge did (or, in a dry run, would do)."""

    dry_run: bool
    records_purged: list[str] = field(default_factory=list)
    records_held: list[str] = field(default_factory=list)
    submissions_purged: int = 0
    submissions_held: int = 0
    tombstones: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "records_purged": len(self.records_purged),
            "records_held": len(self.records_held),
            "submissions_purged": self.submissions_purged,
            "submissions_held": self.submissions_held,
            "tombstones": len(self.tombstones),
        }


def _codes(field_value: str) -> list[str]:
    return [c for c in field_value.split(",") if c]


def _purge_record(session: Session, record: EvidenceRecord, days: int, now: datetime) -> str:
    """Delete a record's content and personal data; append its tombstone. Returns its id."""
    body = json.loads(record.body)
    tomb = NewRecord(
        kind="tombstone",
        decided_at=now,
        decided_by="retention",
        categories=_codes(record.categories),
        submission_id=record.submission_id,
        external_id=body.get("external_id"),
        refers_to=record.id,
        note=f"content and personal data deleted after {days} days of retention",
        author_hash=record.author_hash,
        extra={
            "purged": {
                k: body.get(k) for k in ("content_sha256", "title_sha256", "personal_sha256")
            }
        },
    )
    record.content = None
    record.title = None
    record.personal = None
    return append(session, record.tenant_id, tomb).id


@dataclass
class PurgeRun:
    """One purge: where, by which policy and holds, as of when, what it found so far, and the
    step run after each purged item (batch commits)."""

    session: Session
    policy: RetentionPolicy
    holds: HoldIndex
    report: PurgeReport
    now: datetime
    step: Callable[[], None]


def purge_records(run: PurgeRun) -> None:
    """Purge expired evidence content (oldest first)."""
    session, policy, holds, report, now = run.session, run.policy, run.holds, run.report, run.now
    cutoff = now - timedelta(days=policy.default_days)
    query = (
        select(EvidenceRecord.id)
        .where(
            EvidenceRecord.kind.in_(PURGEABLE_KINDS),
            EvidenceRecord.decided_at < cutoff,
            or_(EvidenceRecord.content.is_not(None), EvidenceRecord.personal.is_not(None)),
        )
        .order_by(EvidenceRecord.tenant_id, EvidenceRecord.seq)
    )
    for record_id in list(session.scalars(query)):
        record = session.get(EvidenceRecord, record_id)
        assert record is not None
        days = policy.days_for(_codes(record.categories))
        if record.decided_at >= now - timedelta(days=days):
            continue
        if holds.holds_record(record.tenant_id, record.id, record.author_hash):
            report.records_held.append(record.id)
            continue
        report.records_purged.append(record.id)
        if not report.dry_run:
            report.tombstones.append(_purge_record(session, record, days, now))
            run.step()


def _submission_codes(verdict: Verdict | None) -> list[str]:
    if verdict is None or verdict.action == "allow":
        return []
    return [str(c.get("code")) for c in verdict.categories or [] if isinstance(c, dict)]


def _strip_texts(items: list[Any] | None) -> list[Any]:
    return [
        {k: v for k, v in i.items() if k != "text"} if isinstance(i, dict) else i
        for i in items or []
    ]


def purge_submissions(run: PurgeRun) -> None:
    """Delete the text and author fields of expired submissions that nothing still needs."""
    session, policy, holds, report, now = run.session, run.policy, run.holds, run.report, run.now
    cutoff = now - timedelta(days=policy.default_days)
    query = (
        select(Submission.id)
        .where(Submission.status != "purged", Submission.received_at < cutoff)
        .order_by(Submission.received_at)
    )
    kept_by_evidence = select(EvidenceRecord.id, EvidenceRecord.submission_id).where(
        EvidenceRecord.content.is_not(None), EvidenceRecord.submission_id.is_not(None)
    )
    purged = set(report.records_purged)  # a dry run has not deleted them, but would have
    live = {sid for rid, sid in session.execute(kept_by_evidence) if rid not in purged}
    for sub_id in list(session.scalars(query)):
        sub = session.get(Submission, sub_id)
        assert sub is not None
        verdict = session.scalar(select(Verdict).where(Verdict.submission_id == sub_id))
        if sub.received_at >= now - timedelta(days=policy.days_for(_submission_codes(verdict))):
            continue
        if sub_id in live or holds.holds_submission(
            sub.tenant_id, sub_id, author_index(sub.tenant_id, sub.author_id)
        ):
            report.submissions_held += 1
            continue
        report.submissions_purged += 1
        if report.dry_run:
            continue
        sub.text = sub.title = sub.author_id = sub.author_ip = sub.author_device_id = None
        sub.context, sub.status, sub.purged_at = {}, "purged", now
        if verdict is not None:
            verdict.masked_text = None
            verdict.hits = _strip_texts(verdict.hits)
            verdict.findings = _strip_texts(verdict.findings)
        run.step()


def committer(session: Session, every: int) -> Callable[[], None]:
    """A step that commits `session` every `every` calls (never when `every` is 0)."""
    calls = 0

    def step() -> None:
        nonlocal calls
        calls += 1
        if every and calls % every == 0:
            session.commit()

    return step


def purge(
    session: Session,
    policy: RetentionPolicy,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    commit_every: int = 0,
) -> PurgeReport:
    """Purge everything expired and not held. The caller commits the end; with
    `commit_every` (ignored in a dry run, which changes nothing) the work is also committed
    every that many purged items, each batch with its tombstones."""
    now = now or utcnow()
    report = PurgeReport(dry_run=dry_run)
    step = committer(session, 0 if dry_run else commit_every)
    run = PurgeRun(session, policy, HoldIndex.load(session), report, now, step)
    purge_records(run)
    session.flush()
    purge_submissions(run)
    session.flush()
    return report

"""Jobs of the records domain, RQ-JSON-friendly (ids or no arguments; JSON results).

Queue: `moderation-records` (exports can take minutes; keep them off the moderation queues).
Schedule: `purge_expired` daily, `checkpoint_all` periodically (e.g. every 10 minutes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from redis import Redis

from moderation.records import checkpoints, delivery, exports, signing
from moderation.records.retention import PURGE_BATCH, RetentionPolicy, purge
from moderation.runtime import Runtime

#: The RQ queue these jobs run on.
RECORDS_QUEUE = "moderation-records"
EXPORT_TIMEOUT = 6 * 3600


def _runtime() -> Runtime:
    from moderation.queue.context import current

    return current().runtime


def _signer(runtime: Runtime) -> signing.Signer:
    s = runtime.settings
    return signing.load_signer(signing.key_path_for(s.instance_dir, s.signing_key_path))


def exports_dir(runtime: Runtime) -> Path:
    """Where export bundles are kept."""
    return runtime.settings.instance_dir / "exports"


def run_export(export_id: str) -> dict[str, Any]:
    """Build a queued export's bundle (progress is written to the job row as it goes)."""
    runtime = _runtime()
    out = exports.bundle_path(exports_dir(runtime), export_id)
    job = exports.run_export(runtime.sessions, export_id, _signer(runtime), out)
    return {"export_id": job.id, "status": job.status, "records": job.total}


def purge_expired(dry_run: bool = False) -> dict[str, Any]:
    """Daily retention purge; returns what it did."""
    runtime = _runtime()
    policy = RetentionPolicy.from_settings(runtime.settings)
    with runtime.sessions() as session:
        report = purge(session, policy, dry_run=dry_run, commit_every=PURGE_BATCH)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return report.to_dict()


def checkpoint_all() -> int:
    """Sign every chain head that moved since its last checkpoint; returns how many."""
    runtime = _runtime()
    with runtime.sessions() as session:
        made = checkpoints.create_all(session, _signer(runtime))
        session.commit()
        return len(made)


def deliver_incident(report_id: str, target: str | None = None) -> bool:
    """Deliver one incident report to `target` (or the configured default)."""
    runtime = _runtime()
    to = delivery.delivery_for(target, runtime.settings.instance_dir)
    with runtime.sessions() as session:
        _report, ok = delivery.deliver(session, report_id, to, actor="system:delivery")
        session.commit()
        return ok


def enqueue_export(redis: Redis, export_id: str) -> None:
    """Put an export job on the records queue."""
    from moderation.queue.enqueue import queue

    queue(redis, RECORDS_QUEUE, EXPORT_TIMEOUT).enqueue(
        "moderation.records.tasks.run_export",
        export_id,
        result_ttl=86400,
        failure_ttl=7 * 86400,
        description=f"evidence export {export_id}",
    )

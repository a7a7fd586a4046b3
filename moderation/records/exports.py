"""Export jobs: request (validated, stored), run (checkpoint, stream the bundle, audit), status."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from moderation.models.base import utcnow
from moderation.models.records import ExportJob
from moderation.models.tenant import Tenant
from moderation.records import audit, checkpoints
from moderation.records.bundle import ExportMeta, file_sha256, write_bundle
from moderation.records.export_query import ExportError, ExportFilters
from moderation.records.signing import Signer


def request_export(
    session: Session,
    filters: ExportFilters,
    *,
    reason: str,
    requested_by: str,
    exporter: str,
    legal_basis: str | None = None,
    request_ref: str | None = None,
) -> ExportJob:
    """Validate and store an export request (status "queued"; the caller commits)."""
    if session.get(Tenant, filters.tenant_id) is None:
        raise ExportError(f"no tenant {filters.tenant_id!r}")
    ExportMeta("-", reason, requested_by, exporter, legal_basis, request_ref)  # validates
    stored = filters.to_manifest()
    stored.pop("author")
    job = ExportJob(
        tenant_id=filters.tenant_id,
        filters=stored,
        author_filter=filters.author,
        reason=reason,
        legal_basis=legal_basis,
        request_ref=request_ref,
        requested_by=requested_by,
        exporter=exporter,
    )
    session.add(job)
    session.flush()
    return job


def filters_of(job: ExportJob) -> ExportFilters:
    """The job's filters, with the decrypted author filter."""
    data = {k: v for k, v in job.filters.items() if k != "author"}
    return ExportFilters(**{**data, "author": job.author_filter})


def bundle_path(out_dir: Path, export_id: str) -> Path:
    """Where a job's bundle is written."""
    return out_dir / f"evidence-export-{export_id}.zip"


def run_export(
    sessions: sessionmaker[Session],
    export_id: str,
    signer: Signer,
    out_path: Path,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportJob:
    """Build the bundle of a queued job: sign the head, stream the records, audit the export."""
    with sessions() as s:
        job = s.get(ExportJob, export_id)
        if job is None:
            raise ExportError(f"no export {export_id!r}")
        job.status = "running"
        checkpoints.create(s, job.tenant_id, signer)
        s.commit()
        filters = filters_of(job)
        meta = ExportMeta(
            job.id, job.reason, job.requested_by, job.exporter, job.legal_basis, job.request_ref
        )

    def progress(done: int, total: int) -> None:
        with sessions() as ps:
            ps.execute(
                update(ExportJob).where(ExportJob.id == export_id).values(done=done, total=total)
            )
            ps.commit()
        if on_progress:
            on_progress(done, total)

    try:
        with sessions() as s:
            manifest = write_bundle(s, filters, meta, signer, out_path, progress)
    except Exception as exc:
        with sessions() as s:
            failed = s.get(ExportJob, export_id)
            assert failed is not None
            failed.status, failed.error, failed.finished_at = "failed", str(exc), utcnow()
            s.commit()
        raise
    with sessions() as s:
        done = s.get(ExportJob, export_id)
        assert done is not None
        done.status, done.path, done.finished_at = "done", str(out_path), utcnow()
        done.bundle_sha256 = file_sha256(out_path)
        done.total = done.done = manifest["counts"]["records"]
        audit.record_access(
            s,
            actor=done.exporter,
            channel="export",
            action="export",
            purpose=done.reason,
            tenant_id=done.tenant_id,
            export_id=done.id,
            detail={
                "records": manifest["counts"]["records"],
                "segment": [manifest["chain"]["first_seq"], manifest["chain"]["last_seq"]],
                "filters": manifest["filters"],
                "requested_by": done.requested_by,
                "request_ref": done.request_ref,
                "bundle_sha256": done.bundle_sha256,
            },
        )
        s.commit()
        return done

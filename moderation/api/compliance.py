"""The compliance API (role `compliance`): evidence exports, audited evidence reads, incidents.

Every read of evidence content writes an access audit entry naming the key and the purpose.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file

from moderation.api import compliance_openapi
from moderation.api.auth import current_tenant, require_key
from moderation.api.problems import Problem
from moderation.api.validation import json_body
from moderation.app import db_session, get_runtime
from moderation.models.records import ExportJob
from moderation.models.tenant import ApiKey
from moderation.records import audit, evidence, exports, incidents, tasks
from moderation.records.canonical import iso
from moderation.records.export_query import ExportError, ExportFilters

bp = Blueprint("compliance", __name__, url_prefix="/v1")
compliance_openapi.register_paths()

EXPORT_FIELDS = {
    "date_from",
    "date_to",
    "category",
    "author",
    "case",
    "reason",
    "requested_by",
    "legal_basis",
    "request_ref",
}


def _invalid(name: str, detail: str) -> Problem:
    return Problem(422, "Invalid Field", detail, field=name, kind="invalid")


def _key() -> ApiKey:
    return require_key("compliance")


def _actor(key: ApiKey) -> str:
    return f"api-key:{key.prefix}" + (f" ({key.label})" if key.label else "")


def _purpose() -> str:
    purpose = (request.args.get("purpose") or request.headers.get("X-Purpose") or "").strip()
    if not purpose:
        raise _invalid("purpose", "say why the evidence is read: ?purpose=... or X-Purpose")
    return purpose


def _export_input(data: Any, tenant_id: str) -> tuple[ExportFilters, dict[str, str | None]]:
    if not isinstance(data, dict):
        raise Problem(400, "Bad Request", "the body must be a JSON object")
    for name in sorted(set(data) - EXPORT_FIELDS):
        raise _invalid(name, f"unknown field {name!r}")
    for name, value in data.items():
        if value is not None and not isinstance(value, str):
            raise _invalid(name, f"{name} must be a string")
    for name in ("reason", "requested_by"):
        if not str(data.get(name) or "").strip():
            raise _invalid(name, f"{name} is required")
    try:
        filters = ExportFilters(
            tenant_id,
            data.get("date_from"),
            data.get("date_to"),
            data.get("category"),
            data.get("author"),
            data.get("case"),
        )
    except ExportError as exc:
        field = "date_from" if "date_from" in str(exc) else "date_to"
        raise _invalid(field, str(exc)) from None
    meta = {k: data.get(k) for k in ("reason", "requested_by", "legal_basis", "request_ref")}
    return filters, meta


def _job_json(job: ExportJob) -> dict[str, Any]:
    total = job.total
    return {
        "id": job.id,
        "status": job.status,
        "done": job.done,
        "total": total,
        "progress": (job.done / total if total else (1.0 if job.status == "done" else 0.0)),
        "filters": job.filters,
        "reason": job.reason,
        "requested_by": job.requested_by,
        "legal_basis": job.legal_basis,
        "request_ref": job.request_ref,
        "exporter": job.exporter,
        "bundle_sha256": job.bundle_sha256,
        "error": job.error,
        "created_at": iso(job.created_at),
        "finished_at": iso(job.finished_at) if job.finished_at else None,
        "bundle_url": f"/v1/exports/{job.id}/bundle" if job.status == "done" else None,
    }


@bp.post("/exports")
def create_export() -> tuple[Response, int, dict[str, str]]:
    """Queue an export of this tenant's evidence; poll GET /v1/exports/{id}."""
    key = _key()
    filters, meta = _export_input(json_body(request), current_tenant().id)
    session = db_session()
    job = exports.request_export(
        session,
        filters,
        reason=str(meta["reason"]),
        requested_by=str(meta["requested_by"]),
        exporter=_actor(key),
        legal_basis=meta["legal_basis"],
        request_ref=meta["request_ref"],
    )
    session.commit()
    tasks.enqueue_export(get_runtime().redis, job.id)
    return jsonify(_job_json(job)), 202, {"Location": f"/v1/exports/{job.id}"}


def _own_export(export_id: str) -> ExportJob:
    job = db_session().get(ExportJob, export_id)
    if job is None or job.tenant_id != current_tenant().id:
        raise Problem(404, "Not Found", f"no export {export_id!r}", field="id")
    return job


@bp.get("/exports/<export_id>")
def get_export(export_id: str) -> Response:
    """An export's status and progress."""
    _key()
    return jsonify(_job_json(_own_export(export_id)))


@bp.get("/exports/<export_id>/bundle")
def get_bundle(export_id: str) -> Response:
    """Download a finished bundle (the download is audited)."""
    key = _key()
    job = _own_export(export_id)
    if job.status != "done" or not job.path or not Path(job.path).exists():
        raise Problem(409, "Conflict", f"export {export_id} is {job.status}, not ready")
    session = db_session()
    audit.record_access(
        session,
        actor=_actor(key),
        channel="api",
        action="download",
        purpose=job.reason,
        tenant_id=job.tenant_id,
        export_id=job.id,
        detail={"bundle_sha256": job.bundle_sha256},
    )
    session.commit()
    return send_file(
        job.path,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"evidence-export-{job.id}.zip",
    )


@bp.get("/evidence/<record_id>")
def get_evidence(record_id: str) -> Response:
    """One evidence record with content and personal data (audited; needs a purpose)."""
    key = _key()
    purpose = _purpose()
    session = db_session()
    try:
        view = evidence.read_evidence(
            session,
            record_id,
            actor=_actor(key),
            purpose=purpose,
            channel="api",
            tenant_id=current_tenant().id,
        )
    except evidence.EvidenceError as exc:
        raise Problem(404, "Not Found", str(exc), field="id") from None
    session.commit()
    return jsonify(view)


@bp.get("/incidents")
def list_incidents() -> Response:
    """This tenant's incident reports (no content), newest first; ?status= filters."""
    _key()
    try:
        found = incidents.list_reports(
            db_session(), current_tenant().id, request.args.get("status") or None
        )
    except incidents.IncidentError as exc:
        raise _invalid("status", str(exc)) from None
    return jsonify({"items": [incidents.summary_dict(r) for r in found]})


def _own_incident(report_id: str) -> Any:
    try:
        return incidents.get(db_session(), report_id, current_tenant().id)
    except incidents.IncidentError as exc:
        raise Problem(404, "Not Found", str(exc), field="id") from None


@bp.get("/incidents/<report_id>")
def get_incident(report_id: str) -> Response:
    """The full report as delivered to the authority (audited read)."""
    key = _key()
    report = _own_incident(report_id)
    session = db_session()
    document = incidents.document(session, report, actor=_actor(key))
    session.commit()
    return jsonify(document)


@bp.post("/incidents/<report_id>/submit")
def submit_incident(report_id: str) -> tuple[Response, int]:
    """Queue delivery to the configured target (folder or HTTP, retried, attempts recorded)."""
    _key()
    report = _own_incident(report_id)
    if report.status == "acknowledged":
        raise Problem(409, "Conflict", f"report {report_id} was already acknowledged")
    from moderation.queue.enqueue import queue

    queue(get_runtime().redis, tasks.RECORDS_QUEUE, 600).enqueue(
        "moderation.records.tasks.deliver_incident",
        report.id,
        result_ttl=86400,
        failure_ttl=7 * 86400,
        description=f"deliver incident {report.id}",
    )
    return jsonify({**incidents.summary_dict(report), "delivery": "queued"}), 202


@bp.post("/incidents/<report_id>/acknowledge")
def acknowledge_incident(report_id: str) -> Response:
    """Record the authority's acknowledgement (optional `authority_ref`)."""
    _key()
    report = _own_incident(report_id)
    data = json_body(request) if request.get_data() else {}
    ref = data.get("authority_ref") if isinstance(data, dict) else None
    if ref is not None and not isinstance(ref, str):
        raise _invalid("authority_ref", "authority_ref must be a string")
    session = db_session()
    try:
        incidents.acknowledge(session, report.id, ref)
    except incidents.IncidentError as exc:
        raise Problem(409, "Conflict", str(exc)) from None
    session.commit()
    return jsonify(incidents.summary_dict(report))

"""The compliance API: exports as RQ jobs with progress, audited evidence reads, incidents."""

from __future__ import annotations

import io
import zipfile

import pytest
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import select

from moderation.models.records import AccessAudit
from moderation.queue import context
from moderation.queue.enqueue import queue
from moderation.records import incidents, tasks
from moderation.records.bundle_verify import verify_bundle
from tests.records.conftest import make_block


@pytest.fixture
def officer(make_tenant, runtime):
    context.install(context.WorkerContext(runtime, engine=None))
    return make_tenant("acme", role="compliance")


def _work(runtime) -> None:
    q = queue(runtime.redis, tasks.RECORDS_QUEUE)
    SimpleWorker([q], connection=runtime.redis, serializer=JSONSerializer).work(burst=True)


def test_an_export_runs_as_a_job_and_downloads(client, runtime, session, officer, signer, tmp_path):
    for i in range(3):
        make_block(session, officer.tenant.id, f"第{i}条 代开发票")
    session.commit()
    body = {"reason": "调取证据", "requested_by": "officer Wang", "request_ref": "REF-1"}
    created = client.post("/v1/exports", json=body, headers=officer.headers)
    assert created.status_code == 202, created.json
    export_id = created.json["id"]
    assert created.json["status"] == "queued"
    assert client.get(f"/v1/exports/{export_id}/bundle", headers=officer.headers).status_code == 409
    _work(runtime)
    status = client.get(f"/v1/exports/{export_id}", headers=officer.headers).json
    assert status["status"] == "done" and status["done"] == 3 and status["progress"] == 1.0
    download = client.get(status["bundle_url"], headers=officer.headers)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    path = tmp_path / "dl.zip"
    path.write_bytes(download.data)
    assert verify_bundle(path, signer.public_key).ok
    assert zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    actions = set(
        session.scalars(select(AccessAudit.action).where(AccessAudit.export_id == export_id))
    )
    assert actions == {"export", "download"}


def test_exports_need_a_compliance_key(client, make_tenant, officer):
    platform = make_tenant("plat")
    response = client.post(
        "/v1/exports", json={"reason": "x", "requested_by": "y"}, headers=platform.headers
    )
    assert response.status_code == 403
    assert client.post("/v1/exports", json={}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"requested_by": "y"}, "reason"),
        ({"reason": "x", "requested_by": "y", "date_from": "yesterday"}, "date_from"),
        ({"reason": "x", "requested_by": "y", "colour": "red"}, "colour"),
        ({"reason": "x", "requested_by": 5}, "requested_by"),
    ],
)
def test_bad_export_requests_name_the_field(client, officer, body, field):
    response = client.post("/v1/exports", json=body, headers=officer.headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json" and response.json["field"] == field


def test_evidence_reads_are_audited_and_need_a_purpose(client, session, officer, make_tenant):
    other = make_tenant("other")
    _s, _v, record = make_block(session, officer.tenant.id)
    _s, _v, foreign = make_block(session, other.tenant.id)
    session.commit()
    url = f"/v1/evidence/{record.id}"
    assert client.get(url, headers=officer.headers).json["field"] == "purpose"
    response = client.get(url + "?purpose=案件核查", headers=officer.headers)
    assert response.status_code == 200
    assert response.json["content"] == "加微信 13800138000 代开发票"
    assert response.json["personal"]["author_id"] == "u-42"
    entry = session.scalar(select(AccessAudit).where(AccessAudit.record_id == record.id))
    assert entry.channel == "api" and entry.purpose == "案件核查"
    assert entry.actor.startswith("api-key:mod_")
    cross = client.get(f"/v1/evidence/{foreign.id}?purpose=x", headers=officer.headers)
    assert cross.status_code == 404


def test_incidents_list_get_submit_acknowledge(
    client, runtime, session, officer, tmp_path, monkeypatch
):
    monkeypatch.setenv("MODERATION_INCIDENT_DELIVERY", f"folder:{tmp_path / 'reports'}")
    sub, _v, record = make_block(session, officer.tenant.id, category="terrorism")
    report = incidents.open_if_reportable(session, sub, record)
    session.commit()
    listed = client.get("/v1/incidents?status=draft", headers=officer.headers).json["items"]
    assert [r["id"] for r in listed] == [report.id]
    assert client.get("/v1/incidents?status=lost", headers=officer.headers).status_code == 422
    full = client.get(f"/v1/incidents/{report.id}", headers=officer.headers).json
    assert full["content"] and full["poster"]["author_id"] == "u-42"
    queued = client.post(f"/v1/incidents/{report.id}/submit", headers=officer.headers)
    assert queued.status_code == 202
    _work(runtime)
    assert (tmp_path / "reports" / f"incident-{report.id}.json").exists()
    ack = client.post(
        f"/v1/incidents/{report.id}/acknowledge",
        json={"authority_ref": "A-1"},
        headers=officer.headers,
    )
    assert ack.status_code == 200 and ack.json["status"] == "acknowledged"


def test_the_openapi_document_lists_the_compliance_paths(client):
    paths = client.get("/v1/openapi.json").json["paths"]
    assert {
        "/v1/exports",
        "/v1/exports/{export_id}/bundle",
        "/v1/evidence/{record_id}",
        "/v1/incidents/{report_id}/submit",
    } <= set(paths)

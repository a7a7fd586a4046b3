"""Incident reports: opened for reportable categories, delivered to folders and HTTP, retried."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from sqlalchemy import select

from moderation import effects
from moderation.models.records import AccessAudit, IncidentReport, ReportDelivery
from moderation.records import delivery, evidence, incidents
from tests.records.conftest import make_block


def test_a_reportable_block_opens_a_draft(session, tenant_id):
    sub, _v, record = make_block(session, tenant_id, category="terrorism")
    report = incidents.open_if_reportable(session, sub, record)
    assert report.status == "draft" and report.category == "terrorism"
    assert report.evidence_record_ids == [record.id]
    assert report.occurred_at == sub.received_at
    assert json.loads(report.poster)["author_id"] == "u-42"
    sub2, _v, record2 = make_block(session, tenant_id, "另一条 代开发票", category="fraud")
    assert incidents.open_if_reportable(session, sub2, record2) is None


def test_effects_preserve_and_report_a_block(session, tenant_id):
    sub, verdict, _ = make_block(session, tenant_id, category="malware", action="block")
    # make_block already preserved it; effects must reuse that record, not add a second
    effects.on_verdict(session, sub, verdict)
    session.commit()
    report = session.scalar(select(IncidentReport))
    assert report is not None and len(report.evidence_record_ids) == 1


def test_a_removal_joins_the_open_draft(session, tenant_id):
    sub, _v, record = make_block(session, tenant_id, category="terrorism")
    incidents.open_if_reportable(session, sub, record)
    effects_record = evidence.preserve_removal(session, sub, "reviewer-1", "terrorism", "ok")
    report = incidents.open_if_reportable(session, sub, effects_record)
    assert report.evidence_record_ids == [record.id, effects_record.id]
    assert session.scalar(select(IncidentReport.id).where(IncidentReport.id != report.id)) is None


def _draft(session, tenant_id):
    sub, _v, record = make_block(session, tenant_id, category="terrorism")
    report = incidents.open_if_reportable(session, sub, record)
    session.commit()
    return report


def test_folder_delivery_writes_json_and_html(session, tenant_id, tmp_path):
    report = _draft(session, tenant_id)
    target = delivery.delivery_for(f"folder:{tmp_path / 'out'}", tmp_path)
    _, ok = delivery.deliver(session, report.id, target, actor="officer-1")
    session.commit()
    assert ok and report.status == "submitted" and report.submitted_at is not None
    document = json.loads((tmp_path / "out" / f"incident-{report.id}.json").read_text())
    assert document["content"] == "加微信 13800138000 代开发票"
    assert document["poster"]["author_ip"] == "203.0.113.7"
    html = (tmp_path / "out" / f"incident-{report.id}.html").read_text()
    assert "违法信息报告 / Incident report" in html
    audit = session.scalar(select(AccessAudit).where(AccessAudit.channel == "incident"))
    assert audit.actor == "officer-1"
    incidents.acknowledge(session, report.id, "REF-9")
    assert report.status == "acknowledged"
    with pytest.raises(incidents.IncidentError, match="only submitted"):
        incidents.acknowledge(session, report.id, "REF-9")


class _Flaky(BaseHTTPRequestHandler):
    failures = 2
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if _Flaky.failures > 0:
            _Flaky.failures -= 1
            self.send_response(503)
        else:
            _Flaky.received.append(json.loads(body))
            self.send_response(202)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky_server():
    _Flaky.failures, _Flaky.received = 2, []
    server = HTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/reports"
    server.shutdown()


def test_http_delivery_retries_and_records_every_attempt(session, tenant_id, flaky_server):
    report = _draft(session, tenant_id)
    waits: list[float] = []
    target = delivery.HttpDelivery(flaky_server, attempts=4)
    _, ok = delivery.deliver(session, report.id, target, backoff=0.5, sleep=waits.append)
    session.commit()
    assert ok and report.status == "submitted"
    attempts = list(session.scalars(select(ReportDelivery).order_by(ReportDelivery.attempt)))
    assert [(a.ok, a.status_code) for a in attempts] == [(False, 503), (False, 503), (True, 202)]
    assert waits == [0.5, 1.0]
    assert _Flaky.received[0]["id"] == report.id


def test_http_delivery_gives_up_and_keeps_the_draft(session, tenant_id):
    report = _draft(session, tenant_id)
    target = delivery.HttpDelivery("http://127.0.0.1:9/nowhere", attempts=3, timeout=1)
    _, ok = delivery.deliver(session, report.id, target, sleep=lambda _s: None)
    session.commit()
    assert not ok and report.status == "draft"
    errors = list(session.scalars(select(ReportDelivery.error)))
    assert len(errors) == 3 and all("cannot reach" in e for e in errors)

"""Scheduled jobs (daily purge, periodic checkpoints) and the audited read the reviewer UI uses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from moderation.models.base import utcnow
from moderation.models.records import AccessAudit, Checkpoint
from moderation.queue import context
from moderation.records import evidence, tasks
from tests.records.conftest import make_block


@pytest.fixture
def worker_context(runtime):
    context.install(context.WorkerContext(runtime, engine=None))
    return runtime


def test_checkpoint_all_signs_only_moved_heads(worker_context, session, tenant_id, signer):
    make_block(session, tenant_id)
    session.commit()
    assert tasks.checkpoint_all() == 1
    assert tasks.checkpoint_all() == 0
    make_block(session, tenant_id, "又一条 代开发票")
    session.commit()
    assert tasks.checkpoint_all() == 1
    assert [cp.seq for cp in session.scalars(select(Checkpoint).order_by(Checkpoint.seq))] == [
        1,
        2,
    ]


def test_purge_expired_job_reports_what_it_did(worker_context, session, tenant_id):
    make_block(session, tenant_id, at=utcnow() - timedelta(days=365))
    session.commit()
    assert tasks.purge_expired(dry_run=True)["records_purged"] == 1
    result = tasks.purge_expired()
    assert result == {
        "dry_run": False,
        "records_purged": 1,
        "records_held": 0,
        "submissions_purged": 1,
        "submissions_held": 0,
        "tombstones": 1,
    }
    assert tasks.purge_expired()["records_purged"] == 0


def test_the_reviewer_ui_read_is_audited(session, tenant_id):
    sub, _v, record = make_block(session, tenant_id)
    session.commit()
    assert [r.id for r in evidence.records_for_submission(session, sub.id)] == [record.id]
    view = evidence.read_evidence(
        session, record.id, actor="reviewer:li", purpose="appeal review", channel="ui"
    )
    session.commit()
    assert view["content"] == sub.text
    entry = session.scalar(select(AccessAudit))
    assert (entry.actor, entry.channel, entry.action, entry.record_id) == (
        "reviewer:li",
        "ui",
        "read",
        record.id,
    )
    with pytest.raises(evidence.EvidenceError, match="needs a purpose"):
        evidence.read_evidence(session, record.id, actor="reviewer:li", purpose=" ")

"""Retention floors, per-category retention, legal holds, tombstones keeping the chain green."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from moderation.config import ConfigError
from moderation.models.base import utcnow
from moderation.models.records import EvidenceRecord
from moderation.models.submission import Submission
from moderation.records import holds, verify
from moderation.records.retention import RetentionPolicy, purge
from tests.records.conftest import make_block


def _old(days: int):
    return utcnow() - timedelta(days=days)


def test_it_refuses_a_category_retention_below_the_floor(settings):
    with pytest.raises(ConfigError, match="fraud keeps 30 days"):
        RetentionPolicy.from_settings(settings, {"MODERATION_CATEGORY_RETENTION_DAYS": "fraud:30"})
    with pytest.raises(ConfigError, match="'category:days'"):
        RetentionPolicy.from_settings(settings, {"MODERATION_CATEGORY_RETENTION_DAYS": "fraud"})
    policy = RetentionPolicy.from_settings(
        settings, {"MODERATION_CATEGORY_RETENTION_DAYS": "terrorism:1095, fraud:365"}
    )
    assert policy.days_for(["fraud", "spam"]) == 365
    assert policy.days_for(["spam"]) == 180


def test_it_keeps_everything_younger_than_180_days(session, tenant_id):
    make_block(session, tenant_id, at=_old(179))
    session.commit()
    report = purge(session, RetentionPolicy(180))
    assert report.records_purged == [] and report.submissions_purged == 0


def test_purge_leaves_a_tombstone_and_the_chain_verifies(session, tenant_id, signer):
    from moderation.records import checkpoints

    sub, _v, old = make_block(session, tenant_id, at=_old(200))
    _s2, _v2, young = make_block(session, tenant_id, "新的 代开发票", at=_old(10))
    checkpoints.create(session, tenant_id, signer)
    session.commit()
    dry = purge(session, RetentionPolicy(180), dry_run=True)
    assert dry.records_purged == [old.id] and dry.tombstones == []
    session.rollback()
    assert session.get(EvidenceRecord, old.id).content is not None
    report = purge(session, RetentionPolicy(180))
    session.commit()
    assert report.records_purged == [old.id] and report.submissions_purged == 1
    session.expire_all()
    purged = session.get(EvidenceRecord, old.id)
    assert purged.content is None and purged.personal is None
    tomb = session.scalar(select(EvidenceRecord).where(EvidenceRecord.kind == "tombstone"))
    assert (tomb.refers_to, tomb.seq) == (old.id, 3)
    assert session.get(EvidenceRecord, young.id).content is not None
    sub = session.get(Submission, sub.id)
    assert sub.status == "purged" and sub.text is None and sub.author_id is None
    result = verify.verify_tenant(session, tenant_id, [signer.public_key])
    assert result.ok and result.tombstones == 1
    assert purge(session, RetentionPolicy(180)).records_purged == []


def test_deleting_content_without_a_tombstone_is_detected(session, tenant_id):
    _s, _v, record = make_block(session, tenant_id)
    session.commit()
    record.content = None
    session.commit()
    first = verify.verify_tenant(session, tenant_id, None).first_break
    assert (first.seq, first.field) == (1, "content")
    assert "without a tombstone" in first.problem


def test_category_retention_keeps_longer(session, tenant_id):
    make_block(session, tenant_id, category="terrorism", at=_old(200))
    session.commit()
    assert purge(session, RetentionPolicy(180, {"terrorism": 1095})).records_purged == []


@pytest.mark.parametrize("scope", ["tenant", "author", "case", "record"])
def test_legal_holds_stop_purging_until_released(session, tenant_id, scope):
    sub, _v, record = make_block(session, tenant_id, at=_old(400))
    session.commit()
    value = {"tenant": "", "author": "u-42", "case": "公安-2026-001", "record": record.id}[scope]
    if scope == "case":
        holds.link_case(session, tenant_id, value, [record.id], "officer-1")
    hold = holds.add_hold(session, tenant_id, scope, value, "police request", "officer-1")
    session.commit()
    report = purge(session, RetentionPolicy(180))
    session.commit()
    assert report.records_purged == [] and report.records_held == [record.id]
    assert report.submissions_purged == 0
    assert session.get(Submission, sub.id).text is not None
    holds.release_hold(session, hold.id, "officer-2")
    session.commit()
    assert purge(session, RetentionPolicy(180)).records_purged == [record.id]


def test_an_author_hold_covers_only_that_author(session, tenant_id):
    _s, _v, theirs = make_block(session, tenant_id, at=_old(400), author="u-1")
    _s, _v, others = make_block(session, tenant_id, "别人 代开发票", at=_old(400), author="u-2")
    holds.add_hold(session, tenant_id, "author", "u-1", "investigation", "officer")
    session.commit()
    report = purge(session, RetentionPolicy(180))
    assert report.records_held == [theirs.id] and report.records_purged == [others.id]


def test_holds_reject_bad_input(session, tenant_id):
    with pytest.raises(holds.HoldError, match="scope must be one of"):
        holds.add_hold(session, tenant_id, "planet", "x", "r", "me")
    with pytest.raises(holds.HoldError, match="no evidence record"):
        holds.add_hold(session, tenant_id, "record", "nope", "r", "me")
    with pytest.raises(holds.HoldError, match="needs a reason"):
        holds.add_hold(session, tenant_id, "tenant", "", " ", "me")


def test_an_interrupted_purge_keeps_the_batches_it_committed(
    session, tenant_id, signer, monkeypatch
):
    from moderation.records import retention

    olds = [make_block(session, tenant_id, f"旧帖 {n} 代开发票", at=_old(200))[2] for n in range(3)]
    session.commit()
    real, calls = retention._purge_record, []

    def failing_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(retention, "_purge_record", failing_third)
    with pytest.raises(RuntimeError, match="went away"):
        purge(session, RetentionPolicy(180), commit_every=1)
    session.rollback()
    session.expire_all()
    contents = [session.get(EvidenceRecord, r.id).content for r in olds]
    assert contents[0] is None and contents[1] is None and contents[2] is not None
    result = verify.verify_tenant(session, tenant_id, [signer.public_key])
    assert result.ok and result.tombstones == 2

    monkeypatch.setattr(retention, "_purge_record", real)
    report = purge(session, RetentionPolicy(180), commit_every=1)
    session.commit()
    assert report.records_purged == [olds[2].id]
    assert verify.verify_tenant(session, tenant_id, [signer.public_key]).tombstones == 3


def test_a_dry_run_commits_nothing_whatever_the_batch_size(session, tenant_id):
    _s, _v, old = make_block(session, tenant_id, at=_old(200))
    session.commit()
    report = purge(session, RetentionPolicy(180), dry_run=True, commit_every=1)
    session.rollback()
    session.expire_all()
    assert report.records_purged == [old.id] and report.submissions_purged == 1
    assert session.get(EvidenceRecord, old.id).content is not None
    assert session.get(Submission, old.submission_id).status != "purged"

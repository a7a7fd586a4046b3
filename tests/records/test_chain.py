"""Evidence chain: building, verifying, tamper detection, corrections, concurrency."""

from __future__ import annotations

import itertools
import json
import threading

import pytest
from sqlalchemy import select, text, update

from moderation.models.base import utcnow
from moderation.models.records import ChainHead, EvidenceRecord
from moderation.records import checkpoints, evidence, verify
from moderation.records.canonical import GENESIS_HASH, link_hash, sha256_hex
from tests.records.conftest import make_block


def _chain(session, tenant_id):
    return list(
        session.scalars(
            select(EvidenceRecord)
            .where(EvidenceRecord.tenant_id == tenant_id)
            .order_by(EvidenceRecord.seq)
        )
    )


def test_it_preserves_a_block_with_everything_the_issue_asks_for(session, tenant_id):
    sub, _verdict, record = make_block(session, tenant_id)
    session.commit()
    body = json.loads(record.body)
    assert record.content == sub.text
    assert body["content_sha256"] == sha256_hex(sub.text)
    assert body["tenant_id"] == tenant_id and body["external_id"] == sub.external_id
    assert body["versions"] == {"lexicon": "lex-1", "model": "model-1", "policy": "policy-1"}
    assert body["decided_by"] == "worker:test"
    assert body["categories"] == ["fraud"]
    assert body["verdict"]["hits"][0]["start"] == sub.text.find("代开")
    assert "13800138000" not in record.body  # personal data never enters the chained body
    view = evidence.evidence_view(record)
    assert view["verdict"]["hits"][0]["text"] == "代开发票"
    assert view["verdict"]["findings"][0]["text"] == "13800138000"
    assert view["personal"]["author_id"] == "u-42"
    raw = session.execute(text("SELECT personal FROM evidence_records")).scalar_one()
    assert raw.startswith("v1:t1:") and "u-42" not in raw


def test_it_links_each_record_to_the_previous_one(session, tenant_id):
    for i in range(3):
        make_block(session, tenant_id, f"第{i}条 代开发票")
    session.commit()
    chain = _chain(session, tenant_id)
    assert [r.seq for r in chain] == [1, 2, 3]
    assert chain[0].prev_hash == GENESIS_HASH
    for prev, rec in itertools.pairwise(chain):
        assert rec.prev_hash == prev.record_hash
        assert rec.record_hash == link_hash(rec.prev_hash, sha256_hex(rec.body))
    head = session.get(ChainHead, tenant_id)
    assert (head.seq, head.head_hash) == (3, chain[-1].record_hash)
    report = verify.verify_tenant(session, tenant_id, None)
    assert report.ok and report.records == 3


def test_it_keeps_the_same_record_when_effects_run_twice(session, tenant_id):
    sub, verdict, record = make_block(session, tenant_id)
    again = evidence.preserve_verdict(session, sub, verdict)
    assert again.id == record.id


def test_corrections_and_reversals_are_new_records(session, tenant_id):
    _sub, _v, record = make_block(session, tenant_id)
    original_body = record.body
    fix = evidence.record_correction(session, record.id, "officer-1", "category was fraud")
    rev = evidence.record_correction(
        session, record.id, "officer-1", "appeal upheld", reversal=True
    )
    session.commit()
    assert (fix.seq, fix.kind, fix.refers_to) == (2, "correction", record.id)
    assert (rev.seq, rev.kind) == (3, "reversal")
    session.refresh(record)
    assert record.body == original_body
    assert verify.verify_tenant(session, tenant_id, None).ok
    with pytest.raises(evidence.EvidenceError, match="needs a note"):
        evidence.record_correction(session, record.id, "officer-1", " ")


def test_chains_are_per_tenant(session, tenant_id, make_tenant):
    other = make_tenant("other").tenant.id
    make_block(session, tenant_id, "甲 代开发票")
    make_block(session, other, "乙 代开发票")
    session.commit()
    assert [r.seq for r in _chain(session, other)] == [1]
    assert all(r.ok for r in verify.verify_all(session, None))


def test_concurrent_appends_keep_one_linear_chain(runtime, tenant_id):
    errors: list[Exception] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                with runtime.sessions() as s:
                    make_block(s, tenant_id, f"线程{n}-{i} 代开发票")
                    s.commit()
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with runtime.sessions() as s:
        assert [r.seq for r in _chain(s, tenant_id)] == list(range(1, 21))
        assert verify.verify_tenant(s, tenant_id, None).ok


TAMPER = {
    "id": "'0123456789abcdef0123456789abcdef'",
    "seq": "seq + 100",
    "kind": "'correction'",
    "submission_id": "'ffffffffffffffffffffffffffffffff'",
    "refers_to": "'ffffffffffffffffffffffffffffffff'",
    "categories": "',spam,'",
    "author_hash": "'ab'",
    "decided_at": "decided_at + INTERVAL '1 second'",
    "body": "replace(body, '\"fraud\"', '\"frauc\"')",
    "content": "replace(content, '代开', '代闭')",
    "title": "'new title'",
    "personal": "'v1:t1:' || substr(personal, 7, 10) || 'AAAA' || substr(personal, 21)",
    # Flip the first hex digit: always a change (overwriting it with a fixed digit was a no-op
    # whenever the hash already began with that digit, 1 run in 16).
    "prev_hash": "(CASE WHEN prev_hash LIKE '0%' THEN '1' ELSE '0' END) || substr(prev_hash, 2)",
    "record_hash": "(CASE WHEN record_hash LIKE '0%' THEN '1' ELSE '0' END)"
    " || substr(record_hash, 2)",
    "tenant_id": None,
}


@pytest.mark.parametrize("column", sorted(TAMPER))
def test_it_detects_a_change_to_any_column(session, tenant_id, make_tenant, column):
    other = make_tenant("other").tenant.id
    for i in range(3):
        make_block(session, tenant_id, f"第{i}条 代开发票")
    session.commit()
    target = _chain(session, tenant_id)[1]
    expr = TAMPER[column] or f"'{other}'"
    if column == "decided_at" and session.get_bind().dialect.name == "sqlite":
        expr = "datetime(decided_at, '+1 second')"
    session.execute(
        text(f"UPDATE evidence_records SET {column} = {expr} WHERE id = :id"), {"id": target.id}
    )
    session.commit()
    session.expunge_all()
    reports = verify.verify_all(session, None)
    broken = [r for r in reports if not r.ok]
    assert broken, f"changing {column} went unnoticed"
    first = broken[0].first_break
    assert first is not None
    if column not in {"seq", "tenant_id", "id"}:
        assert first.seq == 2, first.describe()


def test_it_names_the_first_broken_link(session, tenant_id):
    for i in range(4):
        make_block(session, tenant_id, f"第{i}条 代开发票")
    session.commit()
    for seq in (3, 2):
        session.execute(
            update(EvidenceRecord)
            .where(EvidenceRecord.tenant_id == tenant_id, EvidenceRecord.seq == seq)
            .values(content="换掉了")
        )
    session.commit()
    first = verify.verify_tenant(session, tenant_id, None).first_break
    assert first.seq == 2 and first.field == "content"
    assert "SHA-256" in first.describe()


def test_it_detects_records_removed_from_the_end(session, tenant_id):
    for i in range(3):
        make_block(session, tenant_id, f"第{i}条 代开发票")
    session.commit()
    session.execute(text("DELETE FROM evidence_records WHERE seq = 3"))
    session.commit()
    first = verify.verify_tenant(session, tenant_id, None).first_break
    assert first.field == "head"


def test_it_detects_a_record_removed_from_the_middle(session, tenant_id):
    for i in range(3):
        make_block(session, tenant_id, f"第{i}条 代开发票")
    session.commit()
    session.execute(text("DELETE FROM evidence_records WHERE seq = 2"))
    session.commit()
    first = verify.verify_tenant(session, tenant_id, None).first_break
    assert (first.seq, first.field) == (3, "seq")


def test_checkpoints_are_signed_and_checked(session, tenant_id, signer):
    make_block(session, tenant_id)
    cp = checkpoints.create(session, tenant_id, signer)
    make_block(session, tenant_id, "再来 代开发票")
    session.commit()
    assert cp.seq == 1
    report = verify.verify_tenant(session, tenant_id, [signer.public_key])
    assert report.ok and report.checkpoints == 1
    session.execute(text("UPDATE evidence_checkpoints SET seq = 2"))
    session.commit()
    session.expunge_all()
    first = verify.verify_tenant(session, tenant_id, [signer.public_key]).first_break
    assert first.field == "checkpoint" and "bad signature" in first.problem


def test_very_many_categories_fit_the_indexed_column(session, tenant_id):
    from moderation.records.chain import NewRecord, append, fit_categories

    codes = [f"operator_code_{i:03d}" for i in range(40)]
    record = append(session, tenant_id, NewRecord("correction", utcnow(), "x", codes))
    session.commit()
    assert len(record.categories) <= 400 and json.loads(record.body)["categories"][0] == codes[0]
    assert fit_categories(["a", "b"]) == ["a", "b"]
    assert verify.verify_tenant(session, tenant_id, None).ok

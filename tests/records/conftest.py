"""Helpers for the records tests: blocked submissions with verdicts, and a signing key."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.records import EvidenceRecord
from moderation.models.submission import Submission, Verdict
from moderation.records import evidence, signing
from moderation.runtime import Runtime
from moderation.tenancy import create_tenant


def make_block(
    session: Session,
    tenant_id: str,
    text: str = "加微信 13800138000 代开发票",
    *,
    category: str = "fraud",
    author: str | None = "u-42",
    external_id: str | None = None,
    at: datetime | None = None,
    action: str = "block",
) -> tuple[Submission, Verdict, EvidenceRecord | None]:
    """A decided submission with a verdict; for blocks, its evidence record (not committed)."""
    received = at or utcnow()
    start = text.find("代开")
    sub = Submission(
        tenant_id=tenant_id,
        external_id=external_id or hashlib.sha1(f"{text}{received}".encode()).hexdigest()[:12],
        text=text,
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        author_id=author,
        author_ip="203.0.113.7",
        author_device_id="dev-1",
        author_verified=True,
        author_hash=None,
        context={"channel": "forum", "url": "https://example.test/t/1"},
        status="decided",
        action=action,
        received_at=received,
        decided_at=received + timedelta(seconds=2),
    )
    session.add(sub)
    session.flush()
    hits: list[dict[str, Any]] = []
    if start >= 0:
        hits.append(
            {
                "term": "代开发票",
                "category": category,
                "severity": "block",
                "start": start,
                "end": start + 4,
                "text": text[start : start + 4],
            }
        )
    verdict = Verdict(
        submission_id=sub.id,
        tenant_id=tenant_id,
        action=action,
        categories=[{"code": category, "score": 0.97, "source": "lexicon"}],
        hits=hits,
        findings=[
            {
                "kind": "mobile",
                "category": "privacy",
                "severity": "review",
                "start": 4,
                "end": 15,
                "text": "13800138000",
                "detail": "",
            }
        ],
        reasons=[{"code": "lexicon_block", "category": category, "message": "命中关键词"}],
        masked_text=text,
        lexicon_version="lex-1",
        model_version="model-1",
        policy_version="policy-1",
        decided_by="worker:test",
        created_at=received + timedelta(seconds=2),
    )
    session.add(verdict)
    session.flush()
    record = evidence.preserve_verdict(session, sub, verdict) if action == "block" else None
    return sub, verdict, record


@pytest.fixture
def tenant_id(session: Session) -> str:
    """A committed tenant's id."""
    tenant = create_tenant(session, "acme")
    session.commit()
    return tenant.id


@pytest.fixture
def signer(runtime: Runtime) -> signing.Signer:
    """A fresh signing key in the test's instance folder."""
    path = signing.key_path_for(runtime.settings.instance_dir, runtime.settings.signing_key_path)
    return signing.generate(path)

"""Fixtures of the review tests: accounts, held posts with verdicts, logged-in clients."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from moderation import fieldcrypt
from moderation.models.base import utcnow
from moderation.models.review import ReviewerAccount
from moderation.models.submission import Submission, Verdict
from moderation.review import queue
from moderation.review.accounts import create_account
from moderation.runtime import Runtime
from moderation.tenancy import find_tenant

PASSWORD = "correct horse battery"


def hit(text: str, term: str, category: str, severity: str = "review") -> dict[str, Any]:
    """A lexicon hit on the first occurrence of `term` in `text`."""
    start = text.index(term)
    return {
        "term": term,
        "category": category,
        "severity": severity,
        "start": start,
        "end": start + len(term),
        "text": term,
    }


def finding(text: str, value: str, kind: str = "mobile", category: str = "privacy") -> dict:
    """A detector finding on the first occurrence of `value` in `text`."""
    start = text.index(value)
    return {
        "kind": kind,
        "category": category,
        "severity": "review",
        "start": start,
        "end": start + len(value),
        "text": value,
        "detail": "",
    }


@dataclass
class Post:
    """A stored post and its open review item (if queued)."""

    submission_id: str
    item_id: str | None
    tenant_id: str


@pytest.fixture
def make_account(runtime: Runtime) -> Callable[..., ReviewerAccount]:
    """Factory: make_account(tenant, role, username=None) -> committed account."""

    def _make(tenant: Any, role: str = "reviewer", username: str | None = None) -> ReviewerAccount:
        with runtime.sessions() as s:
            t = find_tenant(s, tenant.id if hasattr(tenant, "id") else tenant)
            account = create_account(
                s, t, username or f"{role}-{uuid.uuid4().hex[:6]}", role, PASSWORD
            )
            s.commit()
            return account

    return _make


@pytest.fixture
def make_post(runtime: Runtime) -> Callable[..., Post]:
    """Factory: a decided post with a verdict; `review` verdicts are queued for review."""

    def _make(
        tenant: Any,
        text: str = "加我微信领取免费福利",
        *,
        hits: list[dict[str, Any]] | None = None,
        findings: list[dict[str, Any]] | None = None,
        categories: list[dict[str, Any]] | None = None,
        action: str = "review",
        author: str | None = None,
        external_id: str | None = None,
        received_at: datetime | None = None,
        context: dict[str, Any] | None = None,
        created_at: datetime | None = None,
    ) -> Post:
        tenant_id = tenant.id if hasattr(tenant, "id") else tenant
        with runtime.sessions() as s:
            post = Submission(
                tenant_id=tenant_id,
                external_id=external_id,
                text=text,
                text_sha256=hashlib.sha256(text.encode()).hexdigest(),
                title="帖子标题",
                author_id=author,
                author_hash=fieldcrypt.get_cipher().blind_index(tenant_id, author)
                if author
                else None,
                context=context or {"thread": "二手交易区"},
                status="decided",
                action=action,
                received_at=received_at or utcnow(),
                decided_at=utcnow(),
            )
            s.add(post)
            s.flush()
            verdict = Verdict(
                submission_id=post.id,
                tenant_id=tenant_id,
                action=action,
                categories=categories or [],
                hits=hits or [],
                findings=findings or [],
                reasons=[],
                masked_text=text,
                lexicon_version="lex-test",
                policy_version="policy-test",
            )
            s.add(verdict)
            s.flush()
            item_id = None
            if action == "review":
                item = queue.enqueue_from_verdict(s, post, verdict)
                if created_at is not None:
                    item.created_at = created_at
                item_id = item.id
            s.commit()
            return Post(post.id, item_id, tenant_id)

    return _make


def csrf_of(html: str) -> str:
    """The CSRF token embedded in a workspace page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def login(app: Any) -> Callable[[str], Any]:
    """Factory: login(username) -> a test client logged in to the workspace."""

    def _login(username: str, password: str = PASSWORD) -> Any:
        client = app.test_client()
        page = client.get("/review/login")
        response = client.post(
            "/review/login",
            data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
        )
        assert response.status_code == 302, response.text
        client.csrf = csrf_of(client.get("/review/login").text)
        return client

    return _login

"""The workspace over HTTP: login and lockout, CSRF, roles per route, tenant isolation, flow."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from moderation.models.records import AccessAudit
from moderation.models.review import Directive, ReviewerAccount, ReviewEvent, ReviewItem
from moderation.models.submission import Submission
from tests.review.conftest import csrf_of, finding, hit

TEXT = "出售手枪，联系13812345678"


def test_login_locks_after_five_failures(app, make_tenant, make_account, runtime, login):
    tenant = make_tenant().tenant
    make_account(tenant, username="dora")
    client = app.test_client()
    token = csrf_of(client.get("/review/login").text)
    for _ in range(5):
        bad = client.post(
            "/review/login",
            data={"username": "dora", "password": "wrong-password", "csrf_token": token},
        )
        assert bad.status_code == 401 and "wrong username or password" in bad.text
    with runtime.sessions() as s:
        account = s.scalar(select(ReviewerAccount).where(ReviewerAccount.username == "dora"))
        assert account.locked_until is not None
        assert account.password_hash.startswith("$argon2id$")
    locked = client.post(
        "/review/login",
        data={"username": "dora", "password": "correct horse battery", "csrf_token": token},
    )
    assert locked.status_code == 401 and "locked" in locked.text
    assert client.get("/review/queue").status_code == 302


def test_every_post_needs_the_csrf_token(make_tenant, make_account, make_post, login):
    tenant = make_tenant().tenant
    post = make_post(tenant)
    client = login(make_account(tenant).username)
    assert client.post("/review/next").status_code == 400
    assert client.post("/review/next", data={"csrf_token": "forged"}).status_code == 400
    ok = client.post("/review/next", data={"csrf_token": client.csrf})
    assert ok.status_code == 302 and ok.headers["Location"].endswith(post.item_id)


ROUTES = [
    ("GET", "/review/queue", {"reviewer", "senior"}),
    ("POST", "/review/next", {"reviewer", "senior"}),
    ("POST", "/review/bulk", {"senior"}),
    ("GET", "/review/dashboard", {"senior", "compliance", "admin"}),
    ("GET", "/review/directives", {"admin", "compliance"}),
    ("POST", "/review/directives", {"admin"}),
    ("GET", "/review/users", {"admin"}),
    ("POST", "/review/users", {"admin"}),
]


@pytest.mark.parametrize("role", ["reviewer", "senior", "compliance", "admin"])
def test_each_route_enforces_its_roles(make_tenant, make_account, login, role):
    client = login(make_account(make_tenant().tenant, role).username)
    for method, path, allowed in ROUTES:
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": client.csrf})
        if role in allowed:
            assert response.status_code in (200, 302, 400), (method, path, role)
        else:
            assert response.status_code == 403, (method, path, role)


def test_logged_out_visitors_are_sent_to_login(app):
    client = app.test_client()
    response = client.get("/review/queue")
    assert response.status_code == 302 and "/review/login" in response.headers["Location"]
    token = csrf_of(client.get("/review/login").text)
    assert client.post("/review/next", data={"csrf_token": token}).status_code == 401


def test_a_reviewer_never_sees_another_tenants_item(make_tenant, make_account, make_post, login):
    ours, theirs = make_tenant().tenant, make_tenant().tenant
    foreign = make_post(theirs, TEXT)
    client = login(make_account(ours).username)
    assert client.get(f"/review/items/{foreign.item_id}").status_code == 404
    assert foreign.item_id not in client.get("/review/queue").text
    decided = client.post(
        f"/review/items/{foreign.item_id}/decide",
        data={"csrf_token": client.csrf, "decision": "approve"},
    )
    assert decided.status_code == 302
    assert (
        client.post(
            f"/review/items/{foreign.item_id}/reveal", data={"csrf_token": client.csrf}
        ).status_code
        == 404
    )


def test_the_item_page_highlights_and_masks(make_tenant, make_account, make_post, login):
    tenant = make_tenant().tenant
    post = make_post(
        tenant,
        TEXT,
        hits=[hit(TEXT, "手枪", "prohibited_items", "block")],
        findings=[finding(TEXT, "13812345678")],
        author="author-42",
        categories=[{"code": "prohibited_items", "score": 0.93, "source": "classifier"}],
    )
    make_post(tenant, "以前被封的帖子", action="block", author="author-42")
    client = login(make_account(tenant).username)
    page = client.get(f"/review/items/{post.item_id}")
    assert page.status_code == 200
    html = page.text
    assert 'data-category="prohibited_items"' in html and '>手枪<span class="hit-label">' in html
    assert "13812345678" not in html and "138•••••678" in html
    assert "author-42" not in html
    assert "0.93" in html and "block 1" in html and "二手交易区" in html
    assert "Content-Security-Policy" in page.headers


def test_reveal_is_audited(runtime, make_tenant, make_account, make_post, login):
    tenant = make_tenant().tenant
    post = make_post(tenant, TEXT, findings=[finding(TEXT, "13812345678")], author="author-42")
    account = make_account(tenant, username="erin")
    client = login("erin")
    client.get(f"/review/items/{post.item_id}")
    response = client.post(
        f"/review/items/{post.item_id}/reveal",
        data={"csrf_token": client.csrf, "purpose": "check contact"},
    )
    assert response.json == {"findings": ["13812345678"], "author": "author-42"}
    with runtime.sessions() as s:
        event = s.scalar(select(ReviewEvent).where(ReviewEvent.kind == "revealed"))
        assert (event.actor, event.reason) == (account.id, "check contact")
        audit = s.scalar(select(AccessAudit))
        assert (audit.actor, audit.channel, audit.purpose) == ("erin", "ui", "check contact")


def test_deciding_opens_the_next_item(runtime, make_tenant, make_account, make_post, login):
    tenant = make_tenant().tenant
    first = make_post(tenant, TEXT, hits=[hit(TEXT, "手枪", "prohibited_items", "block")])
    second = make_post(tenant, "一般可疑内容")
    client = login(make_account(tenant).username)
    assert (
        client.post("/review/next", data={"csrf_token": client.csrf})
        .headers["Location"]
        .endswith(first.item_id)
    )
    response = client.post(
        f"/review/items/{first.item_id}/decide",
        data={
            "csrf_token": client.csrf,
            "decision": "remove",
            "category": "prohibited_items",
            "reason": "Prohibited content in this category",
            "note": "",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(second.item_id)
    approve = client.post(
        f"/review/items/{second.item_id}/decide",
        data={
            "csrf_token": client.csrf,
            "decision": "approve",
            "category": "fraud",
            "reason": "x",
        },
    )
    assert approve.headers["Location"].endswith("/review/queue")
    assert "The queue is empty" in client.get("/review/queue").text
    with runtime.sessions() as s:
        assert s.get(Submission, first.submission_id).action == "block"
        approved = s.get(ReviewItem, second.item_id)
        assert (approved.decision, approved.category) == ("approve", None)


def test_a_second_reviewer_gets_a_409_on_a_held_item(make_tenant, make_account, make_post, login):
    tenant = make_tenant().tenant
    post = make_post(tenant)
    alice = login(make_account(tenant).username)
    bob = login(make_account(tenant).username)
    assert alice.get(f"/review/items/{post.item_id}").status_code == 200
    assert bob.get(f"/review/items/{post.item_id}").status_code == 409
    assert post.item_id not in bob.get("/review/queue").text
    released = alice.post(
        f"/review/items/{post.item_id}/release", data={"csrf_token": alice.csrf, "beacon": "1"}
    )
    assert released.status_code == 204
    assert bob.get(f"/review/items/{post.item_id}").status_code == 200


def test_dashboard_draws_charts(runtime, make_tenant, make_account, make_post, login, client):
    t = make_tenant()
    post = make_post(t.tenant, TEXT, hits=[hit(TEXT, "手枪", "prohibited_items")])
    reviewer = login(make_account(t.tenant, username="fay").username)
    reviewer.post(
        f"/review/items/{post.item_id}/decide",
        data={
            "csrf_token": reviewer.csrf,
            "decision": "remove",
            "category": "prohibited_items",
            "reason": "weapons",
        },
    )
    make_post(t.tenant, "新的待审内容")
    client.post("/v1/complaints", json={"text": "骚扰信息", "category": "abuse"}, headers=t.headers)
    page = login(make_account(t.tenant, "senior").username).get("/review/dashboard")
    assert page.status_code == 200
    html = page.text
    assert html.count("<svg") == 4
    assert "fay" in html and "prohibited_items" in html
    assert 'id="open-total">2<' in html and 'id="complaints-accepted">1<' in html


def test_an_admin_records_a_directive_and_creates_users(
    runtime, make_tenant, make_account, make_post, login
):
    tenant = make_tenant().tenant
    admin = login(make_account(tenant, "admin").username)
    response = admin.post(
        "/review/directives",
        data={
            "csrf_token": admin.csrf,
            "reference": "REF-1",
            "terms": "蓝鲸游戏\n死亡挑战",
            "category": "violence",
            "days": "7",
            "mode": "queue",
        },
    )
    assert response.status_code == 302
    with runtime.sessions() as s:
        directive = s.scalar(select(Directive))
        assert directive.terms == ["蓝鲸游戏", "死亡挑战"] and directive.sweep_job_id
    progress = admin.get(response.headers["Location"] + ".json")
    assert progress.json["status"] == "pending"
    bad = admin.post(
        "/review/directives",
        data={
            "csrf_token": admin.csrf,
            "reference": "R",
            "terms": "x",
            "category": "c",
            "days": "-1",
            "mode": "queue",
        },
    )
    assert bad.status_code == 400 and "days" in bad.text
    created = admin.post(
        "/review/users",
        data={
            "csrf_token": admin.csrf,
            "username": "newbie",
            "role": "reviewer",
            "password": "long enough pw",
        },
    )
    assert created.status_code == 302
    weak = admin.post(
        "/review/users",
        data={
            "csrf_token": admin.csrf,
            "username": "weak",
            "role": "reviewer",
            "password": "short",
        },
    )
    assert weak.status_code == 400 and "password" in weak.text


def test_a_senior_removes_in_bulk(runtime, make_tenant, make_account, make_post, login):
    tenant = make_tenant().tenant
    posts = [make_post(tenant, f"刷单返利 {i}") for i in range(3)]
    holder = login(make_account(tenant).username)
    assert holder.get(f"/review/items/{posts[2].item_id}").status_code == 200
    senior = login(make_account(tenant, "senior").username)
    page = senior.get("/review/queue").text
    assert 'id="bulk-form"' in page
    response = senior.post(
        "/review/bulk",
        data={
            "csrf_token": senior.csrf,
            "decision": "remove",
            "category": "fraud",
            "reason": "Fraud or scam",
            "item": [p.item_id for p in posts],
        },
    )
    assert response.status_code == 302
    assert "2 item(s) decided; 1 skipped" in senior.get("/review/queue").text
    with runtime.sessions() as s:
        states = [s.get(ReviewItem, p.item_id).decision for p in posts]
        assert states == ["remove", "remove", None]
        assert {s.get(Submission, p.submission_id).action for p in posts[:2]} == {"block"}
    reviewer = login(make_account(tenant).username)
    assert 'id="bulk-form"' not in reviewer.get("/review/queue").text
    denied = reviewer.post("/review/bulk", data={"csrf_token": reviewer.csrf, "item": []})
    assert denied.status_code == 403


def test_the_page_renews_its_lease_until_lost(runtime, make_tenant, make_account, make_post, login):
    tenant = make_tenant().tenant
    post = make_post(tenant)
    alice = login(make_account(tenant).username)
    alice.get(f"/review/items/{post.item_id}")
    renewed = alice.post(
        f"/review/items/{post.item_id}/renew", headers={"X-CSRF-Token": alice.csrf}
    )
    assert renewed.status_code == 200 and "lease_expires_at" in renewed.json
    with runtime.sessions() as s:  # the lease lapses and someone else takes the item
        s.execute(
            ReviewItem.__table__.update()
            .where(ReviewItem.id == post.item_id)
            .values(claimed_by="someone-else")
        )
        s.commit()
    lost = alice.post(f"/review/items/{post.item_id}/renew", headers={"X-CSRF-Token": alice.csrf})
    assert lost.status_code == 409 and "lost" in lost.json["error"]


def test_logout_ends_the_session(make_tenant, make_account, login):
    client = login(make_account(make_tenant().tenant).username)
    assert client.get("/review/queue").status_code == 200
    assert client.post("/review/logout", data={"csrf_token": client.csrf}).status_code == 302
    assert client.get("/review/queue").status_code == 302


def test_appeal_and_complaint_items_render(
    runtime, client, make_tenant, make_account, make_post, login
):
    t = make_tenant()
    blocked = make_post(t.tenant, "被引擎拦截的帖子", action="block", external_id="b-1")
    client.post(
        "/v1/appeals", json={"external_id": "b-1", "statement": "我没有违规"}, headers=t.headers
    )
    complaint = client.post(
        "/v1/complaints",
        json={"text": "有人在骂人：你这个笨蛋", "category": "abuse", "description": "辱骂"},
        headers=t.headers,
    ).json
    senior = login(make_account(t.tenant, "senior").username)
    with runtime.sessions() as s:
        appeal_item = s.scalar(select(ReviewItem).where(ReviewItem.source == "appeal"))
    page = senior.get(f"/review/items/{appeal_item.id}")
    assert page.status_code == 200
    assert "我没有违规" in page.text and "appeal · pending" in page.text
    assert 'id="btn-escalate"' not in page.text
    other = senior.get(f"/review/items/{complaint['review_item_id']}")
    assert other.status_code == 200
    assert "你这个笨蛋" in other.text and "辱骂" in other.text
    assert blocked.item_id is None

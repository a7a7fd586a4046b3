"""POST /v1/complaints and POST /v1/appeals: de-duplication, counts, routing, validation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from moderation.models.review import Appeal, Complaint, ReviewItem
from moderation.models.submission import Submission
from moderation.models.webhook import WebhookDelivery
from moderation.review import decisions, leases
from moderation.review.errors import Forbidden

HOOK = "http://127.0.0.1:9/hook"


def complain(client, tenant, **body):
    return client.post("/v1/complaints", json=body, headers=tenant.headers)


def test_duplicate_complaints_raise_priority_not_items(runtime, client, make_tenant, make_post):
    t = make_tenant()
    post = make_post(t.tenant, "正常的二手手机转让", action="allow", external_id="p-1")
    first = complain(
        client,
        t,
        moderation_id=post.submission_id,
        category="fraud",
        description="骗子",
        reporter_id="u1",
    )
    assert first.status_code == 201, first.text
    second = complain(client, t, external_id="p-1", category="fraud", reporter_id="u2")
    third = complain(client, t, external_id="p-1", category="abuse", reporter_id="u3")
    again = complain(client, t, external_id="p-1", category="fraud", reporter_id="u1")
    assert [r.status_code for r in (second, third, again)] == [201, 201, 200]
    assert again.json["duplicate"] is True
    item_ids = {r.json["review_item_id"] for r in (first, second, third, again)}
    assert len(item_ids) == 1
    assert third.json["complaints_on_post"] == 3
    assert third.json["priority"] > first.json["priority"]
    assert third.json["counts"] == {"accepted": 3, "handled": 0}
    with runtime.sessions() as s:
        assert s.scalar(select(func.count(ReviewItem.id))) == 1
        assert s.scalar(select(func.count(Complaint.id))) == 3
        item = s.get(ReviewItem, item_ids.pop())
        assert (item.source, item.complaint_count) == ("complaint", 3)


def test_a_complaint_with_new_text_creates_a_post(runtime, client, make_tenant):
    t = make_tenant()
    body = {"text": "低价出售银行卡四件套", "category": "illicit_ads", "title": "转让"}
    first = complain(client, t, **body)
    second = complain(client, t, **body)
    assert first.status_code == second.status_code == 201
    assert first.json["moderation_id"] == second.json["moderation_id"]
    assert second.json["complaints_on_post"] == 2
    with runtime.sessions() as s:
        post = s.get(Submission, first.json["moderation_id"])
        assert (post.text, post.status, post.tenant_id) == (body["text"], "pending", t.tenant.id)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"moderation_id": "x"}, 422, "category"),
        ({"category": "fraud"}, 422, "moderation_id"),
        ({"category": 5, "text": "a"}, 422, "category"),
        ({"category": "fraud", "moderation_id": "nope"}, 404, "moderation_id"),
        ({"category": "fraud", "external_id": "nope"}, 404, "external_id"),
    ],
)
def test_bad_complaints_name_the_field(client, make_tenant, body, status, field):
    response = complain(client, make_tenant(), **body)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["field"] == field


def test_complaints_need_a_key_and_stay_in_the_tenant(client, make_tenant, make_post):
    ours, theirs = make_tenant(), make_tenant()
    post = make_post(theirs.tenant, action="allow")
    assert client.post("/v1/complaints", json={"category": "fraud"}).status_code == 401
    response = complain(client, ours, moderation_id=post.submission_id, category="fraud")
    assert response.status_code == 404
    not_json = client.post("/v1/complaints", data="x", headers=ours.headers)
    assert not_json.status_code == 415


def removed_by(runtime, account, post):
    with runtime.sessions() as s:
        leases.claim(s, account, post.item_id, 300)
        decisions.decide(s, account, post.item_id, "remove", category="fraud", reason="scam")
        s.commit()


def test_an_appeal_goes_to_a_different_senior(
    runtime, client, make_tenant, make_post, make_account
):
    t = make_tenant(webhook_url=HOOK)
    post = make_post(t.tenant, "稳赚不赔的投资项目", external_id="p-9")
    judge, other_senior = make_account(t.tenant, "senior"), make_account(t.tenant, "senior")
    reviewer = make_account(t.tenant, "reviewer")
    removed_by(runtime, judge, post)
    response = client.post(
        "/v1/appeals", json={"external_id": "p-9", "statement": "这是正规理财"}, headers=t.headers
    )
    assert response.status_code == 201, response.text
    item_id = response.json["review_item_id"]
    with runtime.sessions() as s:
        item = s.get(ReviewItem, item_id)
        assert (item.tier, item.source, item.excluded_account_id) == ("senior", "appeal", judge.id)
        assert leases.claim_next(s, judge, 300) is None, "the original decider never gets it"
        assert leases.claim_next(s, reviewer, 300) is None, "reviewers do not take appeals"
        with pytest.raises(Forbidden):
            decisions.decide(s, judge, item_id, "approve")
        assert leases.claim_next(s, other_senior, 300).id == item_id
        decisions.decide(s, other_senior, item_id, "approve", note="legitimate fund")
        s.commit()
        appeal = s.scalar(select(Appeal))
        assert (appeal.status, appeal.decided_by) == ("overturned", other_senior.id)
        assert s.get(Submission, post.submission_id).action == "allow"
        outcome = s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at)).all()[-1]
        assert outcome.payload["decision"] == "approve"
        assert outcome.payload["statement"]["appeal"]["outcome"] == "overturned"


def test_appeals_are_for_removed_posts_and_not_repeated(
    runtime, client, make_tenant, make_post, make_account
):
    t = make_tenant()
    live = make_post(t.tenant, "普通内容", action="allow")
    refused = client.post(
        "/v1/appeals", json={"moderation_id": live.submission_id}, headers=t.headers
    )
    assert refused.status_code == 409 and refused.json["field"] == "moderation_id"
    blocked = make_post(t.tenant, "引擎直接拦截的内容", action="block")
    first = client.post(
        "/v1/appeals", json={"moderation_id": blocked.submission_id}, headers=t.headers
    )
    again = client.post(
        "/v1/appeals", json={"moderation_id": blocked.submission_id}, headers=t.headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["duplicate"] is True
    senior = make_account(t.tenant, "senior")
    with runtime.sessions() as s:
        item = leases.claim_next(s, senior, 300)
        assert item is not None and item.excluded_account_id is None  # the engine blocked it
        decisions.decide(s, senior, item.id, "remove", category="fraud", reason="still a scam")
        s.commit()
        assert s.scalar(select(Appeal.status)) == "upheld"
        statement = s.get(ReviewItem, item.id).statement
        assert statement["appeal"] == {"id": first.json["id"], "outcome": "upheld", "final": True}


def test_concurrent_complaints_make_one_item_and_all_count(runtime, make_tenant, make_post):
    import threading

    from moderation.models.tenant import Tenant
    from moderation.review.complaints import file_complaint

    t = make_tenant()
    post = make_post(t.tenant, "可疑的转账请求", action="allow")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def complain_once(n: int) -> None:
        try:
            with runtime.sessions() as s:
                tenant = s.get(Tenant, t.tenant.id)
                barrier.wait()
                file_complaint(
                    s,
                    tenant,
                    category="fraud",
                    moderation_id=post.submission_id,
                    reporter_id=f"user-{n}",
                )
                s.commit()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=complain_once, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    with runtime.sessions() as s:
        items = s.scalars(select(ReviewItem)).all()
        assert len(items) == 1 and items[0].complaint_count == 8
        assert s.scalar(select(func.count(Complaint.id))) == 8

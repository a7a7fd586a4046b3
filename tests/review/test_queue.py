"""The queue: what enters it, priority then age, SLA, leases, expiry and concurrent claiming."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from moderation.models.base import utcnow
from moderation.models.review import ReviewEvent, ReviewItem
from moderation.review import leases, queue
from moderation.review.errors import Conflict, NotFound
from tests.review.conftest import hit

LEASE = 300


def test_it_queues_a_review_verdict_once(runtime, make_tenant, make_post):
    tenant = make_tenant().tenant
    post = make_post(tenant)
    with runtime.sessions() as s:
        submission = s.get(queue.Submission, post.submission_id)
        again = queue.enqueue_from_verdict(s, submission, submission.verdict)
        s.commit()
        assert again.id == post.item_id
        assert s.scalar(select(func.count(ReviewItem.id))) == 1
        kinds = s.scalars(select(ReviewEvent.kind)).all()
        assert kinds == ["enqueued"]


def test_it_orders_by_severity_then_age(runtime, make_tenant, make_post, make_account):
    tenant = make_tenant().tenant
    now = utcnow()
    text = "出售手枪和子弹"
    old_spam = make_post(
        tenant,
        "广告广告",
        hits=[hit("广告广告", "广告", "spam")],
        created_at=now - timedelta(hours=3),
    )
    weapons = make_post(tenant, text, hits=[hit(text, "手枪", "prohibited_items", "block")])
    older_spam = make_post(
        tenant,
        "刷单广告",
        hits=[hit("刷单广告", "广告", "spam")],
        created_at=now - timedelta(hours=5),
    )
    reviewer = make_account(tenant)
    with runtime.sessions() as s:
        entries = queue.open_items(s, reviewer, sla_minutes=60, now=now)
    assert [e.item.id for e in entries] == [weapons.item_id, older_spam.item_id, old_spam.item_id]
    assert entries[0].band == "medium" and entries[0].item.priority == 60
    assert [e.sla_breached for e in entries] == [False, True, True]
    assert entries[1].waiting >= timedelta(hours=5)


def test_it_raises_priority_for_an_author_with_prior_violations(runtime, make_tenant, make_post):
    tenant = make_tenant().tenant
    text = "加微信看片"
    hits = [hit(text, "看片", "pornography")]
    first = make_post(tenant, text, hits=hits, author="u-1")
    for _ in range(2):
        make_post(tenant, "违规内容", action="block", author="u-1")
    repeat = make_post(tenant, text + "!", hits=hits, author="u-1")
    with runtime.sessions() as s:
        a, b = s.get(ReviewItem, first.item_id), s.get(ReviewItem, repeat.item_id)
        assert b.priority_parts["author"] == 2 * queue.PER_PRIOR_VIOLATION
        assert b.priority > a.priority


def test_a_claim_is_exclusive_and_hidden_from_others(runtime, make_tenant, make_post, make_account):
    tenant = make_tenant().tenant
    post = make_post(tenant)
    alice, bob = make_account(tenant), make_account(tenant)
    with runtime.sessions() as s:
        item = leases.claim_next(s, alice, LEASE)
        s.commit()
        assert item is not None and item.id == post.item_id
    with runtime.sessions() as s:
        assert leases.claim_next(s, bob, LEASE) is None
        assert queue.open_items(s, bob, 60) == []
        assert queue.claimed_by_others(s, bob, utcnow()) == 1
        with pytest.raises(Conflict):
            leases.claim(s, bob, post.item_id, LEASE)
        # Alice asking again resumes the same item.
        assert leases.claim_next(s, alice, LEASE).id == post.item_id


def test_an_expired_lease_returns_the_item(runtime, make_tenant, make_post, make_account):
    tenant = make_tenant().tenant
    post = make_post(tenant)
    alice, bob = make_account(tenant), make_account(tenant)
    start = utcnow()
    with runtime.sessions() as s:
        assert leases.claim_next(s, alice, LEASE, now=start).id == post.item_id
        s.commit()
    later = start + timedelta(seconds=LEASE + 1)
    with runtime.sessions() as s:
        assert leases.expire_leases(s, tenant.id, later) == 1
        s.commit()
        assert leases.claim_next(s, bob, LEASE, now=later).id == post.item_id
        s.commit()
        with pytest.raises(Conflict):
            leases.renew(s, alice, post.item_id, LEASE, now=later)
        kinds = s.scalars(select(ReviewEvent.kind).order_by(ReviewEvent.created_at)).all()
        assert Counter(kinds) == Counter(["enqueued", "claimed", "lease_expired", "claimed"])


def test_renew_extends_and_release_gives_back(runtime, make_tenant, make_post, make_account):
    tenant = make_tenant().tenant
    post = make_post(tenant)
    alice, bob = make_account(tenant), make_account(tenant)
    start = utcnow()
    with runtime.sessions() as s:
        leases.claim(s, alice, post.item_id, LEASE, now=start)
        expires = leases.renew(s, alice, post.item_id, LEASE, now=start + timedelta(seconds=200))
        s.commit()
        assert expires == start + timedelta(seconds=500)
    # Still held past the first lease's end, thanks to the renewal.
    with runtime.sessions() as s:
        assert leases.claim_next(s, bob, LEASE, now=start + timedelta(seconds=400)) is None
        assert leases.release(s, alice, post.item_id)
        s.commit()
        assert leases.claim_next(s, bob, LEASE).id == post.item_id


def test_other_tenants_items_are_invisible(runtime, make_tenant, make_post, make_account):
    ours, theirs = make_tenant().tenant, make_tenant().tenant
    foreign = make_post(theirs)
    reviewer = make_account(ours)
    with runtime.sessions() as s:
        assert queue.open_items(s, reviewer, 60) == []
        assert leases.claim_next(s, reviewer, LEASE) is None
        with pytest.raises(NotFound):
            leases.claim(s, reviewer, foreign.item_id, LEASE)


def test_concurrent_claims_never_hand_out_an_item_twice(
    runtime, make_tenant, make_post, make_account
):
    tenant = make_tenant().tenant
    items = {make_post(tenant, f"可疑内容 {i}").item_id for i in range(12)}
    reviewers = [make_account(tenant) for _ in range(16)]
    claimed: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(reviewers))

    def work(account) -> None:
        got: list[str] = []
        try:
            barrier.wait()
            for _ in range(3):  # each takes an item, then lets its lease "finish" by deciding
                with runtime.sessions() as s:
                    item = leases.claim_next(s, account, LEASE)
                    s.commit()
                    if item is None:
                        break
                    got.append(item.id)
                    s.execute(
                        ReviewItem.__table__.update()
                        .where(ReviewItem.id == item.id)
                        .values(status="closed", open_key=None)
                    )
                    s.commit()
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        claimed[account.id] = got

    threads = [threading.Thread(target=work, args=(r,)) for r in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    handed_out = [i for got in claimed.values() for i in got]
    assert sorted(handed_out) == sorted(items), "every item claimed exactly once"
    with runtime.sessions() as s:
        claims = s.scalar(select(func.count()).where(ReviewEvent.kind == "claimed"))
        assert claims == len(items)

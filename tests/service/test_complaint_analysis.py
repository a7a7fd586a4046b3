"""A complaint bringing new text: stored, analysed like an intake post, and still reviewed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from moderation.models.base import utcnow
from moderation.models.records import EvidenceRecord
from moderation.models.review import ReviewerAccount, ReviewItem
from moderation.models.submission import Submission, Verdict
from moderation.queue.enqueue import HIGH, moderation_job_id, queue
from moderation.queue.sweeper import sweep
from moderation.review import itemview
from moderation.review import queue as review_queue
from moderation.review.accounts import create_account
from moderation.tenancy import find_tenant

CARDS = "低价出售银行卡四件套，需要的私聊"  # the engine blocks it (illicit_ads terms)
INVEST = "稳赚不赔的投资项目，加我微信"  # the engine holds it for review (fraud term)
CLEAN = "今天天气很好，我们去公园散步吧"  # the engine allows it


def complain(client, tenant, text, category="illicit_ads", reporter="u1"):
    response = client.post(
        "/v1/complaints",
        json={"text": text, "category": category, "reporter_id": reporter, "title": "转让"},
        headers=tenant.headers,
    )
    assert response.status_code in (200, 201), response.text
    return response.json


def reviewer(runtime, tenant) -> ReviewerAccount:
    with runtime.sessions() as s:
        account = create_account(
            s, find_tenant(s, tenant.id), "rev-complaints", "reviewer", "correct horse battery"
        )
        s.commit()
        return account


def test_new_text_is_committed_then_queued_for_analysis(runtime, client, make_tenant):
    t = make_tenant()
    body = complain(client, t, CARDS)
    with runtime.sessions() as s:
        post = s.get(Submission, body["moderation_id"])
        assert (post.status, post.action, post.verdict) == ("pending", None, None)
        assert post.context == {"origin": "complaint"}
    job = queue(runtime.redis, HIGH).fetch_job(moderation_job_id(body["moderation_id"]))
    assert job is not None and job.args == [body["moderation_id"]]
    polled = client.get(f"/v1/moderations/{body['moderation_id']}", headers=t.headers)
    assert (polled.status_code, polled.json["publish"]) == (202, False)


def test_the_review_item_shows_the_engines_hits_and_scores(runtime, client, make_tenant, work):
    t = make_tenant()
    body = complain(client, t, CARDS)
    work()
    with runtime.sessions() as s:
        post = s.get(Submission, body["moderation_id"])
        assert (post.status, post.action) == ("decided", "block")
        item = s.get(ReviewItem, body["review_item_id"])
        assert (item.status, item.source, item.complaint_count) == ("open", "complaint", 1)
        view = itemview.build(s, item, ["illicit_ads"])
        assert {h["term"] for h in view.hits} >= {"出售银行卡", "银行卡四件套"}
        assert all(CARDS[h["start"] : h["end"]] == h["text"] for h in view.hits)
        assert view.scores and view.scores[0]["code"] == "illicit_ads"
        assert any(seg.kind == "hit" for seg in view.segments), "hits are highlighted"
        # A block goes the normal way: preserved as evidence.
        assert s.scalar(select(func.count(EvidenceRecord.id))) == 1
    polled = client.get(f"/v1/moderations/{body['moderation_id']}", headers=t.headers)
    assert polled.status_code == 200
    assert polled.json["verdict"]["hits"], "the verdict API shows the analysis too"


def test_the_complaint_keeps_it_in_the_queue_whatever_the_verdict(
    runtime, client, make_tenant, work
):
    t = make_tenant()
    complaints = {text: complain(client, t, text, "fraud") for text in (CLEAN, INVEST, CARDS)}
    work()
    account = reviewer(runtime, t.tenant)
    with runtime.sessions() as s:
        actions = {
            text: s.get(Submission, c["moderation_id"]).action for text, c in complaints.items()
        }
        assert actions == {CLEAN: "allow", INVEST: "review", CARDS: "block"}
        queued = {e.item.id for e in review_queue.open_items(s, account, 60)}
        assert queued == {c["review_item_id"] for c in complaints.values()}
        assert s.scalar(select(func.count(ReviewItem.id))) == 3, "a review verdict adds no item"


def test_a_repeated_complaint_is_analysed_once(runtime, client, make_tenant, work):
    t = make_tenant()
    first = complain(client, t, INVEST, "fraud", reporter="u1")
    second = complain(client, t, INVEST, "fraud", reporter="u2")
    assert first["moderation_id"] == second["moderation_id"]
    assert second["complaints_on_post"] == 2
    work()
    third = complain(client, t, INVEST, "fraud", reporter="u3")  # already decided: no new job
    assert third["review_item_id"] == first["review_item_id"]
    assert queue(runtime.redis, HIGH).count == 0
    with runtime.sessions() as s:
        assert s.scalar(select(func.count(Verdict.id))) == 1
        assert s.scalar(select(func.count(Submission.id))) == 1


def test_a_lost_analysis_job_is_recovered_by_the_sweeper(
    runtime, client, make_tenant, work, settings
):
    t = make_tenant()
    body = complain(client, t, CARDS)
    runtime.redis.flushdb()  # Redis lost its data: the job is gone, the committed post is not
    with runtime.sessions() as s:
        s.execute(
            update(Submission)
            .where(Submission.id == body["moderation_id"])
            .values(queued_at=utcnow() - timedelta(seconds=10 * settings.pending_timeout_seconds))
        )
        s.commit()
    report = sweep(runtime)
    assert report.requeued == [body["moderation_id"]]
    work()
    with runtime.sessions() as s:
        post = s.get(Submission, body["moderation_id"])
        assert (post.status, post.action) == ("decided", "block")
        assert s.get(ReviewItem, body["review_item_id"]).status == "open"

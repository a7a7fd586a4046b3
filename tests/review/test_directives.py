"""Directives (Art. 50): term matching, the sweep in queue and remove modes, the RQ job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy import select

from moderation.models.base import utcnow
from moderation.models.review import Directive, ReviewEvent, ReviewItem
from moderation.models.submission import Submission
from moderation.models.webhook import WebhookDelivery
from moderation.queue import context
from moderation.queue.enqueue import BATCH, queue
from moderation.review import directives, jobs
from moderation.review.errors import ReviewError


def test_terms_match_disguised_forms_on_original_spans():
    text = "新款 蓝 鲸 游 戏，还有藍鯨遊戲和蓝鲸😀游戏"
    hits = directives.match_terms(text, ["蓝鲸游戏"], "violence", "review")
    assert [h["text"] for h in hits] == ["蓝 鲸 游 戏", "藍鯨遊戲", "蓝鲸😀游戏"]
    assert all(text[h["start"] : h["end"]] == h["text"] for h in hits)
    assert directives.match_terms("蓝天鲸鱼游戏", ["蓝鲸游戏"], "violence", "review") == []


def _directive(runtime, account, mode: str, days: int = 7, terms=("蓝鲸游戏",)) -> str:
    with runtime.sessions() as s:
        d = directives.create_directive(
            s,
            account.tenant_id,
            created_by=account.id,
            reference="网信办〔2026〕7号",
            terms=list(terms),
            category="violence",
            days=days,
            mode=mode,
        )
        s.commit()
        return d.id


@pytest.fixture
def posts(make_tenant, make_post):
    tenant = make_tenant(webhook_url="http://127.0.0.1:9/hook").tenant
    now = utcnow()
    recent = make_post(
        tenant, "快来玩蓝 鲸 游 戏", action="allow", received_at=now - timedelta(days=2)
    )
    old = make_post(tenant, "蓝鲸游戏老帖", action="allow", received_at=now - timedelta(days=30))
    clean = make_post(tenant, "今天天气很好", action="allow")
    return tenant, recent, old, clean


def test_a_queue_sweep_queues_recent_matches(runtime, posts, make_account):
    tenant, recent, _old, _clean = posts
    admin = make_account(tenant, "admin")
    directive_id = _directive(runtime, admin, "queue")
    summary = directives.run_sweep(runtime.sessions, directive_id)
    assert summary["scanned"] == 2 and summary["matched"] == 1 and summary["queued"] == 1
    assert summary["by_term"] == {"蓝鲸游戏": 1}
    with runtime.sessions() as s:
        item = s.scalar(select(ReviewItem))
        assert (item.submission_id, item.source, item.directive_id) == (
            recent.submission_id,
            "directive",
            directive_id,
        )
        assert item.extra_hits[0]["text"] == "蓝 鲸 游 戏"
        d = s.get(Directive, directive_id)
        assert (d.sweep_status, d.sweep_done, d.sweep_total) == ("done", 2, 2)
        assert directives.active_terms(s, tenant.id) == [
            {"term": "蓝鲸游戏", "category": "violence", "severity": "review"}
        ]
        assert directives.lexicon_lines(s, tenant.id) == ["蓝鲸游戏\tviolence\treview"]
    # A second sweep finds the item already open and does not duplicate it.
    again = directives.run_sweep(runtime.sessions, directive_id)
    assert again["queued"] == 0 and again["already_handled"] == 1


def test_a_remove_sweep_takes_posts_down(runtime, posts, make_account):
    tenant, recent, old, clean = posts
    admin = make_account(tenant, "admin")
    directive_id = _directive(runtime, admin, "remove", days=60)
    summary = directives.run_sweep(runtime.sessions, directive_id)
    assert summary["removed"] == 2 and summary["queued"] == 0
    with runtime.sessions() as s:
        actions = {p.id: p.action for p in s.scalars(select(Submission))}
        assert actions == {
            recent.submission_id: "block",
            old.submission_id: "block",
            clean.submission_id: "allow",
        }
        events = s.scalars(select(ReviewEvent).where(ReviewEvent.kind == "directive_removed"))
        assert {e.submission_id for e in events} == {recent.submission_id, old.submission_id}
        deliveries = s.scalars(select(WebhookDelivery)).all()
        assert len(deliveries) == 2
        statement = deliveries[0].payload["statement"]
        assert statement["directive_reference"] == "网信办〔2026〕7号"
        assert statement["basis"] == "PRC Cybersecurity Law Art. 50"


def test_the_sweep_runs_as_an_rq_job(runtime, posts, make_account):
    tenant, *_ = posts
    admin = make_account(tenant, "admin")
    directive_id = _directive(runtime, admin, "queue")
    job_id = jobs.enqueue_sweep(runtime.redis, directive_id)
    context.install(context.WorkerContext(runtime, engine=None))
    try:
        worker = SimpleWorker(
            [queue(runtime.redis, BATCH)], connection=runtime.redis, serializer=JSONSerializer
        )
        worked = worker.work(burst=True)
    finally:
        context._current = None
    job = queue(runtime.redis, BATCH).fetch_job(job_id)
    # Say which way it failed: job gone from Redis, never run (worker quit, see its log), failed.
    assert job is not None, "the sweep job is gone from Redis"
    assert worked, f"the worker ran no job; the sweep job is {job.get_status()}"
    assert job.is_finished, job.exc_info
    assert job.return_value()["queued"] == 1
    with runtime.sessions() as s:
        assert s.get(Directive, directive_id).sweep_status == "done"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reference": " "}, "reference"),
        ({"terms": ["", "  "]}, "terms"),
        ({"terms": ["，。！"]}, "terms"),
        ({"days": 0}, "days"),
        ({"mode": "delete"}, "mode"),
        ({"category": ""}, "category"),
        ({"category": "two words"}, "category"),
    ],
)
def test_bad_directives_name_the_field(runtime, make_tenant, make_account, change, field):
    admin = make_account(make_tenant().tenant, "admin")
    fields = {"reference": "ref", "terms": ["词"], "category": "fraud", "days": 3, "mode": "queue"}
    fields.update(change)
    with runtime.sessions() as s, pytest.raises(ReviewError) as info:
        directives.create_directive(s, admin.tenant_id, **fields)
    assert info.value.field == field


def test_an_ended_directive_no_longer_adds_terms(runtime, make_tenant, make_account, login):
    tenant = make_tenant().tenant
    admin = make_account(tenant, "admin")
    directive_id = _directive(runtime, admin, "queue")
    client = login(admin.username)
    compliance = login(make_account(tenant, "compliance").username)
    denied = compliance.post(
        f"/review/directives/{directive_id}/deactivate", data={"csrf_token": compliance.csrf}
    )
    assert denied.status_code == 403
    ended = client.post(
        f"/review/directives/{directive_id}/deactivate", data={"csrf_token": client.csrf}
    )
    assert ended.status_code == 302
    with runtime.sessions() as s:
        assert directives.active_terms(s, tenant.id) == []
        assert s.scalar(select(ReviewEvent.kind).where(ReviewEvent.kind == "directive_ended"))
    assert "ended" in client.get(f"/review/directives/{directive_id}").text


def test_a_remove_sweep_closes_the_posts_open_item(runtime, make_tenant, make_post, make_account):
    from moderation.models.review import Complaint
    from moderation.review.complaints import file_complaint

    tenant = make_tenant().tenant
    held = make_post(tenant, "快来玩蓝鲸游戏")
    with runtime.sessions() as s:
        file_complaint(s, s.merge(tenant), category="violence", moderation_id=held.submission_id)
        s.commit()
    directive_id = _directive(runtime, make_account(tenant, "admin"), "remove")
    assert directives.run_sweep(runtime.sessions, directive_id)["removed"] == 1
    with runtime.sessions() as s:
        item = s.get(ReviewItem, held.item_id)
        assert (item.status, item.decision, item.open_key) == ("closed", "remove", None)
        assert item.statement["directive_reference"] == "网信办〔2026〕7号"
        assert s.scalar(select(Complaint.status)) == "handled"
        event = s.scalar(select(ReviewEvent).where(ReviewEvent.kind == "directive_removed"))
        assert event.item_id == held.item_id

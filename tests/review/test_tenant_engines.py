"""Workers analyse a tenant's new posts with its active directive terms added to the lexicon."""

from __future__ import annotations

import pytest

from moderation.review import directives
from moderation.review.tenant_engines import TenantEngines


@pytest.fixture(scope="module")
def base_engine(tmp_path_factory):
    from moderation.engine import load_engine

    folder = tmp_path_factory.mktemp("lex")
    (folder / "tiny.txt").write_text("赌博\tgambling\tblock\n", encoding="utf-8")
    return load_engine(lexicon_paths=[folder], use_classifier=False)


def test_directive_terms_reach_only_their_tenant(runtime, base_engine, make_tenant, make_account):
    ours, theirs = make_tenant().tenant, make_tenant().tenant
    admin = make_account(ours, "admin")
    engines = TenantEngines(base_engine)
    text = "大家来玩蓝鲸游戏"
    with runtime.sessions() as s:
        assert engines.for_tenant(s, ours.id) is base_engine
        directives.create_directive(
            s,
            admin.tenant_id,
            reference="R-1",
            terms=["蓝鲸游戏"],
            category="violence",
            days=7,
            mode="remove",
        )
        s.commit()
        engine = engines.for_tenant(s, ours.id)
        assert engines.for_tenant(s, ours.id) is engine, "cached while the terms are unchanged"
        analysis = engine.analyze(text)
        assert [(h.term, h.category, h.severity) for h in analysis.hits] == [
            ("蓝鲸游戏", "violence", "block")
        ]
        assert analysis.lexicon_version != base_engine.lexicon_version
        assert engines.for_tenant(s, theirs.id).analyze(text).hits == ()
        assert [h.term for h in engine.analyze("赌博").hits] == ["赌博"], "base terms remain"


def test_posts_are_analysed_with_their_tenants_engine(
    runtime, base_engine, make_tenant, make_account
):
    from types import SimpleNamespace

    from moderation.review.tenant_engines import analyze_for_tenants

    ours, theirs = make_tenant().tenant, make_tenant().tenant
    with runtime.sessions() as s:
        directives.create_directive(
            s,
            make_account(ours, "admin").tenant_id,
            reference="R-2",
            terms=["死亡挑战"],
            category="violence",
            days=1,
            mode="queue",
        )
        s.commit()
        posts = [
            SimpleNamespace(tenant_id=t.id, text=text)
            for t, text in [
                (theirs, "一起做死亡挑战"),
                (ours, "一起做死亡挑战"),
                (ours, "来赌博"),
                (theirs, None),
            ]
        ]
        analyses = analyze_for_tenants(s, base_engine, posts)
    assert [[h.term for h in a.hits] for a in analyses] == [[], ["死亡挑战"], ["赌博"], []]
    assert [h.severity for h in analyses[1].hits] == ["review"]


def test_the_worker_path_holds_a_new_post_with_a_directive_term(
    runtime, base_engine, make_tenant, make_account
):
    from sqlalchemy import select

    from moderation.models.review import ReviewItem
    from moderation.models.submission import Verdict
    from moderation.moderations import PostInput, submit
    from moderation.verdicts import decide_pending

    tenant = make_tenant().tenant
    with runtime.sessions() as s:
        directives.create_directive(
            s,
            make_account(tenant, "admin").tenant_id,
            reference="R-3",
            terms=["蓝鲸游戏"],
            category="violence",
            days=1,
            mode="queue",
        )
        s.commit()
        intake = submit(s, tenant.id, PostInput(text="今晚一起玩蓝鲸游戏吧"))
    decide_pending(runtime.sessions, runtime.settings, base_engine, [intake.submission.id])
    with runtime.sessions() as s:
        verdict = s.scalar(select(Verdict))
        assert [h["term"] for h in verdict.hits] == ["蓝鲸游戏"]
        assert verdict.action == "review"
        item = s.scalar(select(ReviewItem))
        assert (item.submission_id, item.source) == (verdict.submission_id, "verdict")

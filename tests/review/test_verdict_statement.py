"""GET /v1/moderations/{id} after review: current action/publish and the statement of reasons."""

from __future__ import annotations

from moderation.models.review import Directive
from moderation.models.submission import Submission
from moderation.review import decisions, leases
from moderation.review.directive_removal import remove_post
from tests.review.conftest import hit

TEXT = "稳赚不赔的投资项目，加我微信"


def get(client, tenant, post):
    response = client.get(f"/v1/moderations/{post.submission_id}", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json


def decide(runtime, account, item_id, decision, **kwargs):
    with runtime.sessions() as s:
        leases.claim(s, account, item_id, 300)
        decisions.decide(s, account, item_id, decision, **kwargs)
        s.commit()


def held(make_post, tenant):
    return make_post(
        tenant,
        TEXT,
        hits=[hit(TEXT, "稳赚不赔", "fraud")],
        categories=[{"code": "fraud", "score": 0.8, "source": "classifier"}],
        external_id="p-1",
    )


def test_a_held_post_has_no_statement_yet(client, make_tenant, make_post):
    t = make_tenant()
    body = get(client, t, held(make_post, t.tenant))
    assert (body["action"], body["publish"], body["statement"]) == ("review", False, None)


def test_approval_publishes_and_explains(runtime, client, make_tenant, make_post, make_account):
    t = make_tenant()
    post = held(make_post, t.tenant)
    decide(runtime, make_account(t.tenant), post.item_id, "approve", note="ok")
    body = get(client, t, post)
    assert (body["action"], body["publish"]) == ("allow", True)
    assert body["verdict"]["action"] == "review", "the automatic verdict is kept as it was"
    statement = body["statement"]
    assert statement["moderation_id"] == post.submission_id
    assert (statement["decision"], statement["action"]) == ("approve", "allow")
    assert statement["decided_by"] == "human review"
    assert "how_to_appeal" not in statement


def test_removal_blocks_and_tells_the_author_why_and_how_to_appeal(
    runtime, client, make_tenant, make_post, make_account
):
    t = make_tenant()
    post = held(make_post, t.tenant)
    decide(runtime, make_account(t.tenant), post.item_id, "remove", category="fraud", reason="诈骗")
    body = get(client, t, post)
    assert (body["action"], body["publish"]) == ("block", False)
    statement = body["statement"]
    assert (statement["decision"], statement["action"]) == ("remove", "block")
    assert (statement["category"], statement["reason"]) == ("fraud", "诈骗")
    assert statement["terms"] == ["稳赚不赔"]
    assert statement["external_id"] == "p-1"
    assert "POST /v1/appeals" in statement["how_to_appeal"]
    assert statement["basis"] == "PRC Cybersecurity Law Art. 47"


def test_an_overturned_appeal_shows_the_final_statement(
    runtime, client, make_tenant, make_post, make_account
):
    t = make_tenant()
    post = held(make_post, t.tenant)
    judge, other = make_account(t.tenant, "senior"), make_account(t.tenant, "senior")
    decide(runtime, judge, post.item_id, "remove", category="fraud", reason="诈骗")
    appeal = client.post(
        "/v1/appeals", json={"external_id": "p-1", "statement": "正规理财"}, headers=t.headers
    )
    assert appeal.status_code == 201, appeal.text
    during = get(client, t, post)
    assert (during["action"], during["statement"]["decision"]) == ("block", "remove")
    decide(runtime, other, appeal.json["review_item_id"], "approve")
    body = get(client, t, post)
    assert (body["action"], body["publish"]) == ("allow", True)
    assert body["statement"]["decision"] == "approve"
    assert body["statement"]["appeal"] == {
        "id": appeal.json["id"],
        "outcome": "overturned",
        "final": True,
    }


def test_a_statement_replaced_by_a_later_action_is_not_shown(
    runtime, client, make_tenant, make_post, make_account
):
    """Approved, then removed by a directive with no review item: the approval no longer holds."""
    t = make_tenant()
    post = held(make_post, t.tenant)
    decide(runtime, make_account(t.tenant), post.item_id, "approve")
    with runtime.sessions() as s:
        directive = Directive(
            tenant_id=t.tenant.id, reference="网信办 2026-1", terms=["稳赚不赔"],
            category="fraud", days=30, mode="remove",
        )  # fmt: skip
        s.add(directive)
        s.flush()
        remove_post(
            s, directive, s.get(Submission, post.submission_id), [hit(TEXT, "稳赚不赔", "fraud")]
        )
        s.commit()
    body = get(client, t, post)
    assert (body["action"], body["publish"], body["statement"]) == ("block", False, None)


def test_another_tenant_cannot_read_the_statement(
    runtime, client, make_tenant, make_post, make_account
):
    ours, theirs = make_tenant(), make_tenant()
    post = held(make_post, ours.tenant)
    decide(runtime, make_account(ours.tenant), post.item_id, "remove", category="fraud", reason="x")
    url = f"/v1/moderations/{post.submission_id}"
    assert client.get(url, headers=theirs.headers).status_code == 404


def test_the_openapi_document_describes_the_statement(client):
    doc = client.get("/v1/openapi.json").json
    schemas = doc["components"]["schemas"]
    prop = schemas["Moderation"]["properties"]["statement"]
    assert {"$ref": "#/components/schemas/StatementOfReasons"} in prop["oneOf"]
    fields = schemas["StatementOfReasons"]["properties"]
    assert {"decision", "action", "category", "terms", "reason", "how_to_appeal"} <= set(fields)

"""Every error status of the API is RFC 9457 problem details naming the field, with no row
written: 400, 401, 404, 413, 415, 422, 503 (409 is in test_intake)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from moderation.app import create_app
from moderation.models.submission import Submission
from moderation.runtime import Runtime
from moderation.tenancy import revoke_api_key


def _no_rows(session) -> bool:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(Submission)) == 0


def _problem(response, status: int, field: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://")
    if field is not None:
        assert body.get("field") == field, body
    return body


def test_it_refuses_invalid_json_with_400(client, make_tenant, session):
    acme = make_tenant()
    response = client.post(
        "/v1/moderations",
        data=b'{"text": "hi",',
        headers={**acme.headers, "Content-Type": "application/json"},
    )
    assert "not valid JSON" in _problem(response, 400)["detail"]
    assert _no_rows(session)


def test_it_refuses_a_wrong_content_type_with_415(client, make_tenant, session):
    acme = make_tenant()
    response = client.post(
        "/v1/moderations", data="text=hi", headers={**acme.headers, "Content-Type": "text/plain"}
    )
    _problem(response, 415, "Content-Type")
    assert _no_rows(session)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": 42}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "hi", "title": ["x"]}, "title"),
        ({"text": "hi", "external_id": 7}, "external_id"),
        ({"text": "hi", "author": "bob"}, "author"),
        ({"text": "hi", "author": {"verified": "yes"}}, "author.verified"),
        ({"text": "hi", "author": {"id": 5}}, "author.id"),
        ({"text": "hi", "author": {"email": "a@b.c"}}, "author.email"),
        ({"text": "hi", "context": [1]}, "context"),
        ({"text": "hi", "callback_url": "ftp://x"}, "callback_url"),
        ({"text": "hi", "wait": 11}, "wait"),
        ({"text": "hi", "wait": "soon"}, "wait"),
        ({"text": "hi", "wait": True}, "wait"),
        ([{"text": "hi"}], "body"),
    ],
)
def test_it_names_the_bad_field_with_422(client, make_tenant, session, body, field):
    response = client.post("/v1/moderations", json=body, headers=make_tenant().headers)
    _problem(response, 422, field)
    assert _no_rows(session)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "posts"),
        ({"posts": []}, "posts"),
        ({"posts": [{"text": "ok"}, {"title": "no text"}]}, "posts[1].text"),
        (
            {"posts": [{"text": "a", "external_id": "d"}, {"text": "b", "external_id": "d"}]},
            "posts[1].external_id",
        ),
    ],
)
def test_it_names_the_bad_field_of_a_batch_with_422(client, make_tenant, session, body, field):
    response = client.post("/v1/moderations/batch", json=body, headers=make_tenant().headers)
    _problem(response, 422, field)
    assert _no_rows(session)


def test_it_refuses_text_over_the_limit_with_413(client, make_tenant, runtime, session):
    limit = runtime.settings.max_text_chars
    response = client.post(
        "/v1/moderations", json={"text": "字" * (limit + 1)}, headers=make_tenant().headers
    )
    assert str(limit) in _problem(response, 413, "text")["detail"]
    assert _no_rows(session)


def test_it_refuses_a_batch_over_the_limit_with_413(client, make_tenant, runtime, session):
    posts = [{"text": "hi"}] * (runtime.settings.max_batch + 1)
    response = client.post(
        "/v1/moderations/batch", json={"posts": posts}, headers=make_tenant().headers
    )
    _problem(response, 413, "posts")
    assert _no_rows(session)


def test_it_refuses_a_body_over_the_limit_with_413(runtime, make_tenant, session):
    small = Runtime(replace(runtime.settings, max_body_bytes=1000))
    small.__dict__.update(db_engine=runtime.db_engine, sessions=runtime.sessions)
    client = create_app(runtime=small).test_client()
    response = client.post(
        "/v1/moderations", json={"text": "x" * 2000}, headers=make_tenant().headers
    )
    _problem(response, 413, "body")
    assert _no_rows(session)


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic dXNlcjpwdw==", "Bearer ", "Bearer mod_not-a-real-key"],
)
def test_it_refuses_missing_or_invalid_keys_with_401(client, session, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post("/v1/moderations", json={"text": "hi"}, headers=headers)
    _problem(response, 401, "Authorization")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _no_rows(session)


def test_it_refuses_a_revoked_key_with_401(client, make_tenant, runtime):
    acme = make_tenant()
    with runtime.sessions() as s:
        revoke_api_key(s, acme.api_key[:12])
        s.commit()
    response = client.get("/v1/moderations/x", headers=acme.headers)
    _problem(response, 401, "Authorization")


def test_it_answers_unknown_api_paths_with_problem_details(client):
    _problem(client.get("/v1/nothing-here"), 404)
    _problem(client.delete("/v1/moderations"), 405)


def test_it_answers_503_with_retry_after_when_redis_is_down(runtime, make_tenant, session):
    down = Runtime(replace(runtime.settings, redis_url="redis://127.0.0.1:1/0"))
    down.__dict__.update(db_engine=runtime.db_engine, sessions=runtime.sessions)
    client = create_app(runtime=down).test_client()
    acme = make_tenant()
    response = client.post(
        "/v1/moderations", json={"text": "hi", "external_id": "r"}, headers=acme.headers
    )
    _problem(response, 503)
    assert response.headers["Retry-After"] == "5"
    # The post was committed before queueing: the sweeper will queue it; a retry finds it.
    rows = session.scalars(select(Submission)).all()
    assert [(r.external_id, r.status) for r in rows] == [("r", "pending")]


def test_it_answers_503_with_retry_after_when_the_database_is_down(runtime, make_tenant):
    down = Runtime(
        replace(runtime.settings, database_url="postgresql+psycopg://postgres@127.0.0.1:1/none")
    )
    client = create_app(runtime=down).test_client()
    response = client.post("/v1/moderations", json={"text": "hi"}, headers=make_tenant().headers)
    _problem(response, 503)
    assert response.headers["Retry-After"] == "5"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"text": "a\\ud800b"}', "text"),
        (b'{"text": "a\\u0000b"}', "text"),
        (b'{"text": "ok", "title": "\\u0000"}', "title"),
        (b'{"text": "ok", "context": {"thread": "\\udfff"}}', "context.thread"),
        (b'{"text": "ok", "author": {"id": "\\u0000"}}', "author.id"),
    ],
)
def test_it_refuses_strings_that_cannot_be_stored_with_422(
    client, make_tenant, session, raw, field
):
    headers = {**make_tenant().headers, "Content-Type": "application/json"}
    response = client.post("/v1/moderations", data=raw, headers=headers)
    _problem(response, 422, field)
    assert _no_rows(session)


@pytest.mark.parametrize("depth", [600, 950, 5000])
def test_it_refuses_absurdly_nested_json_without_a_500(client, make_tenant, session, depth):
    headers = {**make_tenant().headers, "Content-Type": "application/json"}
    raw = b'{"text": "ok", "context": ' + b'{"a": ' * depth + b"1" + b"}" * (depth + 1)
    response = client.post("/v1/moderations", data=raw, headers=headers)
    assert response.status_code in (400, 413, 422), response.get_data(as_text=True)
    assert _no_rows(session)


@pytest.mark.parametrize(
    ("weird", "field"),
    [("%00", "id"), ("x" * 5000, "id"), ("%F0%9F%98%80", "id"), ("..%2F..%2Fetc", None)],
)
def test_it_answers_404_for_any_odd_id(client, make_tenant, weird, field):
    response = client.get(f"/v1/moderations/{weird}", headers=make_tenant().headers)
    _problem(response, 404, field)

"""GET /v1/health checks Redis and the database; /v1/openapi.json describes every /v1 route."""

from __future__ import annotations

import re
from dataclasses import replace

from moderation.app import create_app
from moderation.runtime import Runtime


def test_it_reports_healthy_with_queue_depths(client, make_tenant):
    client.post(
        "/v1/moderations", json={"text": "你好，今天天气不错"}, headers=make_tenant().headers
    )
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["checks"]["database"] == "ok" and body["checks"]["redis"] == "ok"
    assert body["checks"]["queues"]["moderation-high"] == 1


def test_it_reports_redis_down_with_503(runtime):
    down = Runtime(replace(runtime.settings, redis_url="redis://127.0.0.1:1/0"))
    down.__dict__.update(db_engine=runtime.db_engine, sessions=runtime.sessions)
    response = create_app(runtime=down).test_client().get("/v1/health")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["checks"]["database"] == "ok" and body["checks"]["redis"].startswith("down")
    assert "redis" in body["detail"]


def test_it_reports_the_database_down_with_503(runtime):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/none"
    down = Runtime(replace(runtime.settings, database_url=url))
    response = create_app(runtime=down).test_client().get("/v1/health")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("down")


def test_it_documents_every_v1_route_in_openapi_3_1(app, client):
    doc = client.get("/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {
        (re.sub(r"{\w+}", "{}", path), method)
        for path, ops in doc["paths"].items()
        for method in ops
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1"):
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", "{}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is not documented"


def test_it_resolves_every_schema_reference(client):
    doc = client.get("/v1/openapi.json").get_json()
    text = client.get("/v1/openapi.json").get_data(as_text=True)
    refs = set(re.findall(r'"#/components/schemas/(\w+)"', text))
    assert refs and refs <= set(doc["components"]["schemas"])


def test_it_merges_paths_registered_by_other_modules(client):
    from moderation.api import openapi

    openapi.register({"/v1/example": {"get": {"responses": {"200": {"description": "ok"}}}}})
    try:
        assert "/v1/example" in client.get("/v1/openapi.json").get_json()["paths"]
    finally:
        openapi._extra_paths.pop("/v1/example")

"""Bearer-key authentication for the API: every /v1 call except health and OpenAPI."""

from __future__ import annotations

from flask import g, request

from moderation.api.problems import Problem
from moderation.app import db_session
from moderation.models.tenant import ApiKey, Tenant
from moderation.tenancy import authenticate


def _unauthorized(detail: str) -> Problem:
    return Problem(
        401,
        "Unauthorized",
        detail,
        field="Authorization",
        headers={"WWW-Authenticate": 'Bearer realm="moderation"'},
    )


def require_key(*roles: str) -> ApiKey:
    """The request's active API key (401 otherwise); `roles` limits which roles may call."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise _unauthorized("send Authorization: Bearer <api key>")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("the Authorization header must be 'Bearer <api key>'")
    key = authenticate(db_session(), token.strip())
    if key is None:
        raise _unauthorized("the API key is unknown or revoked")
    if roles and key.role not in roles:
        raise Problem(403, "Forbidden", f"this endpoint needs a key with role {' or '.join(roles)}")
    g.api_key = key
    return key


def current_tenant() -> Tenant:
    """The tenant of the authenticated key (call after `require_key`)."""
    key: ApiKey = g.api_key
    return key.tenant

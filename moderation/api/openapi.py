"""The hand-written OpenAPI 3.1 document served at GET /v1/openapi.json.

Other parts of the API add their paths and schemas with `register(paths, schemas)` at import
time of their blueprint module, e.g.::

    from moderation.api import openapi
    openapi.register({"/v1/complaints": {"post": {...}}}, {"Complaint": {...}})

Every /v1 route must appear here; tests/service checks that against the app's URL map.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Response, jsonify

bp = Blueprint("openapi", __name__, url_prefix="/v1")

_extra_paths: dict[str, dict[str, Any]] = {}
_extra_schemas: dict[str, dict[str, Any]] = {}


def register(paths: dict[str, dict[str, Any]], schemas: dict[str, Any] | None = None) -> None:
    """Add paths (merged per method) and component schemas to the document."""
    for path, operations in paths.items():
        _extra_paths.setdefault(path, {}).update(operations)
    _extra_schemas.update(schemas or {})


def ref(name: str) -> dict[str, str]:
    """A JSON reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def problem(description: str) -> dict[str, Any]:
    """A response described as RFC 9457 problem details."""
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": ref("Problem")}},
    }


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    """`content` for an application/json body with this schema."""
    return {"application/json": {"schema": schema}}


STR = {"type": "string"}
NULLABLE_STR = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; `field` names the offending input.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": STR,
            "title": STR,
            "status": {"type": "integer"},
            "detail": STR,
            "field": STR,
        },
    },
    "Author": {
        "type": "object",
        "additionalProperties": False,
        "description": "Personal data, encrypted at rest.",
        "properties": {
            "id": STR,
            "ip": STR,
            "device_id": STR,
            "verified": {"type": "boolean", "description": "real-name verified"},
        },
    },
    "Post": {
        "type": "object",
        "required": ["text"],
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": 20000},
            "title": STR,
            "external_id": {
                "type": "string",
                "maxLength": 200,
                "description": "Idempotency key per tenant: a retry returns the same moderation.",
            },
            "author": ref("Author"),
            "context": {"type": "object", "description": "e.g. channel, thread"},
            "callback_url": {
                "type": "string",
                "format": "uri",
                "description": "http(s) URL the verdict is POSTed to (signed); a host on a "
                "non-public address is refused unless the operator allows private networks.",
            },
        },
    },
    "PostRequest": {
        "allOf": [
            ref("Post"),
            {
                "type": "object",
                "properties": {
                    "wait": {
                        "type": "number",
                        "minimum": 0,
                        "maximum": 10,
                        "description": "Seconds to wait for the verdict before answering 202.",
                    }
                },
            },
        ]
    },
    "BatchRequest": {
        "type": "object",
        "required": ["posts"],
        "properties": {
            "posts": {"type": "array", "minItems": 1, "maxItems": 500, "items": ref("Post")}
        },
    },
    "Hit": {
        "type": "object",
        "properties": {
            "term": STR,
            "category": STR,
            "severity": {"enum": ["block", "review"]},
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "text": STR,
        },
    },
    "Verdict": {
        "type": "object",
        "properties": {
            "action": {"enum": ["allow", "review", "block"]},
            "publish": {"type": "boolean"},
            "categories": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"code": STR, "score": {"type": "number"}, "source": STR},
                },
            },
            "hits": {"type": "array", "items": ref("Hit")},
            "findings": {"type": "array", "items": {"type": "object"}},
            "masked_text": NULLABLE_STR,
            "reasons": {"type": "array", "items": {"type": "object"}},
            "versions": {
                "type": "object",
                "properties": {"lexicon": STR, "model": NULLABLE_STR, "policy": STR},
            },
            "timings_ms": {"type": "object", "additionalProperties": {"type": "number"}},
            "decided_at": {"type": "string", "format": "date-time"},
        },
    },
    "Moderation": {
        "type": "object",
        "required": ["id", "status", "publish"],
        "properties": {
            "id": STR,
            "external_id": NULLABLE_STR,
            "status": {"enum": ["pending", "decided", "purged"]},
            "action": {
                "type": ["string", "null"],
                "enum": ["allow", "review", "block", None],
                "description": "The current action: a reviewer's decision (approve: allow, "
                "remove: block) replaces the automatic verdict's",
            },
            "publish": {
                "type": "boolean",
                "description": "false while pending (fail closed) unless the tenant fails open; "
                "afterwards true only when the current action is allow",
            },
            "received_at": {"type": "string", "format": "date-time"},
            "decided_at": {"type": ["string", "null"], "format": "date-time"},
            "verdict": {
                "oneOf": [ref("Verdict"), {"type": "null"}],
                "description": "The automatic verdict (engine and policy), kept as it was",
            },
            "statement": {
                "oneOf": [ref("StatementOfReasons"), {"type": "null"}],
                "description": "The statement of reasons of the latest review decision that "
                "still stands; null while there is none. Webhooks carry it at the top level.",
            },
            "location": STR,
        },
    },
    "StatementOfReasons": {
        "type": "object",
        "description": "What the author is told about a human (or directive) decision.",
        "properties": {
            "moderation_id": STR,
            "external_id": NULLABLE_STR,
            "decision": {"enum": ["approve", "remove"]},
            "action": {"enum": ["allow", "block"]},
            "category": NULLABLE_STR,
            "terms": {"type": "array", "items": STR},
            "reason": NULLABLE_STR,
            "decided_by": STR,
            "decided_at": {"type": "string", "format": "date-time"},
            "basis": NULLABLE_STR,
            "how_to_appeal": STR,
            "appeal_deadline": {"type": "string", "format": "date-time"},
            "appeal": {
                "type": "object",
                "properties": {"id": STR, "outcome": STR, "final": {"type": "boolean"}},
            },
        },
    },
    "BatchResponse": {
        "type": "object",
        "properties": {
            "batch_id": STR,
            "count": {"type": "integer"},
            "moderations": {"type": "array", "items": ref("Moderation")},
        },
    },
    "Health": {
        "type": "object",
        "properties": {"status": {"const": "ok"}, "checks": {"type": "object"}},
    },
    "WebhookEvent": {
        "type": "object",
        "description": "Signed with X-Moderation-Signature: "
        "t=<unix>,v1=hex(HMAC-SHA256(secret, t + '.' + body))",
        "properties": {
            "id": STR,
            "event": {"enum": ["moderation.decided", "moderation.reviewed"]},
            "created_at": STR,
            "decision": STR,
            "statement": ref("StatementOfReasons"),
            "moderation": ref("Moderation"),
        },
    },
}

AUTH_ERRORS = {"401": problem("Missing, unknown or revoked API key")}
UNAVAILABLE = {"503": problem("Redis or the database is unavailable (see Retry-After)")}
BODY_ERRORS = {
    "400": problem("The body is not valid JSON"),
    "413": problem("The body, a text or the batch is too large"),
    "415": problem("Content-Type is not application/json"),
    "422": problem("A field is missing or has the wrong type (see `field`)"),
    "409": problem("external_id was already used with a different text"),
}

PATHS: dict[str, Any] = {
    "/v1/moderations": {
        "post": {
            "summary": "Moderate one post before publishing it",
            "operationId": "createModeration",
            "requestBody": {"required": True, "content": json_content(ref("PostRequest"))},
            "responses": {
                "200": {
                    "description": "Decided (within `wait`)",
                    "content": json_content(ref("Moderation")),
                },
                "202": {
                    "description": "Accepted and pending: do not publish yet; poll Location",
                    "headers": {"Location": {"schema": STR}},
                    "content": json_content(ref("Moderation")),
                },
                **BODY_ERRORS,
                **AUTH_ERRORS,
                **UNAVAILABLE,
            },
        }
    },
    "/v1/moderations/batch": {
        "post": {
            "summary": "Moderate up to 500 posts as one batch job",
            "operationId": "createModerationBatch",
            "requestBody": {"required": True, "content": json_content(ref("BatchRequest"))},
            "responses": {
                "202": {
                    "description": "Stored and queued",
                    "content": json_content(ref("BatchResponse")),
                },
                **BODY_ERRORS,
                **AUTH_ERRORS,
                **UNAVAILABLE,
            },
        }
    },
    "/v1/moderations/{id}": {
        "get": {
            "summary": "Status and verdict of a moderation",
            "operationId": "getModeration",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": STR}],
            "responses": {
                "200": {"description": "Decided", "content": json_content(ref("Moderation"))},
                "202": {"description": "Still pending", "content": json_content(ref("Moderation"))},
                "404": problem("Unknown id, or another tenant's"),
                **AUTH_ERRORS,
                **UNAVAILABLE,
            },
        }
    },
    "/v1/health": {
        "get": {
            "summary": "Checks Redis and the database",
            "operationId": "health",
            "security": [],
            "responses": {
                "200": {"description": "Healthy", "content": json_content(ref("Health"))},
                "503": problem("Redis or the database is down"),
            },
        }
    },
    "/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "operationId": "openapi",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3.1 document"}},
        }
    },
}


def document() -> dict[str, Any]:
    """The full OpenAPI document, including paths registered by other modules."""
    paths = copy.deepcopy(PATHS)
    for path, operations in _extra_paths.items():
        paths.setdefault(path, {}).update(copy.deepcopy(operations))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Content moderation API",
            "version": "1",
            "description": "Pre-publication moderation for Chinese-language platforms. "
            "Errors are RFC 9457 problem details.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
        "webhooks": {
            "moderationEvent": {
                "post": {
                    "summary": "A verdict or reviewer decision, signed",
                    "requestBody": {"content": json_content(ref("WebhookEvent"))},
                    "responses": {"2XX": {"description": "Received; other answers are retried"}},
                }
            }
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**copy.deepcopy(SCHEMAS), **copy.deepcopy(_extra_schemas)},
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """Serve the document."""
    return jsonify(document())

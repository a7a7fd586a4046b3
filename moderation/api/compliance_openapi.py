"""OpenAPI paths and schemas of the compliance API (registered with moderation.api.openapi)."""

from __future__ import annotations

from typing import Any

from moderation.api import openapi
from moderation.api.openapi import json_content, problem, ref

STR = {"type": "string"}
OPT_STR = {"type": ["string", "null"]}
ID_PARAM = {"name": "{name}", "in": "path", "required": True, "schema": STR}

SCHEMAS: dict[str, Any] = {
    "ExportRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["reason", "requested_by"],
        "properties": {
            "date_from": {"type": "string", "format": "date", "description": "inclusive (UTC)"},
            "date_to": {"type": "string", "format": "date", "description": "inclusive (UTC)"},
            "category": STR,
            "author": {"type": "string", "description": "the platform's author id"},
            "case": {"type": "string", "description": "case reference linked to records"},
            "reason": {"type": "string", "description": "why the export is made"},
            "requested_by": {"type": "string", "description": "requesting officer/authority"},
            "legal_basis": STR,
            "request_ref": {"type": "string", "description": "the authority's request number"},
        },
    },
    "ExportJob": {
        "type": "object",
        "properties": {
            "id": STR,
            "status": {"enum": ["queued", "running", "done", "failed"]},
            "done": {"type": "integer"},
            "total": {"type": ["integer", "null"]},
            "progress": {"type": "number"},
            "filters": {"type": "object"},
            "reason": STR,
            "requested_by": STR,
            "legal_basis": OPT_STR,
            "request_ref": OPT_STR,
            "exporter": STR,
            "bundle_sha256": OPT_STR,
            "error": OPT_STR,
            "created_at": STR,
            "finished_at": OPT_STR,
            "bundle_url": OPT_STR,
        },
    },
    "EvidenceRecord": {
        "type": "object",
        "description": "Chained body fields plus content, title and personal data (audited).",
        "properties": {
            "record_id": STR,
            "seq": {"type": "integer"},
            "kind": STR,
            "categories": {"type": "array", "items": STR},
            "content": OPT_STR,
            "content_sha256": OPT_STR,
            "verdict": {"type": ["object", "null"]},
            "personal": {"type": ["object", "null"]},
            "prev_hash": STR,
            "record_hash": STR,
            "purged": {"type": "boolean"},
        },
    },
    "IncidentReport": {
        "type": "object",
        "properties": {
            "id": STR,
            "status": {"enum": ["draft", "submitted", "acknowledged"]},
            "category": STR,
            "summary": STR,
            "external_id": OPT_STR,
            "occurred_at": OPT_STR,
            "decided_at": OPT_STR,
            "actions_taken": {"type": "array", "items": STR},
            "evidence_record_ids": {"type": "array", "items": STR},
            "authority_ref": OPT_STR,
        },
    },
}


def _param(name: str) -> dict[str, Any]:
    return {**ID_PARAM, "name": name}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": json_content(schema)}


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        401: "no or bad API key",
        403: "not a compliance key",
        404: "not found",
        409: "not in a state that allows this",
        422: "invalid field (named)",
    }
    return {str(c): problem(text[c]) for c in codes}


def register_paths() -> None:
    """Add the compliance paths to the OpenAPI document."""
    tags = ["compliance"]
    purpose = {
        "name": "purpose",
        "in": "query",
        "required": True,
        "schema": STR,
        "description": "why the evidence is read (audited); or header X-Purpose",
    }
    paths: dict[str, dict[str, Any]] = {
        "/v1/exports": {
            "post": {
                "tags": tags,
                "summary": "Queue a signed evidence export",
                "requestBody": {"required": True, "content": json_content(ref("ExportRequest"))},
                "responses": {"202": _ok("queued", ref("ExportJob")), **_errors(401, 403, 422)},
            }
        },
        "/v1/exports/{export_id}": {
            "get": {
                "tags": tags,
                "summary": "Export status and progress",
                "parameters": [_param("export_id")],
                "responses": {"200": _ok("the job", ref("ExportJob")), **_errors(401, 403, 404)},
            }
        },
        "/v1/exports/{export_id}/bundle": {
            "get": {
                "tags": tags,
                "summary": "Download the bundle (zip; audited)",
                "parameters": [_param("export_id")],
                "responses": {
                    "200": {
                        "description": "the bundle",
                        "content": {
                            "application/zip": {"schema": {"type": "string", "format": "binary"}}
                        },
                    },
                    **_errors(401, 403, 404, 409),
                },
            }
        },
        "/v1/evidence/{record_id}": {
            "get": {
                "tags": tags,
                "summary": "Read one evidence record (audited)",
                "parameters": [_param("record_id"), purpose],
                "responses": {
                    "200": _ok("the record", ref("EvidenceRecord")),
                    **_errors(401, 403, 404, 422),
                },
            }
        },
        "/v1/incidents": {
            "get": {
                "tags": tags,
                "summary": "List incident reports",
                "parameters": [{"name": "status", "in": "query", "required": False, "schema": STR}],
                "responses": {
                    "200": _ok(
                        "reports",
                        {
                            "type": "object",
                            "properties": {
                                "items": {"type": "array", "items": ref("IncidentReport")}
                            },
                        },
                    ),
                    **_errors(401, 403, 422),
                },
            }
        },
        "/v1/incidents/{report_id}": {
            "get": {
                "tags": tags,
                "summary": "The full incident report (audited)",
                "parameters": [_param("report_id")],
                "responses": {
                    "200": _ok("the report", ref("IncidentReport")),
                    **_errors(401, 403, 404),
                },
            }
        },
        "/v1/incidents/{report_id}/submit": {
            "post": {
                "tags": tags,
                "summary": "Queue delivery to the authority",
                "parameters": [_param("report_id")],
                "responses": {
                    "202": _ok("queued", ref("IncidentReport")),
                    **_errors(401, 403, 404, 409),
                },
            }
        },
        "/v1/incidents/{report_id}/acknowledge": {
            "post": {
                "tags": tags,
                "summary": "Record the authority's acknowledgement",
                "parameters": [_param("report_id")],
                "requestBody": {
                    "required": False,
                    "content": json_content(
                        {"type": "object", "properties": {"authority_ref": STR}}
                    ),
                },
                "responses": {
                    "200": _ok("the report", ref("IncidentReport")),
                    **_errors(401, 403, 404, 409, 422),
                },
            }
        },
    }
    openapi.register(paths, SCHEMAS)

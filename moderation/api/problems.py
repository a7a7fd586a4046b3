"""RFC 9457 problem details: every API error is `application/problem+json` naming the field."""

from __future__ import annotations

from typing import Any

from flask import Response, json

PROBLEM_TYPE_BASE = "https://moderation.invalid/problems/"


class Problem(Exception):
    """An HTTP error to return as problem details; raise it from any view or service."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        field: str | None = None,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.kind = kind or title.lower().replace(" ", "-")
        self.headers = headers or {}
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.kind,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return body


def problem_response(problem: Problem) -> Response:
    """The Flask response for a Problem."""
    response = Response(
        json.dumps(problem.to_dict(), ensure_ascii=False),
        status=problem.status,
        mimetype="application/problem+json",
    )
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response

"""GET /v1/health: is the service able to accept and decide posts (Redis and database)?"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from moderation.api.problems import Problem
from moderation.app import get_runtime
from moderation.queue.enqueue import ALL_QUEUES, queue

bp = Blueprint("health", __name__, url_prefix="/v1")


def _check_database() -> str:
    try:
        with get_runtime().db_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:
        return f"down: {type(exc).__name__}"


def _check_redis(checks: dict[str, Any]) -> str:
    try:
        redis = get_runtime().redis
        redis.ping()
        checks["queues"] = {name: queue(redis, name).count for name in ALL_QUEUES}
        return "ok"
    except Exception as exc:
        return f"down: {type(exc).__name__}"


@bp.get("/health")
def health() -> Response:
    """200 when Redis and the database answer; 503 problem details naming what is down."""
    checks: dict[str, Any] = {}
    checks["database"] = _check_database()
    checks["redis"] = _check_redis(checks)
    down = [name for name in ("database", "redis") if checks[name] != "ok"]
    if down:
        raise Problem(
            503,
            "Service Unavailable",
            f"{' and '.join(down)} unavailable",
            kind="unavailable",
            headers={"Retry-After": "5"},
            checks=checks,
        )
    return jsonify({"status": "ok", "checks": checks})

"""The Flask application factory."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, request
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from moderation.api.problems import Problem, problem_response
from moderation.config import Settings
from moderation.runtime import Runtime

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    """Build the app: API under /v1, reviewer workspace under /review."""
    runtime = runtime or Runtime(settings or Settings.from_env())
    settings = runtime.settings
    app = Flask(__name__, instance_path=str(settings.instance_dir.resolve()))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese stays readable
    app.extensions["moderation"] = runtime
    app.teardown_appcontext(_close_session)
    _register_error_handlers(app)
    _register_blueprints(app)
    return app


def get_runtime() -> Runtime:
    """The current app's Runtime (settings, database, Redis)."""
    from flask import current_app

    runtime: Runtime = current_app.extensions["moderation"]
    return runtime


def db_session() -> Session:
    """The request's database session (closed at the end of the request)."""
    if "db_session" not in g:
        g.db_session = get_runtime().sessions()
    session: Session = g.db_session
    return session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def _register_blueprints(app: Flask) -> None:
    from moderation.api import blueprints as api_blueprints
    from moderation.review import blueprints as review_blueprints

    for bp in (*api_blueprints(), *review_blueprints()):
        app.register_blueprint(bp)


def _wants_problem() -> bool:
    return request.path.startswith("/v1")


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(problem: Problem) -> Response:
        return problem_response(problem)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response | HTTPException:
        if not _wants_problem():
            return exc
        status = exc.code or 500
        # Werkzeug raises 413 itself when the body exceeds MAX_CONTENT_LENGTH.
        name = "body" if status == 413 else None
        return problem_response(Problem(status, exc.name, exc.description or "", field=name))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if not _wants_problem():
            raise exc
        log.exception("unexpected error on %s %s", request.method, request.path)
        return problem_response(
            Problem(500, "Internal Server Error", "unexpected error; it has been logged")
        )

    @app.errorhandler(RedisError)
    def _redis_down(exc: RedisError) -> Response:
        log.warning("redis unavailable: %s", exc)
        return problem_response(_unavailable("the queue (Redis) is unavailable"))

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    def _db_down(exc: Exception) -> Response:
        log.warning("database unavailable: %s", exc)
        return problem_response(_unavailable("the database is unavailable"))


def _unavailable(detail: str) -> Problem:
    return Problem(
        503, "Service Unavailable", detail, kind="unavailable", headers={"Retry-After": "5"}
    )

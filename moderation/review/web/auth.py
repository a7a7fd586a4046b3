"""Workspace sessions: login state, roles per route, CSRF tokens, security headers."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from moderation.app import db_session
from moderation.models.base import utcnow
from moderation.models.review import ReviewerAccount

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
#: A login lasts a working day at most.
SESSION_MAX_AGE = timedelta(hours=12)
WORK = ("reviewer", "senior")
OVERSIGHT = ("senior", "compliance", "admin")
ADMIN = ("admin",)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


def current_account() -> ReviewerAccount | None:
    """The logged-in, active account of this request (None when logged out or expired)."""
    if "account" in g:
        return cast(ReviewerAccount | None, g.account)
    account = None
    account_id, login_at = session.get("account_id"), session.get("login_at")
    if account_id and login_at:
        fresh = utcnow() - datetime.fromisoformat(login_at) < SESSION_MAX_AGE
        found = db_session().get(ReviewerAccount, account_id)
        if fresh and found is not None and found.active and _same_password(found):
            account = found
    g.account = account
    return account


def password_mark(account: ReviewerAccount) -> str:
    """A value that changes whenever the account's password does; the session keeps it, so a
    password change or reset ends every other session of the account. An HMAC under the app's
    secret key: the (readable) session cookie reveals nothing of the hash."""
    key = str(current_app.secret_key).encode()
    return hmac.new(key, account.password_hash.encode(), "sha256").hexdigest()[:32]


def _same_password(account: ReviewerAccount) -> bool:
    return hmac.compare_digest(str(session.get("password_mark", "")), password_mark(account))


def start_session(account: ReviewerAccount) -> None:
    """Log in: a fresh session (no fixation) with a new CSRF token."""
    session.clear()
    session["account_id"] = account.id
    session["password_mark"] = password_mark(account)
    session["login_at"] = utcnow().isoformat()
    session["csrf"] = secrets.token_urlsafe(32)


def requires(*roles: str) -> Callable[[F], F]:
    """Decorator: the view needs a logged-in account with one of `roles`."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            account = current_account()
            if account is None:
                if request.method == "GET" and not _wants_json():
                    return redirect(url_for("review.login", next=request.full_path))
                abort(401)
            if account.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorate


def account() -> ReviewerAccount:
    """The logged-in account (only inside views protected by `requires`)."""
    found = current_account()
    assert found is not None
    return found


def csrf_token() -> str:
    """This session's CSRF token (created on first use)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    """Refuse any state-changing request whose token does not match the session's."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(
            400, description="The form's security token is missing or out of date; reload the page."
        )


def security_headers(response: Response) -> Response:
    """Strict headers for every workspace page."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if not request.path.startswith("/review/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str | None) -> str:
    """A post-login redirect target inside the workspace only (no open redirects)."""
    if target and target.startswith("/review/") and not target.startswith("//"):
        return target
    return url_for("review.home")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json

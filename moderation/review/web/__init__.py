"""The reviewer workspace web UI under /review (Jinja templates, small vanilla JS and CSS)."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from moderation.review.web import auth


def make_blueprint() -> Blueprint:
    """Build the workspace blueprint with all its routes."""
    from moderation.review.web import account_pages, manage, work

    bp = Blueprint(
        "review",
        __name__,
        url_prefix="/review",
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    bp.before_request(auth.check_csrf)
    bp.after_request(auth.security_headers)
    bp.app_context_processor(lambda: {"csrf_token": auth.csrf_token, "me": auth.current_account()})
    work.register(bp)
    manage.register(bp)
    account_pages.register(bp)

    @bp.errorhandler(HTTPException)
    def _error(exc: HTTPException) -> tuple[str, int]:
        return render_template("review/error.html", error=exc), exc.code or 500

    return bp

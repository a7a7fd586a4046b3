"""Account pages: everyone changes their own password; admins disable and re-enable accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from moderation.app import db_session
from moderation.models.review import ReviewerAccount
from moderation.review import accounts
from moderation.review.errors import ReviewError
from moderation.review.web import auth
from moderation.review.web.auth import ADMIN, account, requires


def register(bp: Blueprint) -> None:
    """Attach the password and account-state routes."""
    bp.add_url_rule("/account/password", view_func=password_page, methods=["GET", "POST"])
    bp.add_url_rule("/users/<account_id>/active", view_func=user_active, methods=["POST"])


@requires(*accounts.ROLES)
def password_page() -> ResponseReturnValue:
    """Change one's own password (current password, new one twice)."""
    if request.method == "GET":
        return render_template("review/password.html")
    session, me = db_session(), account()
    try:
        accounts.change_password(
            me,
            request.form.get("current_password", ""),
            request.form.get("new_password", ""),
            request.form.get("confirm_password", ""),
        )
    except ReviewError as exc:
        session.rollback()
        flash(f"{exc.field or 'input'}: {exc}", "error")
        return render_template("review/password.html"), 400
    session.commit()
    auth.start_session(me)  # a fresh session and CSRF token after a credential change
    flash("Your password was changed.", "ok")
    return redirect(url_for("review.home"))


@requires(*ADMIN)
def user_active(account_id: str) -> ResponseReturnValue:
    """Disable or re-enable an account of the admin's own tenant."""
    session, me = db_session(), account()
    target = session.get(ReviewerAccount, account_id)
    if target is None or target.tenant_id != me.tenant_id:
        abort(404)
    active = request.form.get("active") == "1"
    try:
        accounts.set_active(target, active, by=me)
    except ReviewError as exc:
        flash(str(exc), "error")
        return redirect(url_for("review.users_page"))
    session.commit()
    flash(f"Account {target.username} {'enabled' if active else 'disabled'}.", "ok")
    return redirect(url_for("review.users_page"))

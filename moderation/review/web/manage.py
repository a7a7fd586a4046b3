"""Login, the dashboard, directives and user management."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from moderation.app import db_session, get_runtime
from moderation.engine.types import CATEGORY_CODES
from moderation.models.review import Directive, ReviewerAccount
from moderation.models.tenant import Tenant
from moderation.review import accounts, charts, dashboard, directives, jobs
from moderation.review.errors import ReviewError
from moderation.review.web import auth
from moderation.review.web.auth import ADMIN, OVERSIGHT, WORK, account, requires

BAND_COLOURS = {"high": "#c92a2a", "medium": "#e8590c", "low": "#2f6fdf"}


def register(bp: Blueprint) -> None:
    """Attach login, dashboard, directive and user routes."""
    bp.add_url_rule("/", view_func=home)
    bp.add_url_rule("/login", view_func=login, methods=["GET", "POST"])
    bp.add_url_rule("/logout", view_func=logout, methods=["POST"])
    bp.add_url_rule("/dashboard", view_func=dashboard_page)
    bp.add_url_rule("/directives", view_func=directives_page, methods=["GET", "POST"])
    bp.add_url_rule("/directives/<directive_id>", view_func=directive_page)
    bp.add_url_rule("/directives/<directive_id>.json", view_func=directive_progress)
    bp.add_url_rule(
        "/directives/<directive_id>/deactivate", view_func=directive_deactivate, methods=["POST"]
    )
    bp.add_url_rule("/users", view_func=users_page, methods=["GET", "POST"])


def home() -> ResponseReturnValue:
    """Send each role to where its work is."""
    me = auth.current_account()
    if me is None:
        return redirect(url_for("review.login"))
    if me.role in WORK:
        return redirect(url_for("review.queue_page"))
    return redirect(url_for("review.dashboard_page"))


def login() -> ResponseReturnValue:
    """Username and password; failures are counted and lock the account after five."""
    if request.method == "GET":
        return render_template("review/login.html", next=request.args.get("next", ""))
    session = db_session()
    try:
        me = accounts.login(
            session, request.form.get("username", "").strip(), request.form.get("password", "")
        )
    except accounts.LoginFailed as exc:
        session.commit()  # remember the failure (lockout counter)
        flash(str(exc), "error")
        return render_template("review/login.html", next=request.form.get("next", "")), 401
    session.commit()
    auth.start_session(me)
    return redirect(auth.safe_next(request.form.get("next")))


def logout() -> ResponseReturnValue:
    """End the session (releasing nothing: leases simply expire or were released)."""
    from flask import session as cookie

    cookie.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("review.login"))


@requires(*OVERSIGHT)
def dashboard_page() -> ResponseReturnValue:
    """Queue depth and age by priority, throughput, categories over time, SLA, complaints."""
    me = account()
    data = dashboard.build(db_session(), me.tenant_id, get_runtime().settings.review_sla_minutes)
    depth = charts.hbars(
        [(b.name, b.depth, BAND_COLOURS[b.name]) for b in data.bands], "Open items by priority"
    )
    age = charts.hbars(
        [(b.name, round(b.oldest_minutes), BAND_COLOURS[b.name]) for b in data.bands],
        "Oldest waiting item by priority (minutes)",
        " min",
    )
    return render_template(
        "review/dashboard.html",
        d=data,
        depth_chart=depth,
        age_chart=age,
        reviewer_chart=charts.heatmap(data.per_reviewer_hour, data.hours, "Decisions per hour"),
        category_chart=charts.stacked_bars(
            data.days, data.by_category_day, "Decisions by category per day"
        ),
    )


@requires("admin", "compliance")
def directives_page() -> ResponseReturnValue:
    """List directives; admins enter new ones, which start a sweep in the background."""
    session, me = db_session(), account()
    if request.method == "POST":
        if me.role != "admin":
            abort(403)
        form = request.form
        try:
            days = int(form.get("days", "") or 0)
        except ValueError:
            days = 0
        try:
            directive = directives.create_directive(
                session,
                me.tenant_id,
                created_by=me.id,
                reference=form.get("reference", ""),
                terms=form.get("terms", "").splitlines(),
                category=form.get("category", ""),
                days=days,
                mode=form.get("mode", ""),
            )
        except ReviewError as exc:
            session.rollback()
            flash(f"{exc.field or 'input'}: {exc}", "error")
            return _directives_list(me.tenant_id, form), 400
        session.commit()
        directive.sweep_job_id = jobs.enqueue_sweep(get_runtime().redis, directive.id)
        session.commit()
        flash(f"Directive {directive.reference} recorded; the sweep has started.", "ok")
        return redirect(url_for("review.directive_page", directive_id=directive.id))
    return _directives_list(me.tenant_id, {})


def _directives_list(tenant_id: str, form: object) -> str:
    rows = db_session().scalars(
        select(Directive)
        .where(Directive.tenant_id == tenant_id)
        .order_by(Directive.created_at.desc())
    )
    return render_template(
        "review/directives.html", directives=list(rows), categories=CATEGORY_CODES, form=form
    )


def _directive_or_404(directive_id: str) -> Directive:
    directive = db_session().scalar(
        select(Directive).where(
            Directive.id == directive_id, Directive.tenant_id == account().tenant_id
        )
    )
    if directive is None:
        abort(404)
    return directive


@requires("admin", "compliance")
def directive_page(directive_id: str) -> ResponseReturnValue:
    """One directive: terms, sweep progress (live) and summary."""
    return render_template("review/directive.html", d=_directive_or_404(directive_id))


@requires("admin", "compliance")
def directive_progress(directive_id: str) -> ResponseReturnValue:
    """Sweep progress as JSON (polled by the directive page)."""
    d = _directive_or_404(directive_id)
    return jsonify(status=d.sweep_status, done=d.sweep_done, total=d.sweep_total, summary=d.summary)


@requires(*ADMIN)
def directive_deactivate(directive_id: str) -> ResponseReturnValue:
    """End a directive: its terms no longer apply to new posts."""
    session, me = db_session(), account()
    try:
        directive = directives.deactivate(session, me.tenant_id, directive_id, me.id)
    except ReviewError:
        abort(404)
    session.commit()
    flash(f"Directive {directive.reference} ended: its terms no longer apply to new posts.", "ok")
    return redirect(url_for("review.directive_page", directive_id=directive_id))


@requires(*ADMIN)
def users_page() -> ResponseReturnValue:
    """The tenant's accounts; admins create new ones."""
    session, me = db_session(), account()
    status = 200
    if request.method == "POST":
        tenant = session.get(Tenant, me.tenant_id)
        assert tenant is not None
        try:
            created = accounts.create_account(
                session,
                tenant,
                request.form.get("username", "").strip(),
                request.form.get("role", ""),
                request.form.get("password", ""),
            )
            session.commit()
            flash(f"Account {created.username} ({created.role}) created.", "ok")
            return redirect(url_for("review.users_page"))
        except ReviewError as exc:
            session.rollback()
            flash(f"{exc.field or 'input'}: {exc}", "error")
            status = 400
    rows = session.scalars(
        select(ReviewerAccount)
        .where(ReviewerAccount.tenant_id == me.tenant_id)
        .order_by(ReviewerAccount.username)
    )
    return render_template("review/users.html", users=list(rows), roles=accounts.ROLES), status

"""Working the queue: list, claim, item view, lease renewal, decisions, audited reveal."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from moderation.app import db_session, get_runtime
from moderation.engine.types import CATEGORY_CODES
from moderation.models.base import utcnow
from moderation.models.review import ReviewItem
from moderation.review import decisions, events, itemview, leases, queue
from moderation.review.errors import ReviewError
from moderation.review.web.auth import WORK, account, requires

REMOVAL_REASONS = (
    "Prohibited content in this category",
    "Contact details for traffic diversion",
    "Fraud or scam",
    "Repeated violation by the same author",
    "Directive from an authority",
)


def register(bp: Blueprint) -> None:
    """Attach the queue routes."""
    bp.add_url_rule("/queue", view_func=queue_page)
    bp.add_url_rule("/next", view_func=next_item, methods=["POST"])
    bp.add_url_rule("/items/<item_id>", view_func=item_page)
    bp.add_url_rule("/items/<item_id>/claim", view_func=claim_item, methods=["POST"])
    bp.add_url_rule("/items/<item_id>/renew", view_func=renew_lease, methods=["POST"])
    bp.add_url_rule("/items/<item_id>/release", view_func=release_item, methods=["POST"])
    bp.add_url_rule("/items/<item_id>/skip", view_func=skip_item, methods=["POST"])
    bp.add_url_rule("/items/<item_id>/decide", view_func=decide_item, methods=["POST"])
    bp.add_url_rule("/items/<item_id>/reveal", view_func=reveal, methods=["POST"])
    bp.add_url_rule("/bulk", view_func=bulk_decide, methods=["POST"])


def _lease_seconds() -> int:
    return get_runtime().settings.review_lease_seconds


@requires(*WORK)
def queue_page() -> ResponseReturnValue:
    """The open items this reviewer may take, by priority then age, with SLA."""
    session, me, now = db_session(), account(), utcnow()
    leases.expire_leases(session, me.tenant_id, now)
    session.commit()
    sla = get_runtime().settings.review_sla_minutes
    entries = queue.open_items(session, me, sla, now)
    return render_template(
        "review/queue.html",
        reasons=REMOVAL_REASONS,
        categories=CATEGORY_CODES,
        entries=entries,
        held_by_others=queue.claimed_by_others(session, me, now),
        sla_minutes=sla,
        mine=leases.current_claim(session, me, now),
    )


def _go_next(skip: str | None = None) -> ResponseReturnValue:
    session, me = db_session(), account()
    item = leases.claim_next(session, me, _lease_seconds(), skip=skip)
    session.commit()
    if item is None:
        flash("The queue is empty: nothing left for you to review.", "info")
        return redirect(url_for("review.queue_page"))
    return redirect(url_for("review.item_page", item_id=item.id))


@requires(*WORK)
def next_item() -> ResponseReturnValue:
    """Claim the next item (the one already held, else the most urgent) and open it."""
    return _go_next()


@requires(*WORK)
def skip_item(item_id: str) -> ResponseReturnValue:
    """Give this item back and take the next one."""
    session = db_session()
    leases.release(session, account(), item_id)
    session.commit()
    return _go_next(skip=item_id)


def _item_or_404(item_id: str) -> ReviewItem:
    item = queue.get_item(db_session(), account(), item_id)
    if item is None:
        abort(404)
    return item


@requires(*WORK)
def item_page(item_id: str) -> ResponseReturnValue:
    """The item view; an open item is claimed on opening unless someone else holds it."""
    session, me, now = db_session(), account(), utcnow()
    item = _item_or_404(item_id)
    if item.status == "open":
        held = item.claimed_by == me.id and item.lease_expires_at and item.lease_expires_at >= now
        if not held and not leases.try_claim(session, me, item.id, _lease_seconds(), now):
            session.rollback()
            abort(
                409,
                description="Another reviewer is working on this item, or it is not for your role.",
            )
        session.commit()
        session.refresh(item)
    view = itemview.build(session, item, list(CATEGORY_CODES))
    return render_template(
        "review/item.html",
        v=view,
        reasons=REMOVAL_REASONS,
        lease_seconds=_lease_seconds(),
        sla_minutes=get_runtime().settings.review_sla_minutes,
        now=now,
        band=queue.band_of(item.priority),
    )


@requires(*WORK)
def claim_item(item_id: str) -> ResponseReturnValue:
    """Claim a specific item from the queue list."""
    session = db_session()
    try:
        leases.claim(session, account(), item_id, _lease_seconds())
    except ReviewError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("review.queue_page"))
    session.commit()
    return redirect(url_for("review.item_page", item_id=item_id))


@requires(*WORK)
def renew_lease(item_id: str) -> ResponseReturnValue:
    """Extend the lease while the reviewer is active (called by the page's script)."""
    session = db_session()
    try:
        expires = leases.renew(session, account(), item_id, _lease_seconds())
    except ReviewError as exc:
        session.rollback()
        return jsonify(error=str(exc)), exc.status
    session.commit()
    return jsonify(lease_expires_at=expires.isoformat(timespec="seconds"))


@requires(*WORK)
def release_item(item_id: str) -> ResponseReturnValue:
    """Give the item back to the queue (on leaving the page, or the Release button)."""
    session = db_session()
    released = leases.release(session, account(), item_id)
    session.commit()
    if request.form.get("beacon"):
        return "", 204
    if released:
        flash("Item returned to the queue.", "info")
    return redirect(url_for("review.queue_page"))


@requires(*WORK)
def decide_item(item_id: str) -> ResponseReturnValue:
    """Approve, remove or escalate, then open the next item straight away."""
    session, me = db_session(), account()
    form = request.form
    removing = form.get("decision") == "remove"
    try:
        decisions.decide(
            session,
            me,
            item_id,
            form.get("decision", ""),
            # The removal fields are always in the form; they only count for a removal.
            category=form.get("category") if removing else None,
            reason=form.get("reason") if removing else None,
            note=form.get("note"),
        )
    except ReviewError as exc:
        session.rollback()
        flash(f"Not recorded: {exc}", "error")
        if exc.status == 400:
            return redirect(url_for("review.item_page", item_id=item_id))
        return redirect(url_for("review.queue_page"))
    session.commit()
    verb = {"approve": "Approved", "remove": "Removed", "escalate": "Escalated"}
    flash(f"{verb.get(form.get('decision', ''), 'Done')}. Next item:", "ok")
    return _go_next(skip=item_id)


@requires("senior")
def bulk_decide() -> ResponseReturnValue:
    """A senior approves or removes several selected items at once."""
    session, form = db_session(), request.form
    removing = form.get("decision") == "remove"
    try:
        done, skipped = decisions.decide_many(
            session,
            account(),
            form.getlist("item"),
            form.get("decision", ""),
            category=form.get("category") if removing else None,
            reason=form.get("reason") if removing else None,
            note=form.get("note"),
        )
    except ReviewError as exc:
        session.rollback()
        flash(f"Not recorded: {exc}", "error")
        return redirect(url_for("review.queue_page"))
    session.commit()
    flash(f"{len(done)} item(s) decided; {len(skipped)} skipped (held or decided by others).", "ok")
    return redirect(url_for("review.queue_page"))


@requires(*WORK)
def reveal(item_id: str) -> ResponseReturnValue:
    """Unmask the post's personal data for this reviewer; every reveal is audited."""
    session, me = db_session(), account()
    item = _item_or_404(item_id)
    purpose = (request.form.get("purpose") or "review decision").strip()[:200]
    data = itemview.revealed(session, item)
    events.record(
        session,
        "revealed",
        tenant_id=me.tenant_id,
        actor=me.id,
        actor_name=me.username,
        item=item,
        reason=purpose,
        data={"kinds": data["kinds"], "author": data["author"] is not None},
    )
    _audit_access(me.username, me.tenant_id, item, purpose, data["kinds"])
    session.commit()
    return jsonify(findings=data["findings"], author=data["author"])


def _audit_access(
    actor: str, tenant_id: str, item: ReviewItem, purpose: str, kinds: list[str]
) -> None:
    """Also write the records domain's access audit entry (who, when, what, why)."""
    try:
        from moderation.records.audit import record_access
    except ImportError:  # records domain absent: the review event above is the audit
        return

    record_access(
        db_session(),
        actor=actor,
        channel="ui",
        action="reveal_personal_data",
        purpose=purpose,
        tenant_id=tenant_id,
        detail={"submission_id": item.submission_id, "item_id": item.id, "kinds": kinds},
    )

"""`moderation user create|list|unlock|password|disable|enable` and `moderation directive
add|list` (reviewer workspace)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy.orm import Session

from moderation.config import ConfigError, Settings

ROLES = ("reviewer", "senior", "compliance", "admin")


@contextmanager
def _session() -> Iterator[Session]:
    """A committed-on-success session on the configured database."""
    from moderation.runtime import Runtime

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from None
    runtime = Runtime(settings)
    with runtime.sessions() as session:
        yield session
        session.commit()


def _tenant(session: Session, name: str):  # type: ignore[no-untyped-def]
    from moderation.tenancy import TenancyError, find_tenant

    try:
        return find_tenant(session, name)
    except TenancyError as exc:
        raise click.ClickException(str(exc)) from None


def _read_password(from_stdin: bool, prompt: str) -> str:
    """One line of stdin, or a hidden prompt asked twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))


@click.group("user")
def user_group() -> None:
    """Reviewer workspace accounts."""


@user_group.command("create")
@click.option("--tenant", required=True, help="Tenant name or id the account belongs to.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.argument("username")
def user_create(tenant: str, role: str, password_stdin: bool, username: str) -> None:
    """Create an account (the password is prompted for, or read with --password-stdin)."""
    from moderation.review.accounts import create_account
    from moderation.review.errors import ReviewError

    password = _read_password(password_stdin, "Password")
    with _session() as session:
        try:
            account = create_account(session, _tenant(session, tenant), username, role, password)
        except ReviewError as exc:
            raise click.ClickException(f"{exc.field}: {exc}") from None
        click.echo(f"created {account.role} {account.username} ({account.id})")


@user_group.command("list")
@click.option("--tenant", help="Only this tenant's accounts.")
def user_list(tenant: str | None) -> None:
    """List accounts: username, role, tenant, state."""
    from moderation.review.accounts import list_accounts

    with _session() as session:
        tenant_id = _tenant(session, tenant).id if tenant else None
        for a in list_accounts(session, tenant_id):
            state = "active" if a.active else "disabled"
            if a.locked_until is not None:
                state = f"locked until {a.locked_until:%Y-%m-%d %H:%M}"
            click.echo(f"{a.username}\t{a.role}\t{a.tenant_id}\t{state}")


def _account(session: Session, username: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from moderation.models.review import ReviewerAccount

    account = session.scalar(select(ReviewerAccount).where(ReviewerAccount.username == username))
    if account is None:
        raise click.ClickException(f"no account named {username!r}")
    return account


@user_group.command("unlock")
@click.argument("username")
def user_unlock(username: str) -> None:
    """Clear a lockout after failed logins."""
    with _session() as session:
        account = _account(session, username)
        account.failed_logins, account.locked_until = 0, None
        click.echo(f"unlocked {username}")


@user_group.command("password")
@click.option("--password-stdin", is_flag=True, help="Read the new password from stdin.")
@click.argument("username")
def user_password(password_stdin: bool, username: str) -> None:
    """Set a new password (an admin reset; it also clears a lockout)."""
    from moderation.review.accounts import set_password
    from moderation.review.errors import ReviewError

    password = _read_password(password_stdin, "New password")
    with _session() as session:
        try:
            set_password(_account(session, username), password)
        except ReviewError as exc:
            raise click.ClickException(f"{exc.field}: {exc}") from None
        click.echo(f"password of {username} changed")


def _set_active(username: str, active: bool) -> None:
    from moderation.review.accounts import set_active

    with _session() as session:
        set_active(_account(session, username), active)
        click.echo(f"{'enabled' if active else 'disabled'} {username}")


@user_group.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    """Disable an account: it can no longer log in and its open sessions end."""
    _set_active(username, False)


@user_group.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    """Re-enable a disabled account."""
    _set_active(username, True)


@click.group("directive")
def directive_group() -> None:
    """Directives from authorities (Art. 50)."""


@directive_group.command("list")
@click.option("--tenant", required=True, help="Tenant name or id.")
def directive_list(tenant: str) -> None:
    """List a tenant's directives with their sweep state."""
    from sqlalchemy import select

    from moderation.models.review import Directive

    with _session() as session:
        t = _tenant(session, tenant)
        for d in session.scalars(
            select(Directive).where(Directive.tenant_id == t.id).order_by(Directive.created_at)
        ):
            click.echo(
                f"{d.id}\t{d.reference}\t{d.category}\t{d.mode}\t{len(d.terms)} terms\t"
                f"{d.sweep_status} {d.sweep_done}/{d.sweep_total}\t{d.summary}"
            )


@directive_group.command("add")
@click.option("--tenant", required=True, help="Tenant name or id.")
@click.option("--reference", required=True, help="The authority's reference for the directive.")
@click.option("--term", "terms", multiple=True, help="A term or phrase (repeatable).")
@click.option("--terms-file", type=click.File(encoding="utf-8"), help="Terms, one per line.")
@click.option("--category", required=True, help="Category code of the terms.")
@click.option("--days", type=int, default=30, show_default=True, help="Sweep posts this recent.")
@click.option("--mode", type=click.Choice(["queue", "remove"]), default="queue", show_default=True)
def directive_add(
    tenant: str,
    reference: str,
    terms: tuple[str, ...],
    terms_file: Any,
    category: str,
    days: int,
    mode: str,
) -> None:
    """Record a directive and queue its sweep (a worker runs it; see `directive list`)."""
    from moderation.review.directives import create_directive
    from moderation.review.errors import ReviewError
    from moderation.review.jobs import enqueue_sweep
    from moderation.runtime import Runtime

    all_terms = list(terms) + (terms_file.read().splitlines() if terms_file else [])
    with _session() as session:
        try:
            d = create_directive(
                session, _tenant(session, tenant).id, reference=reference, terms=all_terms,
                category=category, days=days, mode=mode,
            )  # fmt: skip
        except ReviewError as exc:
            raise click.ClickException(f"{exc.field}: {exc}") from None
        session.commit()
        d.sweep_job_id = enqueue_sweep(Runtime(Settings.from_env()).redis, d.id)
        click.echo(f"recorded directive {d.id} ({len(d.terms)} terms); sweep queued")


@directive_group.command("end")
@click.option("--tenant", required=True, help="Tenant name or id.")
@click.argument("directive_id")
def directive_end(tenant: str, directive_id: str) -> None:
    """End a directive: its terms stop applying to new posts."""
    from moderation.review.directives import deactivate
    from moderation.review.errors import ReviewError

    with _session() as session:
        try:
            d = deactivate(session, _tenant(session, tenant).id, directive_id, "cli")
        except ReviewError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"ended directive {d.reference}")


def register(main: click.Group) -> None:
    """Attach this module's commands to the root group."""
    main.add_command(user_group)
    main.add_command(directive_group)

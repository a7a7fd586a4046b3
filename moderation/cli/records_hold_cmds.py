"""`moderation hold|audit|incidents`: legal holds, the access audit trail, incident reports."""

from __future__ import annotations

import json

import click

from moderation.cli.records_cmds import load_runtime, session_scope, tenant_id_of
from moderation.records.canonical import iso


@click.group("hold")
def hold_group() -> None:
    """Legal holds: stop retention purging for a tenant, author, case or record."""


@hold_group.command("add")
@click.option("--tenant", required=True, help="Tenant name or id.")
@click.option("--all", "whole", is_flag=True, help="Hold everything of the tenant.")
@click.option("--author", help="Hold one author's records (the platform's author id).")
@click.option("--case", "case", help="Hold the records linked to a case reference.")
@click.option("--record", help="Hold one evidence record.")
@click.option("--reason", required=True)
@click.option("--by", "by", required=True, help="Who places the hold.")
def hold_add(
    tenant: str,
    whole: bool,
    author: str | None,
    case: str | None,
    record: str | None,
    reason: str,
    by: str,
) -> None:
    """Place a legal hold."""
    from moderation.records.holds import HoldError, add_hold

    chosen = [
        (s, v)
        for s, v in (
            ("tenant", "" if whole else None),
            ("author", author),
            ("case", case),
            ("record", record),
        )
        if v is not None
    ]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --all, --author, --case, --record")
    scope, value = chosen[0]
    with session_scope(load_runtime()) as session:
        try:
            hold = add_hold(session, tenant_id_of(session, tenant), scope, value, reason, by)
        except HoldError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"hold {hold.id}: {scope} {'(whole tenant)' if scope == 'tenant' else ''}")


@hold_group.command("list")
@click.option("--tenant", help="Tenant name or id.")
@click.option("--released", is_flag=True, help="Include released holds.")
def hold_list(tenant: str | None, released: bool) -> None:
    """List legal holds."""
    from moderation.records.holds import list_holds

    with session_scope(load_runtime()) as session:
        tid = tenant_id_of(session, tenant) if tenant else None
        holds = list_holds(session, tid, include_released=released)
        for h in holds:
            state = (
                f"released {iso(h.released_at)} by {h.released_by}" if h.released_at else "active"
            )
            value = h.value[:16] + "…" if h.scope == "author" else h.value
            click.echo(
                f"{h.id}  {h.tenant_id}  {h.scope:<6} {value:<34} {state}  "
                f"by {h.created_by}: {h.reason}"
            )
    if not holds:
        click.echo("no holds")


@hold_group.command("release")
@click.argument("hold_id")
@click.option("--by", "by", required=True, help="Who releases the hold.")
def hold_release(hold_id: str, by: str) -> None:
    """Release a legal hold (purging resumes at the next run)."""
    from moderation.records.holds import HoldError, release_hold

    with session_scope(load_runtime()) as session:
        try:
            release_hold(session, hold_id, by)
        except HoldError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"hold {hold_id} released")


@click.group("audit")
def audit_group() -> None:
    """The access audit log (who read which evidence, when, why)."""


@audit_group.command("list")
@click.option("--tenant", help="Tenant name or id.")
@click.option("--record", help="Only reads of this evidence record.")
@click.option("--export", "export_id", help="Only entries about this export.")
@click.option("--limit", default=100, show_default=True)
def audit_list(tenant: str | None, record: str | None, export_id: str | None, limit: int) -> None:
    """Print audit entries, newest first, one JSON object per line."""
    from moderation.records import audit

    with session_scope(load_runtime()) as session:
        tid = tenant_id_of(session, tenant) if tenant else None
        for e in audit.entries(
            session, tenant_id=tid, record_id=record, export_id=export_id, limit=limit
        ):
            click.echo(
                json.dumps(
                    {
                        "at": iso(e.at),
                        "actor": e.actor,
                        "channel": e.channel,
                        "action": e.action,
                        "purpose": e.purpose,
                        "tenant_id": e.tenant_id,
                        "record_id": e.record_id,
                        "export_id": e.export_id,
                        "detail": e.detail,
                    },
                    ensure_ascii=False,
                )
            )


@click.group("incidents")
def incidents_group() -> None:
    """Incident reports to the competent authorities (Art. 47)."""


@incidents_group.command("list")
@click.option("--tenant", help="Tenant name or id.")
@click.option("--status", type=click.Choice(["draft", "submitted", "acknowledged"]))
def incidents_list(tenant: str | None, status: str | None) -> None:
    """List incident reports, newest first."""
    from moderation.records import incidents

    with session_scope(load_runtime()) as session:
        tid = tenant_id_of(session, tenant) if tenant else None
        found = incidents.list_reports(session, tid, status)
        for r in found:
            click.echo(f"{r.id}  {r.status:<12} {r.category:<16} {iso(r.created_at)}  {r.summary}")
    if not found:
        click.echo("no incident reports")


@incidents_group.command("deliver")
@click.argument("report_ids", nargs=-1)
@click.option("--drafts", is_flag=True, help="Deliver every draft report.")
@click.option(
    "--to",
    "target",
    help="folder:PATH or http(s)://URL (default: "
    "MODERATION_INCIDENT_DELIVERY, else instance/incidents).",
)
@click.option("--actor", default="cli", show_default=True, help="Who delivers (audited).")
def incidents_deliver(
    report_ids: tuple[str, ...], drafts: bool, target: str | None, actor: str
) -> None:
    """Deliver reports (retried; every attempt recorded); drafts become submitted."""
    from moderation.records import delivery, incidents

    runtime = load_runtime()
    to = delivery.delivery_for(target, runtime.settings.instance_dir)
    failed = 0
    with session_scope(runtime) as session:
        ids = list(report_ids) or (
            [r.id for r in incidents.list_reports(session, status="draft")] if drafts else []
        )
        if not ids:
            raise click.UsageError("name report ids or use --drafts")
        for report_id in ids:
            try:
                report, ok = delivery.deliver(session, report_id, to, actor=actor)
            except incidents.IncidentError as exc:
                raise click.ClickException(str(exc)) from None
            failed += not ok
            click.echo(
                f"{report_id}: {'delivered' if ok else 'FAILED'} to {to.target} ({report.status})"
            )
    if failed:
        raise click.ClickException(f"{failed} report(s) not delivered; attempts are recorded")


@incidents_group.command("ack")
@click.argument("report_id")
@click.option("--ref", "authority_ref", help="The authority's reference number.")
def incidents_ack(report_id: str, authority_ref: str | None) -> None:
    """Record that the authority acknowledged a submitted report."""
    from moderation.records import incidents

    with session_scope(load_runtime()) as session:
        try:
            incidents.acknowledge(session, report_id, authority_ref)
        except incidents.IncidentError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{report_id}: acknowledged")


def register(main: click.Group) -> None:
    """Attach this module's commands to the root group."""
    for command in (hold_group, audit_group, incidents_group):
        main.add_command(command)

"""`moderation export [verify]` and `moderation report summary`."""

from __future__ import annotations

import getpass
import socket
import sys
from datetime import date
from pathlib import Path

import click

from moderation.cli.records_cmds import key_path, load_runtime, session_scope, tenant_id_of


def _exporter() -> str:
    return f"cli:{getpass.getuser()}@{socket.gethostname()}"


@click.group("export", invoke_without_command=True)
@click.option("--tenant", help="Tenant name or id.")
@click.option("--from", "date_from", help="First day (YYYY-MM-DD, UTC, inclusive).")
@click.option("--to", "date_to", help="Last day (YYYY-MM-DD, UTC, inclusive).")
@click.option("--category", help="Only records in this category.")
@click.option("--author", help="Only records of this author (the platform's author id).")
@click.option("--case", "case", help="Only records linked to this case reference.")
@click.option("--reason", help="Why the export is made (legal purpose).")
@click.option("--requested-by", help="The requesting officer or authority.")
@click.option("--legal-basis", help="e.g. 网络安全法第四十七条")
@click.option("--request-ref", help="The authority's request number.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def export_group(
    ctx: click.Context,
    tenant: str | None,
    date_from: str | None,
    date_to: str | None,
    category: str | None,
    author: str | None,
    case: str | None,
    reason: str | None,
    requested_by: str | None,
    legal_basis: str | None,
    request_ref: str | None,
    output: Path | None,
) -> None:
    """Export a tenant's evidence as a signed bundle (zip), or `export verify BUNDLE`."""
    if ctx.invoked_subcommand is not None:
        return
    missing = [
        n
        for n, v in (
            ("--tenant", tenant),
            ("--reason", reason),
            ("--requested-by", requested_by),
            ("-o", output),
        )
        if not v
    ]
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)}")
    from moderation.records import exports, signing
    from moderation.records.export_query import ExportError, ExportFilters

    runtime = load_runtime()
    try:
        signer = signing.load_signer(key_path(runtime))
        with session_scope(runtime) as session:
            filters = ExportFilters(
                tenant_id_of(session, str(tenant)), date_from, date_to, category, author, case
            )
            job = exports.request_export(
                session,
                filters,
                reason=str(reason),
                requested_by=str(requested_by),
                exporter=_exporter(),
                legal_basis=legal_basis,
                request_ref=request_ref,
            )
        done = exports.run_export(
            runtime.sessions, job.id, signer, Path(str(output)), _progress_printer()
        )
    except (ExportError, signing.SigningKeyError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"\nexport {done.id}: {done.total} records -> {output}")
    click.echo(f"bundle SHA-256 {done.bundle_sha256}")


def _progress_printer():  # type: ignore[no-untyped-def]
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        click.echo(f"\r{done}/{total} records", nl=False, err=True)

    return show


@export_group.command("verify")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The publisher's PEM public key (default: this instance's).",
)
def export_verify(bundle: Path, public_key: Path | None) -> None:
    """Check a bundle offline: signature, file hashes, chain continuity, records."""
    from moderation.records import signing
    from moderation.records.bundle_verify import verify_bundle

    if public_key is None:
        from moderation.config import Settings

        settings = Settings.from_env()
        public_key = signing.public_path_for(
            signing.key_path_for(settings.instance_dir, settings.signing_key_path)
        )
        if not public_key.exists():
            raise click.ClickException("give --public-key FILE (the publisher's public key)")
    try:
        key = signing.load_public_key(public_key.read_bytes(), str(public_key))
    except signing.SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    report = verify_bundle(bundle, key)
    if report.ok:
        m = report.manifest
        click.echo(
            f"OK: {report.records} records of tenant {m['tenant']['name']}, chain seq "
            f"{report.segment[0]}–{report.segment[1]}, {report.checkpoints} signed "
            f"checkpoints; signed by key {signing.key_id(key)}"
        )
        click.echo(
            f"exported {m['created_at']} by {m['exporter']} for {m['requested_by']}: {m['reason']}"
        )
        return
    click.echo("BUNDLE FAILED VERIFICATION:", err=True)
    for problem in report.problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(1)


@click.group("report")
def report_group() -> None:
    """Compliance reports."""


@report_group.command("summary")
@click.option("--from", "date_from", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--to", "date_to", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--tenant", help="Tenant name or id (default: all tenants).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file (default: stdout).",
)
def report_summary(date_from: date, date_to: date, tenant: str | None, output: Path | None) -> None:
    """HTML report with charts: volume by day, category, action, time to decision."""
    from moderation.records import summary

    start, end = date_from.date(), date_to.date()  # type: ignore[attr-defined]
    if end < start:
        raise click.UsageError("--to must not be before --from")
    with session_scope(load_runtime()) as session:
        tid = tenant_id_of(session, tenant) if tenant else None
        html = summary.render(summary.collect(session, start, end, tid), tenant)
    if output:
        output.write_text(html, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(html)


def register(main: click.Group) -> None:
    """Attach this module's commands to the root group."""
    main.add_command(export_group)
    main.add_command(report_group)

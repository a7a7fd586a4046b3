"""`moderation keys|records|retention` for preserved records (holds, exports: sibling modules)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.orm import Session

from moderation.config import ConfigError, Settings
from moderation.runtime import Runtime


def load_runtime() -> Runtime:
    """The Runtime from the environment; a bad setting stops with a message naming it."""
    try:
        return Runtime(Settings.from_env())
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from None


@contextmanager
def session_scope(runtime: Runtime) -> Iterator[Session]:
    """A session committed on success."""
    with runtime.sessions() as session:
        yield session
        session.commit()


def key_path(runtime: Runtime) -> Path:
    from moderation.records.signing import key_path_for

    return key_path_for(runtime.settings.instance_dir, runtime.settings.signing_key_path)


def tenant_id_of(session: Session, name_or_id: str) -> str:
    """A tenant's id from its name or id, or a clear error."""
    from moderation.tenancy import TenancyError, find_tenant

    try:
        return find_tenant(session, name_or_id).id
    except TenancyError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("keys")
def keys_group() -> None:
    """Signing key (Ed25519) and field-encryption keys."""


@keys_group.command("init")
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing signing key (its public key is kept among the retired keys, "
    "so the checkpoints it signed still verify).",
)
def keys_init(force: bool) -> None:
    """Create the evidence signing key pair (private key 0600 under instance/)."""
    from moderation.records.keyring import retire
    from moderation.records.signing import SigningKeyError, generate, public_path_for

    runtime = load_runtime()
    path = key_path(runtime)
    try:
        retired = retire(path) if force else None
        signer = generate(path, overwrite=force)
    except SigningKeyError as exc:
        hint = "" if force else " (use --force to replace it)"
        raise click.ClickException(f"{exc}{hint}") from None
    if retired is not None:
        click.echo(f"previous public key kept: {retired} (its checkpoints still verify)")
    click.echo(f"private key: {path} (mode 0600, keep it secret)")
    click.echo(f"public key:  {public_path_for(path)} (publish it; key id {signer.key_id})")
    click.echo(f"field encryption: active key {runtime.settings.active_field_key!r}")


@keys_group.command("public")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def keys_public(output: Path | None) -> None:
    """Print (or write) the public key as PEM, for verifying exports elsewhere."""
    from moderation.records.signing import SigningKeyError, load_signer, public_pem

    try:
        pem = public_pem(load_signer(key_path(load_runtime())).public_key)
    except SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        output.write_bytes(pem)
        click.echo(f"wrote {output}")
    else:
        click.echo(pem.decode(), nl=False)


@keys_group.command("rotate")
@click.option(
    "--new-key",
    is_flag=True,
    help="Embedded mode: add a new field key to instance/secrets.json and make it active first.",
)
def keys_rotate(new_key: bool) -> None:
    """Re-encrypt every encrypted personal field with the active field key."""
    from moderation import fieldcrypt
    from moderation.records.rekey import add_instance_key, rotate

    runtime = load_runtime()
    if new_key:
        if not (runtime.settings.instance_dir / "secrets.json").exists():
            raise click.ClickException(
                "--new-key works on instance/secrets.json; with "
                "MODERATION_FIELD_KEYS set, add the key there instead"
            )
        click.echo(f"new active field key: {add_instance_key(runtime.settings.instance_dir)}")
        runtime = load_runtime()
    cipher = fieldcrypt.get_cipher()
    with session_scope(runtime) as session:
        changed = rotate(session, cipher)
    for table, count in changed.items():
        click.echo(f"{table}: {count} values re-encrypted with key {cipher.active_key_id!r}")


@click.group("records")
def records_group() -> None:
    """Evidence records: verify chains, checkpoint, read (audited), link cases."""


@records_group.command("verify")
@click.option("--tenant", help="Tenant name or id (default: every tenant).")
@click.option(
    "--public-key",
    "public_keys",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="PEM public key trusted for checkpoints (repeatable; default: the instance's key and "
    "its retired keys).",
)
def records_verify(tenant: str | None, public_keys: tuple[Path, ...]) -> None:
    """Walk the hash chains and checkpoints; exit 1 naming the first broken link."""
    from moderation.records import signing, verify
    from moderation.records.keyring import load_keyring

    runtime = load_runtime()
    try:
        if public_keys:
            keys = [signing.load_public_key(p.read_bytes(), str(p)) for p in public_keys]
        else:
            keys = load_keyring(key_path(runtime))
    except signing.SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    if not keys:
        click.echo("no public key: checkpoint signatures are not checked", err=True)
    with session_scope(runtime) as session:
        tid = tenant_id_of(session, tenant) if tenant else None
        reports = verify.verify_all(session, keys or None, tid)
    broken = 0
    for rep in reports:
        first = rep.first_break
        state = "OK" if first is None else f"BROKEN at {first.describe()}"
        click.echo(
            f"tenant {rep.tenant_id}: {rep.records} records, {rep.tombstones} tombstones,"
            f" {rep.checkpoints} checkpoints: {state}"
        )
        broken += first is not None
    if not reports:
        click.echo("no evidence records yet")
    sys.exit(1 if broken else 0)


@records_group.command("checkpoint")
def records_checkpoint() -> None:
    """Sign every chain head that moved since its last checkpoint."""
    from moderation.records import checkpoints, signing

    runtime = load_runtime()
    try:
        signer = signing.load_signer(key_path(runtime))
    except signing.SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    with session_scope(runtime) as session:
        made = checkpoints.create_all(session, signer)
    for cp in made:
        click.echo(f"tenant {cp.tenant_id}: checkpoint at seq {cp.seq} ({cp.head_hash[:16]}…)")


@records_group.command("show")
@click.argument("record_id")
@click.option("--purpose", required=True, help="Why you read it (written to the audit log).")
@click.option("--actor", required=True, help="Who you are (written to the audit log).")
def records_show(record_id: str, purpose: str, actor: str) -> None:
    """Print one evidence record with its content (audited)."""
    from moderation.records.evidence import EvidenceError, read_evidence

    with session_scope(load_runtime()) as session:
        try:
            view = read_evidence(session, record_id, actor=actor, purpose=purpose, channel="cli")
        except EvidenceError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(view, ensure_ascii=False, indent=2))


@records_group.command("link-case")
@click.argument("case_ref")
@click.argument("record_ids", nargs=-1, required=True)
@click.option("--tenant", required=True)
@click.option("--by", "by", required=True, help="Who links them.")
def records_link_case(case_ref: str, record_ids: tuple[str, ...], tenant: str, by: str) -> None:
    """Attach evidence records to a case reference (for case holds and case exports)."""
    from moderation.records.holds import HoldError, link_case

    with session_scope(load_runtime()) as session:
        try:
            links = link_case(
                session, tenant_id_of(session, tenant), case_ref, list(record_ids), by
            )
        except HoldError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"case {case_ref}: {len(links)} records linked")


@click.group("retention")
def retention_group() -> None:
    """Retention of content (at least 180 days; per-category longer)."""


@retention_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Report what would be purged; change nothing.")
def retention_purge(dry_run: bool) -> None:
    """Delete expired content not under legal hold, leaving tombstones in the chains."""
    from moderation.records.retention import PURGE_BATCH, RetentionPolicy, purge

    runtime = load_runtime()
    try:
        policy = RetentionPolicy.from_settings(runtime.settings)
    except ConfigError as exc:
        raise click.ClickException(f"configuration error: {exc}") from None
    with runtime.sessions() as session:
        report = purge(session, policy, dry_run=dry_run, commit_every=PURGE_BATCH)
        session.rollback() if dry_run else session.commit()
    verb = "would purge" if dry_run else "purged"
    click.echo(f"retention {policy.default_days} days (longer: {policy.category_days or 'none'})")
    click.echo(
        f"evidence records {verb}: {len(report.records_purged)}; held: "
        f"{len(report.records_held)}; tombstones written: {len(report.tombstones)}"
    )
    click.echo(
        f"submissions {verb}: {report.submissions_purged}; held or still needed: "
        f"{report.submissions_held}"
    )


def register(main: click.Group) -> None:
    """Attach this module's commands to the root group."""
    from moderation.cli import records_export_cmds, records_hold_cmds

    for command in (keys_group, records_group, retention_group):
        main.add_command(command)
    records_hold_cmds.register(main)
    records_export_cmds.register(main)

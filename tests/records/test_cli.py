"""The records commands end to end on the test database: keys, verify, export, holds, purge."""

from __future__ import annotations

import base64
import json
import stat
import zipfile
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from moderation.cli import main
from moderation.models.base import utcnow
from moderation.models.records import AccessAudit, ExportJob
from moderation.models.submission import Submission
from tests.conftest import TEST_FIELD_KEY
from tests.records.conftest import make_block


@pytest.fixture
def cli(settings, monkeypatch):
    env = {
        "MODERATION_INSTANCE_DIR": str(settings.instance_dir),
        "MODERATION_DATABASE_URL": settings.database_url,
        "MODERATION_REDIS_URL": settings.redis_url,
        "MODERATION_SECRET_KEY": "test-secret",
        "MODERATION_FIELD_KEYS": f"t1:{TEST_FIELD_KEY}",
        "MODERATION_BLIND_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()

    def run(*args: str, code: int = 0):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result.output

    return run


def test_keys_init_makes_a_private_key_only_the_owner_reads(cli, settings):
    out = cli("keys", "init")
    private = settings.instance_dir / "evidence_signing_key.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert "public key:" in out
    assert cli("keys", "public").startswith("-----BEGIN PUBLIC KEY-----")
    assert "already exists" in cli("keys", "init", code=1)


def test_verify_export_and_audit_trail(cli, session, tenant_id, tmp_path):
    cli("keys", "init")
    for i in range(3):
        make_block(session, tenant_id, f"第{i}条 代开发票")
    session.commit()
    assert "3 records, 0 tombstones, 0 checkpoints: OK" in cli("records", "verify")
    assert "checkpoint at seq 3" in cli("records", "checkpoint")
    bundle = tmp_path / "bundle.zip"
    today = utcnow().date().isoformat()
    cli(
        "export",
        "--tenant",
        "acme",
        "--from",
        today,
        "--to",
        today,
        "--reason",
        "协查",
        "--requested-by",
        "officer Wang",
        "--request-ref",
        "REF-1",
        "-o",
        str(bundle),
    )
    pub = tmp_path / "pub.pem"
    cli("keys", "public", "-o", str(pub))
    out = cli("export", "verify", str(bundle), "--public-key", str(pub))
    assert out.startswith("OK: 3 records of tenant acme")
    job = session.scalar(select(ExportJob))
    trail = [json.loads(x) for x in cli("audit", "list", "--export", job.id).splitlines()]
    assert trail[0]["action"] == "export" and trail[0]["detail"]["request_ref"] == "REF-1"
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, data.replace("第1条".encode(), "第9条".encode()))
    failed = cli("export", "verify", str(tampered), "--public-key", str(pub), code=1)
    assert "records.jsonl: SHA-256 or size differs" in failed
    session.execute(text("UPDATE evidence_records SET body = body || ' ' WHERE seq = 2"))
    session.commit()
    assert "BROKEN at seq 2" in cli("records", "verify", "--tenant", "acme", code=1)


def test_a_replaced_signing_key_keeps_its_checkpoints_verifiable(
    cli, session, tenant_id, settings, tmp_path
):
    cli("keys", "init")
    make_block(session, tenant_id, "旧钥匙 代开发票")
    session.commit()
    cli("records", "checkpoint")
    old_pub = tmp_path / "old.pem"
    cli("keys", "public", "-o", str(old_pub))

    out = cli("keys", "init", "--force")
    retired = settings.instance_dir / "retired_signing_keys"
    [kept] = retired.glob("*.pub.pem")
    assert "previous public key kept" in out and kept.read_bytes() == old_pub.read_bytes()
    make_block(session, tenant_id, "新钥匙 代开发票")
    session.commit()
    cli("records", "checkpoint")
    assert "2 records, 0 tombstones, 2 checkpoints: OK" in cli("records", "verify")

    new_pub = tmp_path / "new.pem"
    cli("keys", "public", "-o", str(new_pub))
    only_new = cli("records", "verify", "--public-key", str(new_pub), code=1)
    assert "signed by unknown key" in only_new
    both = cli("records", "verify", "--public-key", str(new_pub), "--public-key", str(old_pub))
    assert "2 checkpoints: OK" in both

    bundle = tmp_path / "bundle.zip"
    today = utcnow().date().isoformat()
    cli(
        "export", "--tenant", "acme", "--from", today, "--to", today, "--reason", "协查",
        "--requested-by", "officer Wang", "-o", str(bundle),
    )  # fmt: skip
    verified = cli("export", "verify", str(bundle), "--public-key", str(new_pub))
    assert verified.startswith("OK: 2 records of tenant acme")


def test_export_names_missing_options(cli):
    assert "missing --tenant, --reason, --requested-by, -o" in cli("export", code=2)


def test_records_show_is_audited(cli, session, tenant_id):
    _s, _v, record = make_block(session, tenant_id)
    session.commit()
    out = cli("records", "show", record.id, "--purpose", "复核", "--actor", "officer")
    assert json.loads(out)["content"] == "加微信 13800138000 代开发票"
    entry = session.scalar(select(AccessAudit).where(AccessAudit.channel == "cli"))
    assert (entry.actor, entry.purpose) == ("officer", "复核")


def test_holds_and_purge_from_the_command_line(cli, session, tenant_id):
    sub, _v, _r = make_block(session, tenant_id, at=utcnow() - timedelta(days=300))
    session.commit()
    hold_out = cli(
        "hold", "add", "--tenant", "acme", "--author", "u-42", "--reason", "调查", "--by", "officer"
    )
    hold_id = hold_out.split()[1].rstrip(":")
    assert "author" in cli("hold", "list")
    assert "purged: 0; held: 1" in cli("retention", "purge")
    cli("hold", "release", hold_id, "--by", "officer")
    assert "would purge: 1" in cli("retention", "purge", "--dry-run")
    assert "purged: 1; held: 0; tombstones written: 1" in cli("retention", "purge")
    session.expire_all()
    assert session.get(Submission, sub.id).status == "purged"
    assert "OK" in cli("records", "verify")
    assert "exactly one of" in cli(
        "hold", "add", "--tenant", "acme", "--reason", "r", "--by", "b", code=2
    )


def test_summary_report_has_charts(cli, session, tenant_id, tmp_path):
    make_block(session, tenant_id)
    make_block(session, tenant_id, "正常内容", action="allow")
    session.commit()
    out = tmp_path / "summary.html"
    today = utcnow().date().isoformat()
    cli("report", "summary", "--from", today, "--to", today, "-o", str(out))
    html = out.read_text()
    assert "合规汇总报告 / Compliance summary report" in html
    assert html.count("<svg") == 4
    assert "<title>&lt;5 s: 2</title>" in html  # both posts took 2 s to decide
    assert "<title>fraud: 1</title>" in html
    assert "处置 Action: block</td><td>1" in html and "处置 Action: allow</td><td>1" in html


def test_keys_rotate_reencrypts_every_encrypted_column(cli, session, tenant_id, monkeypatch):
    make_block(session, tenant_id, category="terrorism")
    session.commit()
    new = base64.b64encode(b"n" * 32).decode()
    monkeypatch.setenv("MODERATION_FIELD_KEYS", f"t2:{new},t1:{TEST_FIELD_KEY}")
    out = cli("keys", "rotate")
    assert "evidence_records: 1 values re-encrypted with key 't2'" in out
    assert "submissions: 3 values" in out
    for column, table in (("personal", "evidence_records"), ("author_id", "submissions")):
        raw = session.execute(text(f"SELECT {column} FROM {table}")).scalar_one()
        assert raw.startswith("v1:t2:")
    assert "OK" in cli("records", "verify")
    assert "0 values" in cli("keys", "rotate").splitlines()[0]

"""`moderation user create|list|unlock|password|disable|enable` and `moderation directive list`
against a real database."""

from __future__ import annotations

import base64

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from moderation.cli import main
from moderation.models.review import ReviewerAccount
from moderation.review.accounts import login
from tests.conftest import TEST_FIELD_KEY


@pytest.fixture
def cli_env(settings, monkeypatch):
    env = {
        "MODERATION_DATABASE_URL": settings.database_url,
        "MODERATION_REDIS_URL": settings.redis_url,
        "MODERATION_INSTANCE_DIR": str(settings.instance_dir),
        "MODERATION_SECRET_KEY": "test-secret",
        "MODERATION_FIELD_KEYS": f"t1:{TEST_FIELD_KEY}",
        "MODERATION_BLIND_INDEX_KEY": base64.b64encode(b"i" * 32).decode(),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_it_creates_and_lists_users(runtime, cli_env, make_tenant):
    tenant = make_tenant("shop").tenant
    runner = CliRunner()
    created = runner.invoke(
        main,
        ["user", "create", "--tenant", "shop", "--role", "senior", "--password-stdin", "gus"],
        input="a long password\n",
    )
    assert created.exit_code == 0, created.output
    assert "created senior gus" in created.output
    with runtime.sessions() as s:
        account = s.scalar(select(ReviewerAccount).where(ReviewerAccount.username == "gus"))
        assert (account.tenant_id, account.role) == (tenant.id, "senior")
        assert login(s, "gus", "a long password").id == account.id
    listed = runner.invoke(main, ["user", "list", "--tenant", "shop"])
    assert listed.exit_code == 0 and listed.output.startswith("gus\tsenior\t")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--tenant", "nope", "--role", "reviewer"], "a long password\n", "no tenant named 'nope'"),
        (["--tenant", "shop", "--role", "reviewer"], "short\n", "password must be at least"),
        (["--tenant", "shop", "--role", "boss"], "a long password\n", "Invalid value for '--role'"),
    ],
)
def test_it_explains_bad_input(runtime, cli_env, make_tenant, args, stdin, message):
    make_tenant("shop")
    result = CliRunner().invoke(
        main, ["user", "create", *args, "--password-stdin", "hal"], input=stdin
    )
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_it_unlocks_an_account(runtime, cli_env, make_tenant, make_account):
    account = make_account(make_tenant().tenant, username="ivy")
    with runtime.sessions() as s:
        for _ in range(5):
            with pytest.raises(Exception, match="wrong"):
                login(s, "ivy", "bad password")
        s.commit()
    result = CliRunner().invoke(main, ["user", "unlock", "ivy"])
    assert result.exit_code == 0, result.output
    with runtime.sessions() as s:
        assert login(s, "ivy", "correct horse battery").id == account.id


def test_it_resets_a_password_and_disables_and_enables_an_account(
    runtime, cli_env, make_tenant, make_account
):
    make_account(make_tenant().tenant, username="jo")
    runner = CliRunner()
    short = runner.invoke(main, ["user", "password", "--password-stdin", "jo"], input="short\n")
    assert short.exit_code != 0 and "password must be at least" in short.output
    reset = runner.invoke(
        main, ["user", "password", "--password-stdin", "jo"], input="a brand new secret\n"
    )
    assert reset.exit_code == 0 and "password of jo changed" in reset.output
    with runtime.sessions() as s:
        assert login(s, "jo", "a brand new secret").username == "jo"
    assert runner.invoke(main, ["user", "disable", "jo"]).exit_code == 0
    with runtime.sessions() as s, pytest.raises(Exception, match="wrong username or password"):
        login(s, "jo", "a brand new secret")
    assert "disabled" in runner.invoke(main, ["user", "list"]).output
    assert runner.invoke(main, ["user", "enable", "jo"]).exit_code == 0
    with runtime.sessions() as s:
        assert login(s, "jo", "a brand new secret").username == "jo"
    missing = runner.invoke(main, ["user", "disable", "nobody"])
    assert missing.exit_code != 0 and "no account named 'nobody'" in missing.output


def test_it_records_a_directive_and_queues_its_sweep(runtime, cli_env, make_tenant, tmp_path):
    from moderation.models.review import Directive
    from moderation.queue.enqueue import BATCH, queue

    make_tenant("shop")
    terms = tmp_path / "terms.txt"
    terms.write_text("死亡挑战\n\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "directive",
            "add",
            "--tenant",
            "shop",
            "--reference",
            "REF-7",
            "--term",
            "蓝鲸游戏",
            "--terms-file",
            str(terms),
            "--category",
            "violence",
            "--days",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    with runtime.sessions() as s:
        directive = s.scalar(select(Directive))
        assert directive.terms == ["蓝鲸游戏", "死亡挑战"] and directive.mode == "queue"
        assert queue(runtime.redis, BATCH).fetch_job(directive.sweep_job_id) is not None
    listed = CliRunner().invoke(main, ["directive", "list", "--tenant", "shop"])
    assert "REF-7" in listed.output and "pending" in listed.output
    bad = CliRunner().invoke(
        main, ["directive", "add", "--tenant", "shop", "--reference", "R", "--category", "violence"]
    )
    assert bad.exit_code != 0 and "terms:" in bad.output

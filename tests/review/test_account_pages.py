"""Account pages over HTTP: changing one's own password (which ends the account's other
sessions), an admin disabling an account."""

from __future__ import annotations

from sqlalchemy import select

from moderation.models.review import ReviewerAccount
from moderation.review.accounts import login as check_login
from moderation.review.accounts import set_password
from tests.review.conftest import PASSWORD, csrf_of


def _change(client, current: str, new: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/review/account/password",
        data={
            "csrf_token": client.csrf,
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


def test_it_changes_ones_own_password(runtime, make_tenant, make_account, login):
    me = make_account(make_tenant().tenant, "compliance", username="kim")
    client = login("kim")
    assert 'id="password-form"' in client.get("/review/account/password").text

    wrong = _change(client, "not my password", "a fresh passphrase")
    assert wrong.status_code == 400 and "current password is wrong" in wrong.text
    differ = _change(client, PASSWORD, "a fresh passphrase", "another passphrase")
    assert differ.status_code == 400 and "two new passwords differ" in differ.text
    short = _change(client, PASSWORD, "short")
    assert short.status_code == 400 and "at least 10 characters" in short.text
    with runtime.sessions() as s:
        assert check_login(s, "kim", PASSWORD).id == me.id  # nothing changed yet

    done = _change(client, PASSWORD, "a fresh passphrase")
    assert done.status_code == 302
    with runtime.sessions() as s:
        account = s.scalar(select(ReviewerAccount).where(ReviewerAccount.username == "kim"))
        assert account.password_hash.startswith("$argon2id$")
        assert check_login(s, "kim", "a fresh passphrase").id == me.id
    assert login("kim", "a fresh passphrase").get("/review/dashboard").status_code == 200


def test_it_needs_a_login_and_the_csrf_token(app, make_tenant, make_account, login):
    anonymous = app.test_client()
    assert anonymous.get("/review/account/password").status_code == 302
    make_account(make_tenant().tenant, username="lee")
    client = login("lee")
    forged = client.post(
        "/review/account/password",
        data={"current_password": PASSWORD, "new_password": "x" * 12, "confirm_password": "x" * 12},
    )
    assert forged.status_code == 400


def test_an_admin_disables_and_enables_an_account(runtime, make_tenant, make_account, login):
    tenant = make_tenant().tenant
    admin_account = make_account(tenant, "admin", username="ada")
    target = make_account(tenant, "reviewer", username="rob")
    admin, rob = login("ada"), login("rob")
    assert rob.get("/review/queue").status_code == 200

    off = admin.post(
        f"/review/users/{target.id}/active", data={"csrf_token": admin.csrf, "active": "0"}
    )
    assert off.status_code == 302
    assert rob.get("/review/queue").status_code == 302  # the open session ended
    users = admin.get("/review/users").text
    assert "disabled" in users and "Enable" in users
    client = rob.application.test_client()
    refused = client.post(
        "/review/login",
        data={
            "username": "rob",
            "password": PASSWORD,
            "csrf_token": csrf_of(client.get("/review/login").text),
        },
    )
    assert refused.status_code == 401

    on = admin.post(
        f"/review/users/{target.id}/active", data={"csrf_token": admin.csrf, "active": "1"}
    )
    assert on.status_code == 302
    assert login("rob").get("/review/queue").status_code == 200

    admin.post(
        f"/review/users/{admin_account.id}/active", data={"csrf_token": admin.csrf, "active": "0"}
    )
    assert "cannot disable your own account" in admin.get("/review/users").text
    with runtime.sessions() as s:
        assert s.get(ReviewerAccount, admin_account.id).active


def test_an_admin_cannot_touch_another_tenants_account(make_tenant, make_account, login):
    make_account(make_tenant().tenant, "admin", username="amy")
    other = make_account(make_tenant().tenant, "reviewer", username="oz")
    admin = login("amy")
    response = admin.post(
        f"/review/users/{other.id}/active", data={"csrf_token": admin.csrf, "active": "0"}
    )
    assert response.status_code == 404


def test_only_admins_manage_account_state(make_tenant, make_account, login):
    tenant = make_tenant().tenant
    target = make_account(tenant, "reviewer", username="sam")
    make_account(tenant, "senior", username="sue")
    senior = login("sue")
    response = senior.post(
        f"/review/users/{target.id}/active", data={"csrf_token": senior.csrf, "active": "0"}
    )
    assert response.status_code == 403


def test_a_password_change_ends_the_accounts_other_sessions(make_tenant, make_account, login):
    make_account(make_tenant().tenant, "senior", username="max")
    here, elsewhere = login("max"), login("max")
    assert elsewhere.get("/review/queue").status_code == 200
    assert _change(here, PASSWORD, "a fresh passphrase").status_code == 302
    assert here.get("/review/queue").status_code == 200  # the changer stays logged in
    assert elsewhere.get("/review/queue").status_code == 302  # sent to log in again


def test_a_reset_from_the_cli_ends_open_sessions(runtime, make_tenant, make_account, login):
    account = make_account(make_tenant().tenant, "reviewer", username="nia")
    client = login("nia")
    with runtime.sessions() as s:
        set_password(s.get(ReviewerAccount, account.id), "reset by the operator")
        s.commit()
    assert client.get("/review/queue").status_code == 302
    assert login("nia", "reset by the operator").get("/review/queue").status_code == 200

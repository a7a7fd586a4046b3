"""The shared foundation: configuration validation, field encryption, tenants and keys."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select, text

from moderation import fieldcrypt
from moderation.config import ConfigError, Settings
from moderation.models.submission import Submission
from moderation.tenancy import authenticate, create_api_key, create_tenant, revoke_api_key


def test_it_refuses_retention_below_180_days(tmp_path):
    with pytest.raises(ConfigError, match="MODERATION_RETENTION_DAYS=90"):
        Settings.from_env({"MODERATION_RETENTION_DAYS": "90"}, instance_dir=tmp_path)


def test_it_names_the_variable_with_a_bad_number(tmp_path):
    with pytest.raises(ConfigError, match="MODERATION_MAX_TEXT_CHARS='lots'"):
        Settings.from_env({"MODERATION_MAX_TEXT_CHARS": "lots"}, instance_dir=tmp_path)


def test_it_generates_and_keeps_embedded_secrets(tmp_path):
    first = Settings.from_env({}, instance_dir=tmp_path)
    second = Settings.from_env({}, instance_dir=tmp_path)
    assert first.secret_key == second.secret_key
    assert first.field_keys == second.field_keys
    assert len(first.field_keys[first.active_field_key]) == 32


def test_it_reads_field_keys_from_the_environment(tmp_path):
    key = base64.b64encode(b"x" * 32).decode()
    settings = Settings.from_env(
        {"MODERATION_FIELD_KEYS": f"new:{key},old:{key}"}, instance_dir=tmp_path
    )
    assert settings.active_field_key == "new"
    assert set(settings.field_keys) == {"new", "old"}


def test_it_decrypts_with_the_key_that_encrypted():
    old = fieldcrypt.FieldCipher({"a": b"a" * 32}, "a", b"i" * 32)
    token = old.encrypt("13800138000")
    rotated = fieldcrypt.FieldCipher({"a": b"a" * 32, "b": b"b" * 32}, "b", b"i" * 32)
    assert rotated.decrypt(token) == "13800138000"
    assert rotated.key_id_of(rotated.encrypt("x")) == "b"


def test_it_detects_a_tampered_ciphertext():
    cipher = fieldcrypt.FieldCipher({"a": b"a" * 32}, "a", b"i" * 32)
    token = cipher.encrypt("secret")
    raw = bytearray(base64.b64decode(token.split(":", 2)[2]))
    raw[-1] ^= 1
    with pytest.raises(fieldcrypt.FieldCryptError):
        cipher.decrypt("v1:a:" + base64.b64encode(bytes(raw)).decode())


def test_it_stores_author_fields_encrypted(session):
    tenant = create_tenant(session, "acme")
    session.add(Submission(tenant_id=tenant.id, text="hi", text_sha256="0" * 64, author_id="u-42"))
    session.commit()
    raw = session.execute(text("SELECT author_id FROM submissions")).scalar_one()
    assert raw.startswith("v1:t1:") and "u-42" not in raw
    assert session.scalar(select(Submission.author_id)) == "u-42"


def test_it_authenticates_only_active_keys(session):
    tenant = create_tenant(session, "acme")
    key, plaintext = create_api_key(session, tenant)
    session.commit()
    assert authenticate(session, plaintext) is key
    assert authenticate(session, plaintext + "x") is None
    revoke_api_key(session, key.prefix)
    assert authenticate(session, plaintext) is None

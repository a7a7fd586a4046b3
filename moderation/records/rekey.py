"""`keys rotate`: re-encrypt every EncryptedString column with the active field key.

Tables are walked in primary-key pages; a value already under the active key is left alone, so
an interrupted rotation can simply be run again. The plaintext never changes, so evidence
chains (which hash the plaintext) stay valid.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

from sqlalchemy import Column, Table, Text, select, type_coerce, update
from sqlalchemy.orm import Session

from moderation.fieldcrypt import FieldCipher
from moderation.models.base import Base, EncryptedString

PAGE = 500


def encrypted_columns() -> dict[str, tuple[Table, list[Column[str]]]]:
    """{table name: (table, its EncryptedString columns)} for every model."""
    import moderation.models  # noqa: F401  (registers every table)

    found: dict[str, tuple[Table, list[Column[str]]]] = {}
    for table in Base.metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, EncryptedString)]
        if cols:
            found[table.name] = (table, cols)
    return found


def _rotate_table(
    session: Session, table: Table, cols: list[Column[str]], cipher: FieldCipher
) -> int:
    (pk,) = table.primary_key.columns
    raw_cols = [type_coerce(c, Text).label(c.name) for c in cols]
    last: str | None = None
    changed = 0
    while True:
        query = select(pk, *raw_cols).order_by(pk).limit(PAGE)
        if last is not None:
            query = query.where(pk > last)
        rows = session.execute(query).all()
        if not rows:
            return changed
        for row in rows:
            values = {}
            for col in cols:
                token = getattr(row, col.name)
                if token is not None and cipher.key_id_of(token) != cipher.active_key_id:
                    # bound through the column type: encrypted again with the active key
                    values[col.name] = cipher.decrypt(token)
            if values:
                session.execute(update(table).where(pk == row[0]).values(values))
                changed += len(values)
        last = rows[-1][0]
        session.flush()


def rotate(session: Session, cipher: FieldCipher) -> dict[str, int]:
    """Re-encrypt with the active key (the caller commits); returns values changed per table."""
    return {
        name: _rotate_table(session, table, cols, cipher)
        for name, (table, cols) in encrypted_columns().items()
    }


def add_instance_key(instance_dir: Path) -> str:
    """Add a new field key to instance/secrets.json and make it active; returns its id."""
    path = instance_dir / "secrets.json"
    data = json.loads(path.read_text())
    number = len(data["field_keys"]) + 1
    while f"k{number}" in data["field_keys"]:
        number += 1
    kid = f"k{number}"
    data["field_keys"][kid] = base64.b64encode(secrets.token_bytes(32)).decode()
    data["active_field_key"] = kid
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)
    return kid

"""`records verify`: walk each tenant's evidence chain and checkpoints, report the first break."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from moderation import fieldcrypt
from moderation.models.records import ChainHead, Checkpoint, EvidenceRecord
from moderation.records.canonical import GENESIS_HASH, iso
from moderation.records.chain import category_field
from moderation.records.checkpoints import checkpoint_dict, verify_checkpoint_dict
from moderation.records.linkcheck import check_link, check_payload, missing_payloads, parse_body
from moderation.records.signing import key_id


@dataclass(frozen=True)
class Break:
    """The first broken link: where and what."""

    seq: int | None
    record_id: str | None
    field: str
    problem: str

    def describe(self) -> str:
        where = f"seq {self.seq} (record {self.record_id})" if self.seq is not None else "chain"
        return f"{where}: {self.field}: {self.problem}"


@dataclass
class ChainReport:
    """The outcome of verifying one tenant's chain."""

    tenant_id: str
    records: int = 0
    checkpoints: int = 0
    tombstones: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_break(self) -> Break | None:
        ordered = sorted(self.breaks, key=lambda b: (b.seq is None, b.seq or 0))
        return ordered[0] if ordered else None


def _column_mismatch(record: Any, body: dict[str, Any]) -> str | None:
    """The first indexed column whose value differs from the body."""
    expected = {
        "id": body.get("record_id"),
        "tenant_id": body.get("tenant_id"),
        "seq": body.get("seq"),
        "kind": body.get("kind"),
        "submission_id": body.get("submission_id"),
        "refers_to": body.get("refers_to"),
        "categories": category_field(list(body.get("categories") or [])),
        "author_hash": body.get("author_hash"),
        "decided_at": body.get("decided_at"),
    }
    actual = {name: getattr(record, name) for name in expected}
    actual["decided_at"] = iso(record.decided_at)
    for name, value in expected.items():
        if actual[name] != value:
            return name
    return None


def _records(session: Session, tenant_id: str) -> Iterator[Any]:
    """The tenant's record rows in order, `personal` as stored ciphertext (decrypted here, so a
    tampered ciphertext is a finding rather than a crash)."""
    table = EvidenceRecord.__table__
    columns = [c for c in table.columns if c.name != "personal"]
    query = (
        select(*columns, type_coerce(table.c.personal, Text).label("personal_raw"))
        .where(table.c.tenant_id == tenant_id)
        .order_by(table.c.seq)
    )
    yield from session.execute(query.execution_options(yield_per=1000))


def _check_record(
    row: Any, expected_seq: int, prev: str
) -> tuple[Break | None, dict[str, Any] | None]:
    """Check one record row; returns a break (or None) and the parsed body."""

    def brk(fld: str, problem: str) -> Break:
        return Break(row.seq, row.id, fld, problem)

    if row.seq != expected_seq:
        return brk("seq", f"expected seq {expected_seq}, found {row.seq} (record missing?)"), None
    body, problem = parse_body(row.body)
    if body is None:
        return brk("body", problem or "unreadable body"), None
    mismatch = _column_mismatch(row, body)
    if mismatch:
        return brk(mismatch, f"column {mismatch} differs from the record body"), body
    link = check_link(row.body, row.prev_hash, row.record_hash, prev)
    if link:
        return brk(*link), body
    values = {"content": row.content, "title": row.title}
    for name, value in values.items():
        payload_problem = check_payload(body, name, value)
        if payload_problem:
            return brk(name, payload_problem), body
    try:
        raw = row.personal_raw
        personal = fieldcrypt.get_cipher().decrypt(raw) if raw is not None else None
    except fieldcrypt.FieldCryptError as exc:
        return brk("personal", f"cannot be decrypted: {exc}"), body
    personal_problem = check_payload(body, "personal", personal)
    if personal_problem:
        return brk("personal", personal_problem), body
    body["_missing"] = missing_payloads(body, {**values, "personal": personal})
    return None, body


def verify_tenant(
    session: Session, tenant_id: str, public_keys: Sequence[Ed25519PublicKey] | None
) -> ChainReport:
    """Verify one tenant's chain, head and checkpoints (signatures against `public_keys`, the
    current key and retired ones; None skips signature checks)."""
    report = ChainReport(tenant_id)
    cps = list(session.scalars(select(Checkpoint).where(Checkpoint.tenant_id == tenant_id)))
    wanted = {cp.seq for cp in cps}
    hashes: dict[int, str] = {}
    unexplained: dict[str, Break] = {}
    prev, expected = GENESIS_HASH, 1
    for row in _records(session, tenant_id):
        broken, body = _check_record(row, expected, prev)
        if broken is not None:
            report.breaks.append(broken)
            break
        assert body is not None
        for name in body.pop("_missing"):
            unexplained.setdefault(
                row.id, Break(row.seq, row.id, name, f"{name} deleted without a tombstone")
            )
        if body["kind"] == "tombstone":
            report.tombstones += 1
            unexplained.pop(str(body.get("refers_to")), None)
        if row.seq in wanted:
            hashes[row.seq] = row.record_hash
        report.records += 1
        prev, expected = row.record_hash, expected + 1
    report.breaks.extend(unexplained.values())
    if not report.breaks:
        _check_head(session, report, expected - 1, prev)
        _check_checkpoints(report, cps, hashes, public_keys)
    return report


def _check_head(session: Session, report: ChainReport, last_seq: int, last_hash: str) -> None:
    head = session.get(ChainHead, report.tenant_id)
    head_seq, head_hash = (head.seq, head.head_hash) if head else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (last_seq, last_hash):
        report.breaks.append(
            Break(
                None,
                None,
                "head",
                f"chain head is seq {head_seq} ({head_hash[:16]}…) but the last record is "
                f"seq {last_seq} ({last_hash[:16]}…): records removed from the end?",
            )
        )


def _check_checkpoints(
    report: ChainReport,
    cps: list[Checkpoint],
    hashes: dict[int, str],
    public_keys: Sequence[Ed25519PublicKey] | None,
) -> None:
    keys = None if public_keys is None else {key_id(k): k for k in public_keys}
    for cp in sorted(cps, key=lambda c: c.seq):
        report.checkpoints += 1
        where = f"checkpoint {cp.id} at seq {cp.seq}"
        if keys is not None and cp.key_id not in keys:
            report.breaks.append(
                Break(cp.seq, None, "checkpoint", f"{where}: signed by unknown key {cp.key_id}")
            )
        elif keys is not None and not verify_checkpoint_dict(checkpoint_dict(cp), keys[cp.key_id]):
            report.breaks.append(Break(cp.seq, None, "checkpoint", f"{where}: bad signature"))
        elif hashes.get(cp.seq) != cp.head_hash:
            report.breaks.append(
                Break(cp.seq, None, "checkpoint", f"{where}: signed head differs from the chain")
            )
        if report.breaks:
            return


def verify_all(
    session: Session,
    public_keys: Sequence[Ed25519PublicKey] | None,
    tenant_id: str | None = None,
) -> list[ChainReport]:
    """Verify every tenant's chain (or one)."""
    if tenant_id is not None:
        return [verify_tenant(session, tenant_id, public_keys)]
    ids = set(session.scalars(select(ChainHead.tenant_id)))
    ids |= set(session.scalars(select(EvidenceRecord.tenant_id).distinct()))
    return [verify_tenant(session, tid, public_keys) for tid in sorted(ids)]

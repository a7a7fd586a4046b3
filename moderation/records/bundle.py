"""Writing an export bundle (zip) in one streaming pass with bounded memory.

Bundle layout:
- records.jsonl   one exported record per line: body (canonical JSON text), hashes, content,
                  title and sealed personal data (absent once purged)
- chain.jsonl     {"seq", "body_sha256"} for every record of the covered chain segment, so
                  chain continuity is checkable without the records that were not exported
- report.html     human-readable summary (Chinese and English headings)
- manifest.json   counts, SHA-256 of every file, chain segment and signed checkpoints, filters,
                  legal basis, request reference, exporter, creation time
- manifest.sig    base64 Ed25519 signature of manifest.json's exact bytes
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from moderation.models.base import utcnow
from moderation.models.records import ChainHead
from moderation.models.tenant import Tenant
from moderation.records import checkpoints, export_query
from moderation.records.canonical import GENESIS_HASH, canonical_json, iso, sha256_hex
from moderation.records.export_query import ExportError, ExportFilters
from moderation.records.report_html import ReportStats, write_report
from moderation.records.signing import Signer

FORMAT = "moderation-evidence-export/1"
HASH_RULE = "record_hash = sha256(prev_hash + ':' + sha256(body)); genesis prev_hash = 64 zeros"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ExportMeta:
    """Who asked for an export, on what basis, and who produced it."""

    export_id: str
    reason: str
    requested_by: str
    exporter: str
    legal_basis: str | None = None
    request_ref: str | None = None

    def __post_init__(self) -> None:
        for name in ("reason", "requested_by", "exporter"):
            if not str(getattr(self, name) or "").strip():
                raise ExportError(f"{name} is required for an export")


class _HashingWriter:
    """Wraps a zip entry stream: counts bytes and lines and hashes what is written."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()
        self.size = 0
        self.lines = 0

    def write_line(self, obj: Any) -> None:
        data = (canonical_json(obj) + "\n").encode("utf-8")
        self.write(data)
        self.lines += 1

    def write(self, data: bytes) -> None:
        self.raw.write(data)
        self.digest.update(data)
        self.size += len(data)

    def summary(self) -> dict[str, Any]:
        return {"sha256": self.digest.hexdigest(), "bytes": self.size, "lines": self.lines}


def record_line(row: Any) -> dict[str, Any]:
    """One records.jsonl object from a record row."""
    return {
        "seq": row.seq,
        "record_id": row.id,
        "prev_hash": row.prev_hash,
        "record_hash": row.record_hash,
        "body": row.body,
        "content": row.content,
        "title": row.title,
        "personal": row.personal,
    }


def _write_records(
    zf: zipfile.ZipFile,
    session: Session,
    filters: ExportFilters,
    last_seq: int,
    stats: ReportStats,
    progress: Progress | None,
) -> dict[str, Any]:
    with zf.open("records.jsonl", "w", force_zip64=True) as raw:
        out = _HashingWriter(raw)
        for row in export_query.stream(session, filters, last_seq):
            out.write_line(record_line(row))
            stats.add(row)
            if progress and out.lines % 500 == 0:
                progress(out.lines, stats.expected)
    if progress:
        progress(out.lines, stats.expected)
    return out.summary()


def _write_chain(
    zf: zipfile.ZipFile, session: Session, tenant_id: str, first: int, last: int
) -> dict[str, Any]:
    with zf.open("chain.jsonl", "w", force_zip64=True) as raw:
        out = _HashingWriter(raw)
        if first:
            for seq, body in export_query.stream_segment(session, tenant_id, first, last):
                out.write_line({"seq": seq, "body_sha256": sha256_hex(body)})
    return out.summary()


def _segment(session: Session, tenant_id: str, first: int | None) -> dict[str, Any]:
    head = session.get(ChainHead, tenant_id)
    last_seq, end_hash = (head.seq, head.head_hash) if head else (0, GENESIS_HASH)
    start = first or 0
    prev = export_query.prev_hash_at(session, tenant_id, start) if start else end_hash
    return {
        "tenant_id": tenant_id,
        "first_seq": start,
        "last_seq": last_seq if start else 0,
        "start_prev_hash": prev,
        "end_hash": end_hash,
        "hash_rule": HASH_RULE,
    }


def write_bundle(
    session: Session,
    filters: ExportFilters,
    meta: ExportMeta,
    signer: Signer,
    out_path: Path,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the bundle to `out_path` (atomically) and return its manifest.

    Reads only; the caller creates a checkpoint first (so the segment ends at a signed head)
    and writes the access audit entry.
    """
    tenant = session.get(Tenant, filters.tenant_id)
    if tenant is None:
        raise ExportError(f"no tenant {filters.tenant_id!r}")
    head = session.get(ChainHead, tenant.id)
    head_seq = head.seq if head else 0
    total, first = export_query.count(session, filters, head_seq)
    segment = _segment(session, tenant.id, first)
    # Only checkpoints of the key that signs the manifest: an offline verifier holds that one
    # public key (checkpoints of a replaced key verify at home with `records verify`).
    cps = [
        cp
        for cp in checkpoints.in_range(
            session, tenant.id, segment["first_seq"], segment["last_seq"]
        )
        if cp.key_id == signer.key_id
    ]
    stats = ReportStats(expected=total)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    part = out_path.with_name(out_path.name + ".part")
    files: dict[str, Any] = {}
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        files["records.jsonl"] = _write_records(zf, session, filters, head_seq, stats, progress)
        files["chain.jsonl"] = _write_chain(
            zf, session, tenant.id, segment["first_seq"], segment["last_seq"]
        )
        manifest = {
            "format": FORMAT,
            "export_id": meta.export_id,
            "created_at": iso(utcnow()),
            "tenant": {"id": tenant.id, "name": tenant.name},
            "exporter": meta.exporter,
            "requested_by": meta.requested_by,
            "reason": meta.reason,
            "legal_basis": meta.legal_basis,
            "request_ref": meta.request_ref,
            "filters": filters.to_manifest(),
            "counts": stats.counts(),
            "chain": segment,
            "checkpoints": [checkpoints.checkpoint_dict(cp) for cp in cps],
            "signing_key_id": signer.key_id,
        }
        with zf.open("report.html", "w") as raw:
            report = _HashingWriter(raw)
            write_report(report, manifest, stats)
            files["report.html"] = report.summary()
        manifest["files"] = files
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("manifest.sig", signer.sign(manifest_bytes) + "\n")
    os.replace(part, out_path)
    stats.close()
    return manifest


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

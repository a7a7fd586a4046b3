"""Offline verification of an export bundle with only the public key (no database, no network).

Checks, in order: the files present, the manifest signature, every file's SHA-256 and size,
the chain segment (continuity from the anchor to the end hash, the signed checkpoints on it),
and every exported record (canonical body, hash on the chain, payload hashes, tenant, filters).
Each problem names the file, line and field that is wrong.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from moderation.records.canonical import link_hash, sha256_hex
from moderation.records.linkcheck import check_payload, missing_payloads, parse_body
from moderation.records.signing import key_id, verify_checkpoint_dict, verify_signature

REQUIRED = ("manifest.json", "manifest.sig", "records.jsonl", "chain.jsonl", "report.html")
MAX_PROBLEMS = 20


@dataclass
class BundleReport:
    """What `export verify` found."""

    problems: list[str] = field(default_factory=list)
    records: int = 0
    segment: tuple[int, int] = (0, 0)
    checkpoints: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def verify_bundle(path: Path, public_key: Ed25519PublicKey) -> BundleReport:
    """Verify the bundle at `path` against `public_key`."""
    report = BundleReport()
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.add(f"{path}: not a readable zip file ({exc})")
        return report
    with zf:
        names = set(zf.namelist())
        for name in REQUIRED:
            if name not in names:
                report.add(f"{name}: missing from the bundle")
        if "manifest.json" not in names or "manifest.sig" not in names:
            return report
        manifest = _check_manifest(zf, public_key, report)
        if manifest is None:
            return report
        report.manifest = manifest
        _check_files(zf, names, manifest, report)
        if {"chain.jsonl", "records.jsonl"} <= names:
            _walk(zf, manifest, public_key, report)
    return report


def _check_manifest(
    zf: zipfile.ZipFile, public_key: Ed25519PublicKey, report: BundleReport
) -> dict[str, Any] | None:
    data = zf.read("manifest.json")
    signature = zf.read("manifest.sig").decode("ascii", "replace").strip()
    if not verify_signature(public_key, data, signature):
        report.add(
            f"manifest.sig: signature does not verify with public key {key_id(public_key)} "
            "(manifest edited, signature replaced, or a different key)"
        )
        return None
    try:
        manifest: dict[str, Any] = json.loads(data)
    except ValueError:
        report.add("manifest.json: not valid JSON")
        return None
    if manifest.get("signing_key_id") != key_id(public_key):
        report.add("manifest.json: signing_key_id does not match the public key")
    return manifest


def _check_files(
    zf: zipfile.ZipFile, names: set[str], manifest: dict[str, Any], report: BundleReport
) -> None:
    listed = manifest.get("files") or {}
    for extra in sorted(names - set(listed) - {"manifest.json", "manifest.sig"}):
        report.add(f"{extra}: file not listed in the manifest")
    for name, expected in sorted(listed.items()):
        if name not in names:
            report.add(f"{name}: listed in the manifest but missing")
            continue
        digest, size = hashlib.sha256(), 0
        with zf.open(name) as handle:
            for chunk in iter(lambda h=handle: h.read(1 << 20), b""):  # type: ignore[misc]
                digest.update(chunk)
                size += len(chunk)
        if digest.hexdigest() != expected.get("sha256") or size != expected.get("bytes"):
            report.add(f"{name}: SHA-256 or size differs from the manifest (file changed)")


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, Any]]:
    for number, raw in enumerate(handle, start=1):
        try:
            yield number, json.loads(raw)
        except ValueError:
            yield number, None


@dataclass
class _Records:
    """A cursor over records.jsonl, in file order."""

    lines: Iterator[tuple[int, Any]]
    report: BundleReport
    current: tuple[int, dict[str, Any]] | None = None

    def advance(self) -> None:
        for number, line in self.lines:
            if isinstance(line, dict) and isinstance(line.get("body"), str):
                self.report.records += 1
                self.current = (number, line)
                return
            self.report.add(f"records.jsonl line {number}: not a record object")
        self.current = None

    def seq(self) -> int | None:
        if self.current is None:
            return None
        value = self.current[1].get("seq")
        return value if isinstance(value, int) else -1


def _check_checkpoint_signatures(
    manifest: dict[str, Any], public_key: Ed25519PublicKey, report: BundleReport
) -> dict[int, dict[str, Any]]:
    chain = manifest.get("chain") or {}
    if chain.get("tenant_id") != (manifest.get("tenant") or {}).get("id"):
        report.add("manifest.json: the chain segment belongs to another tenant")
    cps = {int(cp.get("seq", -1)): cp for cp in manifest.get("checkpoints") or []}
    for cp in cps.values():
        if cp.get("tenant_id") != chain.get("tenant_id") or not verify_checkpoint_dict(
            cp, public_key
        ):
            report.add(f"manifest.json: checkpoint at seq {cp.get('seq')} has a bad signature")
    report.checkpoints = len(cps)
    return cps


def _walk(
    zf: zipfile.ZipFile,
    manifest: dict[str, Any],
    public_key: Ed25519PublicKey,
    report: BundleReport,
) -> None:
    """Walk chain.jsonl and records.jsonl together (both in seq order; bounded memory)."""
    chain = manifest.get("chain") or {}
    first, last = int(chain.get("first_seq") or 0), int(chain.get("last_seq") or 0)
    report.segment = (first, last)
    cps = _check_checkpoint_signatures(manifest, public_key, report)
    tenant_id = (manifest.get("tenant") or {}).get("id")
    prev, expected = str(chain.get("start_prev_hash")), first
    with zf.open("chain.jsonl") as chain_file, zf.open("records.jsonl") as records_file:
        records = _Records(_lines(records_file), report)
        records.advance()
        for number, entry in _lines(chain_file):
            if not isinstance(entry, dict) or entry.get("seq") != expected:
                report.add(f"chain.jsonl line {number}: expected seq {expected}")
                return
            body_sha = str(entry.get("body_sha256"))
            before, prev = prev, link_hash(prev, body_sha)
            if expected in cps and cps[expected].get("head_hash") != prev:
                report.add(f"chain.jsonl: does not reach the signed checkpoint at seq {expected}")
            while records.current is not None and (records.seq() or 0) <= expected:
                rec_number, line = records.current
                problem = (
                    _record_problem(line, tenant_id, body_sha, before, prev)
                    if records.seq() == expected
                    else "seq: out of order, repeated or outside the chain segment"
                )
                if problem:
                    report.add(
                        f"records.jsonl line {rec_number} (seq {line.get('seq')}): {problem}"
                    )
                records.advance()
            expected += 1
        while records.current is not None:
            rec_number, line = records.current
            report.add(
                f"records.jsonl line {rec_number}: seq {line.get('seq')} is outside the "
                "chain segment"
            )
            records.advance()
    if first and expected - 1 != last:
        report.add(f"chain.jsonl: segment ends at seq {expected - 1}, manifest says {last}")
    if prev != chain.get("end_hash"):
        report.add("chain.jsonl: recomputed end hash differs from the manifest's end_hash")
    wanted = (manifest.get("counts") or {}).get("records")
    if wanted != report.records:
        report.add(f"records.jsonl: {report.records} records, the manifest says {wanted}")


def _record_problem(
    line: dict[str, Any], tenant_id: str | None, body_sha: str, prev: str, record_hash: str
) -> str | None:
    """What is wrong with one exported record, given its chain position; None when fine."""
    body, problem = parse_body(line["body"])
    if body is None:
        return f"body: {problem}"
    if body.get("seq") != line.get("seq"):
        return "seq: differs from the body"
    if body.get("tenant_id") != tenant_id:
        return "body: tenant_id is not the exported tenant"
    if sha256_hex(line["body"]) != body_sha:
        return "body: SHA-256 is not the one on the chain segment (record edited)"
    if line.get("prev_hash") != prev or line.get("record_hash") != record_hash:
        return "record_hash/prev_hash: do not match the chain"
    for name in ("content", "title", "personal"):
        value = line.get(name)
        payload = check_payload(body, name, value if isinstance(value, str) else None)
        if payload:
            return payload
    gone = missing_payloads(body, {n: line.get(n) for n in ("content", "title", "personal")})
    if gone and body.get("kind") != "tombstone" and "content" not in gone:
        return f"{', '.join(gone)}: missing while the content is present"
    return None

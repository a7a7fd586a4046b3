"""Export bundles: round trip, offline verification, every kind of tampering, audit entries."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from moderation.models.base import utcnow
from moderation.models.records import AccessAudit, ExportJob
from moderation.records import exports, holds, signing
from moderation.records.bundle_verify import verify_bundle
from moderation.records.export_query import ExportError, ExportFilters
from moderation.records.retention import RetentionPolicy, purge
from tests.records.conftest import make_block


def _export(runtime, session, tenant_id, signer, tmp_path, **filters) -> Path:
    job = exports.request_export(
        session,
        ExportFilters(tenant_id, **filters),
        reason="公安机关调取证据 / police evidence request",
        requested_by="officer Wang",
        exporter="compliance-1",
        legal_basis="网络安全法第四十七条",
        request_ref="京公网调字[2026]001号",
    )
    session.commit()
    out = tmp_path / "bundle.zip"
    exports.run_export(runtime.sessions, job.id, signer, out)
    return out


@pytest.fixture
def bundle(runtime, session, tenant_id, signer, tmp_path):
    for i in range(5):
        make_block(
            session, tenant_id, f"第{i}条 代开发票", category="fraud" if i % 2 else "gambling"
        )
    session.commit()
    return _export(runtime, session, tenant_id, signer, tmp_path)


def _rewrite(src: Path, dst: Path, replace: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            if name in replace:
                if replace[name] is not None:
                    zout.writestr(name, replace[name])
            else:
                zout.writestr(name, zin.read(name))
        for name, data in replace.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)
    return dst


def _resign(path: Path, signer: signing.Signer) -> Path:
    """Recompute the manifest's file hashes and sign it again (a forger with a key)."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for name in manifest["files"]:
            data = zf.read(name)
            manifest["files"][name].update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    manifest["signing_key_id"] = signer.key_id
    raw = json.dumps(manifest).encode()
    out = path.with_name("resigned.zip")
    return _rewrite(path, out, {"manifest.json": raw, "manifest.sig": signer.sign(raw).encode()})


def _lines(path: Path, name: str = "records.jsonl") -> list[dict]:
    with zipfile.ZipFile(path) as zf:
        return [json.loads(x) for x in zf.read(name).decode().splitlines()]


def _jsonl(lines: list[dict]) -> bytes:
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines).encode()


def test_it_round_trips_a_signed_bundle(bundle, signer, session):
    report = verify_bundle(bundle, signer.public_key)
    assert report.ok, report.problems
    assert report.records == 5 and report.checkpoints == 1
    manifest = report.manifest
    assert manifest["counts"]["by_category"] == {"fraud": 2, "gambling": 3}
    assert manifest["legal_basis"] == "网络安全法第四十七条"
    assert manifest["request_ref"].startswith("京公网")
    assert manifest["exporter"] == "compliance-1" and manifest["requested_by"] == "officer Wang"
    assert set(manifest["files"]) == {"records.jsonl", "chain.jsonl", "report.html"}
    first = _lines(bundle)[0]
    assert json.loads(first["personal"])["author_id"] == "u-42"
    with zipfile.ZipFile(bundle) as zf:
        html = zf.read("report.html").decode()
    assert "证据导出报告 / Evidence export report" in html and "<svg" in html
    assert "第0条 代开发票" in html
    job = session.scalar(select(ExportJob))
    assert job.status == "done" and job.done == 5 and job.bundle_sha256
    entry = session.scalar(select(AccessAudit).where(AccessAudit.export_id == job.id))
    assert entry.channel == "export" and entry.actor == "compliance-1"
    assert entry.purpose.startswith("公安机关") and entry.detail["records"] == 5


def test_a_filtered_export_still_proves_continuity(runtime, session, tenant_id, signer, tmp_path):
    for i in range(6):
        make_block(
            session,
            tenant_id,
            f"第{i}条 代开发票",
            category="fraud" if i % 2 else "gambling",
            author="u-1" if i < 3 else "u-2",
        )
    session.commit()
    out = _export(runtime, session, tenant_id, signer, tmp_path, category="fraud", author="u-2")
    report = verify_bundle(out, signer.public_key)
    assert report.ok, report.problems
    assert [x["seq"] for x in _lines(out)] == [4, 6]
    assert report.segment == (4, 6)
    assert "u-2" not in json.dumps(report.manifest)  # the author filter is a blind index


def test_it_exports_by_case_and_date(runtime, session, tenant_id, signer, tmp_path):
    records = [make_block(session, tenant_id, f"第{i}条 代开发票")[2] for i in range(3)]
    holds.link_case(session, tenant_id, "CASE-7", [records[1].id], "officer")
    session.commit()
    today = utcnow().date().isoformat()
    out = _export(
        runtime, session, tenant_id, signer, tmp_path, case="CASE-7", date_from=today, date_to=today
    )
    assert [x["record_id"] for x in _lines(out)] == [records[1].id]
    assert verify_bundle(out, signer.public_key).ok


def test_purged_records_export_and_verify(runtime, session, tenant_id, signer, tmp_path):
    from datetime import timedelta

    make_block(session, tenant_id, at=utcnow() - timedelta(days=400))
    make_block(session, tenant_id, "新 代开发票")
    session.commit()
    purge(session, RetentionPolicy(180))
    session.commit()
    out = _export(runtime, session, tenant_id, signer, tmp_path)
    lines = _lines(out)
    assert lines[0]["content"] is None and lines[2]["body"].count("tombstone") == 1
    assert verify_bundle(out, signer.public_key).ok


def test_it_rejects_bad_export_requests(session, tenant_id):
    with pytest.raises(ExportError, match="date_from must be a date"):
        ExportFilters(tenant_id, date_from="last month")
    with pytest.raises(ExportError, match="reason is required"):
        exports.request_export(
            session, ExportFilters(tenant_id), reason=" ", requested_by="x", exporter="y"
        )
    with pytest.raises(ExportError, match="no tenant"):
        exports.request_export(
            session, ExportFilters("nope"), reason="r", requested_by="x", exporter="y"
        )


def _edit_content(path: Path) -> bytes:
    lines = _lines(path)
    lines[2]["content"] = lines[2]["content"].replace("代开", "代关")
    return _jsonl(lines)


TAMPERING = {
    "record content edited": (lambda b: {"records.jsonl": _edit_content(b)}, "records.jsonl"),
    "record removed": (
        lambda b: {"records.jsonl": _jsonl(_lines(b)[:2] + _lines(b)[3:])},
        "records.jsonl",
    ),
    "records reordered": (
        lambda b: {"records.jsonl": _jsonl(list(reversed(_lines(b))))},
        "records.jsonl",
    ),
    "report edited": (lambda b: {"report.html": b"<html>nothing to see</html>"}, "report.html"),
    "chain edited": (
        lambda b: {"chain.jsonl": _jsonl(_lines(b, "chain.jsonl")[:-1])},
        "chain.jsonl",
    ),
    "manifest edited": (
        lambda b: {
            "manifest.json": zipfile.ZipFile(b)
            .read("manifest.json")
            .replace(b"officer Wang", b"officer Li")
        },
        "manifest.sig",
    ),
    "signature replaced": (lambda b: {"manifest.sig": b"AAAA\n"}, "manifest.sig"),
    "file added": (lambda b: {"extra.txt": b"hello"}, "extra.txt"),
    "file removed": (lambda b: {"chain.jsonl": None}, "chain.jsonl"),
    "signature removed": (lambda b: {"manifest.sig": None}, "manifest.sig"),
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_every_kind_of_tampering_is_named(bundle, signer, tmp_path, kind):
    change, culprit = TAMPERING[kind]
    tampered = _rewrite(bundle, tmp_path / "tampered.zip", change(bundle))
    report = verify_bundle(tampered, signer.public_key)
    assert not report.ok
    assert any(p.startswith(culprit) for p in report.problems), report.problems


def test_a_bundle_signed_with_another_key_fails(bundle, tmp_path, signer):
    forger = signing.generate(tmp_path / "forger.pem")
    forged = _rewrite(bundle, tmp_path / "forged.zip", {"records.jsonl": _edit_content(bundle)})
    report = verify_bundle(_resign(forged, forger), signer.public_key)
    assert not report.ok and "manifest.sig" in report.problems[0]
    assert verify_bundle(bundle, forger.public_key).problems[0].startswith("manifest.sig")


def test_a_resigned_edit_is_still_caught_by_the_chain(bundle, signer, tmp_path):
    # even someone holding the signing key cannot edit a record without breaking its hashes
    forged = _rewrite(bundle, tmp_path / "forged.zip", {"records.jsonl": _edit_content(bundle)})
    report = verify_bundle(_resign(forged, signer), signer.public_key)
    assert report.problems == [
        "records.jsonl line 3 (seq 3): content: SHA-256 does not match content_sha256 in the "
        "body (edited?)"
    ]
    lines = _lines(bundle)
    body = json.loads(lines[1]["body"])
    body["categories"] = ["spam"]
    lines[1]["body"] = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    forged = _rewrite(bundle, tmp_path / "forged2.zip", {"records.jsonl": _jsonl(lines)})
    problems = verify_bundle(_resign(forged, signer), signer.public_key).problems
    assert problems == [
        "records.jsonl line 2 (seq 2): body: SHA-256 is not the one on the chain segment "
        "(record edited)"
    ]


def test_a_file_that_is_not_a_zip_is_named(tmp_path, signer):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    assert "not a readable zip" in verify_bundle(path, signer.public_key).problems[0]


def test_an_empty_export_verifies(runtime, session, tenant_id, signer, tmp_path):
    make_block(session, tenant_id)
    session.commit()
    out = _export(runtime, session, tenant_id, signer, tmp_path, category="terrorism")
    report = verify_bundle(out, signer.public_key)
    assert report.ok, report.problems
    assert report.records == 0 and _lines(out) == []


def test_a_resigned_relinked_record_is_caught(bundle, signer, tmp_path):
    from moderation.records.canonical import link_hash, sha256_hex

    lines = _lines(bundle)
    lines[1]["prev_hash"] = "f" * 64  # re-link it elsewhere, with a self-consistent hash
    lines[1]["record_hash"] = link_hash(lines[1]["prev_hash"], sha256_hex(lines[1]["body"]))
    forged = _rewrite(bundle, tmp_path / "forged.zip", {"records.jsonl": _jsonl(lines)})
    problems = verify_bundle(_resign(forged, signer), signer.public_key).problems
    assert problems == [
        "records.jsonl line 2 (seq 2): record_hash/prev_hash: do not match the chain"
    ]
    twice = _jsonl(_lines(bundle) + _lines(bundle)[:1])
    duplicated = _rewrite(bundle, tmp_path / "dup.zip", {"records.jsonl": twice})
    problems = verify_bundle(_resign(duplicated, signer), signer.public_key).problems
    assert problems[0] == (
        "records.jsonl line 6 (seq 1): seq: out of order, repeated or outside the chain segment"
    )

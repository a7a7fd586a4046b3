"""Benchmark: export N evidence records (default 100,000) and verify the bundle.

Seeds one tenant's chain with N records (bulk insert of properly chained records), then runs
the export in a fresh process and prints its time and peak RSS, and the offline verification
time. Memory should stay flat as N grows (the export streams).

    python bench/bench_export.py [--records 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moderation.config import Settings  # noqa: E402
from moderation.db import create_schema  # noqa: E402
from moderation.runtime import Runtime  # noqa: E402

TEXT = "加微信 13800138000 代开发票，保真，量大从优。第{}条"


def settings_for(instance: Path, url: str) -> Settings:
    return Settings(
        instance_dir=instance,
        database_url=url,
        redis_url="redis://127.0.0.1:6379/11",
        secret_key="bench",
        field_keys={"b1": b"b" * 32},
        active_field_key="b1",
        blind_index_key=b"i" * 32,
    )


def seed(runtime: Runtime, n: int) -> str:
    """Create a tenant and n chained evidence records; returns the tenant id."""
    from sqlalchemy import insert

    from moderation.models.base import new_id
    from moderation.models.records import ChainHead, EvidenceRecord
    from moderation.records.canonical import GENESIS_HASH, canonical_json, link_hash, sha256_hex
    from moderation.records.chain import NewRecord, build_body, category_field, seal_personal
    from moderation.tenancy import create_tenant

    with runtime.sessions() as s:
        tenant = create_tenant(s, f"bench-{new_id()[:6]}")
        s.commit()
        tenant_id = tenant.id
    prev, start = GENESIS_HASH, datetime(2026, 10, 1, tzinfo=UTC)
    rows: list[dict[str, object]] = []
    with runtime.db_engine.begin() as conn:
        for seq in range(1, n + 1):
            content = TEXT.format(seq)
            decided = start + timedelta(seconds=seq * 20)
            new = NewRecord(
                kind="verdict_block",
                decided_at=decided,
                decided_by="worker:bench",
                categories=["fraud"],
                submission_id=new_id(),
                external_id=f"post-{seq}",
                received_at=decided - timedelta(seconds=1),
                verdict={
                    "action": "block",
                    "categories": [{"code": "fraud", "score": 0.97}],
                    "hits": [{"term": "代开发票", "start": 16, "end": 20}],
                    "reasons": [],
                },
                versions={"lexicon": "lex", "model": "m", "policy": "p"},
                content=content,
                personal={"author_id": f"u-{seq % 977}", "author_ip": "203.0.113.9"},
            )
            record_id = new_id()
            personal = seal_personal(new.personal)
            body = canonical_json(build_body(new, record_id, tenant_id, seq, personal))
            record_hash = link_hash(prev, sha256_hex(body))
            rows.append(
                {
                    "id": record_id,
                    "tenant_id": tenant_id,
                    "seq": seq,
                    "kind": new.kind,
                    "submission_id": new.submission_id,
                    "refers_to": None,
                    "categories": category_field(new.categories),
                    "author_hash": None,
                    "decided_at": decided,
                    "body": body,
                    "content": content,
                    "title": None,
                    "personal": personal,
                    "prev_hash": prev,
                    "record_hash": record_hash,
                }
            )
            prev = record_hash
            if len(rows) == 5000:
                conn.execute(insert(EvidenceRecord), rows)
                rows = []
        if rows:
            conn.execute(insert(EvidenceRecord), rows)
        conn.execute(
            insert(ChainHead).values(
                tenant_id=tenant_id, seq=n, head_hash=prev, updated_at=datetime.now(UTC)
            )
        )
    return tenant_id


def export_child(instance: str, url: str, tenant_id: str, out: str, queue: object) -> None:
    """Runs in a fresh process so its peak RSS is the export's alone."""
    from moderation.records import exports, signing
    from moderation.records.export_query import ExportFilters

    runtime = Runtime(settings_for(Path(instance), url))
    signer = signing.load_signer(Path(instance) / "evidence_signing_key.pem")
    with runtime.sessions() as s:
        job = exports.request_export(
            s, ExportFilters(tenant_id), reason="bench", requested_by="bench", exporter="bench"
        )
        s.commit()
    started = time.perf_counter()
    exports.run_export(runtime.sessions, job.id, signer, Path(out))
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((elapsed, peak_kb))  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from moderation.records import signing
    from moderation.records.bundle_verify import verify_bundle

    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "instance"
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        runtime = Runtime(settings_for(instance, url))
        create_schema(runtime.db_engine)
        signer = signing.generate(instance / "evidence_signing_key.pem")
        t0 = time.perf_counter()
        tenant_id = seed(runtime, args.records)
        print(f"seeded {args.records} chained records in {time.perf_counter() - t0:.1f} s")
        out = Path(tmp) / "bundle.zip"
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        child = ctx.Process(
            target=export_child, args=(str(instance), url, tenant_id, str(out), queue)
        )
        child.start()
        elapsed, peak_kb = queue.get()
        child.join()
        size = out.stat().st_size / 1e6
        print(
            f"export: {args.records} records in {elapsed:.1f} s "
            f"({args.records / elapsed:,.0f} records/s), bundle {size:.1f} MB, "
            f"peak RSS of the exporting process {peak_kb / 1024:.0f} MB"
        )
        t1 = time.perf_counter()
        report = verify_bundle(out, signer.public_key)
        print(
            f"verify: {'OK' if report.ok else report.problems} in {time.perf_counter() - t1:.1f} s"
        )


if __name__ == "__main__":
    main()

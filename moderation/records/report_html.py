"""The export bundle's human-readable report (HTML, Chinese and English headings)."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from typing import IO, Any, Protocol

from moderation.records.svg import column_chart, hbar_chart, page_start, table

#: Records listed one by one in the report; all of them are in records.jsonl.
MAX_ROWS = 5000
EXCERPT = 160


class _Writer(Protocol):
    def write(self, data: bytes) -> None: ...


@dataclass
class ReportStats:
    """Counts gathered while records stream past, plus the first MAX_ROWS table rows."""

    expected: int = 0
    total: int = 0
    purged: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    by_day: Counter[str] = field(default_factory=Counter)
    _rows: IO[bytes] = field(default_factory=lambda: tempfile.SpooledTemporaryFile(1 << 20))  # noqa: SIM115 (closed by close())

    def add(self, row: Any) -> None:
        """Count one record row and keep its table row if there is room."""
        body = json.loads(row.body)
        self.total += 1
        self.by_kind[body["kind"]] += 1
        for code in body.get("categories") or ["—"]:
            self.by_category[code] += 1
        self.by_day[body["decided_at"][:10]] += 1
        purged = body.get("content_sha256") is not None and row.content is None
        self.purged += purged
        if self.total <= MAX_ROWS:
            self._rows.write(_row_html(body, row.content, purged).encode("utf-8"))

    def counts(self) -> dict[str, Any]:
        """The counts for the manifest."""
        return {
            "records": self.total,
            "purged": self.purged,
            "by_kind": dict(sorted(self.by_kind.items())),
            "by_category": dict(sorted(self.by_category.items())),
        }

    def rows(self) -> IO[bytes]:
        self._rows.seek(0)
        return self._rows

    def close(self) -> None:
        self._rows.close()


def _row_html(body: dict[str, Any], content: str | None, purged: bool) -> str:
    if purged:
        text = "（已按保留期限删除 / deleted after retention）"
    else:
        text = content or ""
        text = text if len(text) <= EXCERPT else text[:EXCERPT] + "…"
    cells = [
        str(body["seq"]),
        body["decided_at"][:19].replace("T", " "),
        body["kind"],
        ", ".join(body.get("categories") or []),
        body.get("external_id") or "",
        text,
        body.get("decided_by") or "",
        body["record_id"],
    ]
    return "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>\n"


def write_report(out: _Writer, manifest: dict[str, Any], stats: ReportStats) -> None:
    """Write the report page for a bundle whose manifest (minus files) is given."""

    def put(html: str) -> None:
        out.write(html.encode("utf-8"))

    put(page_start("证据导出报告 Evidence export report"))
    put("<h1>证据导出报告 / Evidence export report</h1>\n")
    put("<h2>导出信息 / Export details</h2>\n")
    info = [
        ["租户 Tenant", f"{manifest['tenant']['name']} ({manifest['tenant']['id']})"],
        ["导出编号 Export id", manifest["export_id"]],
        ["生成时间 Created at", manifest["created_at"]],
        ["导出人 Exporter", manifest["exporter"]],
        ["请求人 Requested by", manifest["requested_by"]],
        ["事由 Reason", manifest["reason"]],
        ["法律依据 Legal basis", manifest.get("legal_basis") or "—"],
        ["请求文号 Request reference", manifest.get("request_ref") or "—"],
        ["筛选条件 Filters", json.dumps(manifest["filters"], ensure_ascii=False)],
    ]
    put(table(["项目 Item", "内容 Value"], info))
    put("\n<h2>概要 / Summary</h2>\n")
    summary = [
        ["记录数 Records", str(stats.total)],
        ["已删除内容 Content deleted after retention", str(stats.purged)],
        *[[f"类型 Kind: {k}", str(v)] for k, v in sorted(stats.by_kind.items())],
    ]
    put(table(["项目 Item", "数量 Count"], summary))
    put("\n<h2>按类别 / By category</h2>\n")
    put(hbar_chart([(k, float(v)) for k, v in stats.by_category.most_common()]))
    put("\n<h2>按日期 / By day</h2>\n")
    put(column_chart([(k, float(v)) for k, v in sorted(stats.by_day.items())]))
    _write_records_table(put, out, stats)
    _write_chain_section(put, manifest)
    put("</body></html>\n")


def _write_records_table(put: Any, out: _Writer, stats: ReportStats) -> None:
    put("\n<h2>记录 / Records</h2>\n")
    if stats.total > MAX_ROWS:
        put(
            f'<p class="muted">列出前 {MAX_ROWS} 条，共 {stats.total} 条；'
            "完整数据见 records.jsonl。"
            f" First {MAX_ROWS} of {stats.total} shown; all are in records.jsonl.</p>\n"
        )
    headers = [
        "序号 Seq",
        "决定时间 Decided",
        "类型 Kind",
        "类别 Categories",
        "外部编号 External id",
        "内容 Content",
        "决定者 Decided by",
        "记录编号 Record id",
    ]
    put("<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr>\n")
    rows = stats.rows()
    for chunk in iter(lambda: rows.read(1 << 16), b""):
        out.write(chunk)
    put("</table>\n")


def _write_chain_section(put: Any, manifest: dict[str, Any]) -> None:
    chain = manifest["chain"]
    put("\n<h2>哈希链与签名 / Hash chain and signature</h2>\n")
    rows = [
        ["链区间 Segment", f"seq {chain['first_seq']} – {chain['last_seq']}"],
        ["起始前哈希 Start prev hash", chain["start_prev_hash"]],
        ["末端哈希 End hash", chain["end_hash"]],
        ["哈希规则 Hash rule", chain["hash_rule"]],
        ["签名检查点 Signed checkpoints", str(len(manifest["checkpoints"]))],
        ["签名密钥 Signing key id", manifest["signing_key_id"]],
    ]
    put(table(["项目 Item", "内容 Value"], rows))
    put(
        '\n<p class="muted">校验 / Verify: <code>moderation export verify bundle.zip '
        "--public-key evidence_signing_key.pub.pem</code></p>\n"
    )

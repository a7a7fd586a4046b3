"""Tiny inline-SVG charts for the HTML reports (no JavaScript, nothing from the internet)."""

from __future__ import annotations

from html import escape

PALETTE = ("#3b6ea8", "#c0504d", "#9bbb59", "#8064a2", "#4bacc6", "#f79646", "#7f7f7f")


def hbar_chart(items: list[tuple[str, float]], *, unit: str = "", width: int = 640) -> str:
    """Horizontal bars, one per (label, value), longest first as given."""
    if not items:
        return '<p class="empty">—</p>'
    row, label_w = 24, 160
    peak = max(value for _, value in items) or 1
    height = row * len(items) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" viewBox="0 0 {width} {height}">'
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        bar = max(1.0, (width - label_w - 80) * value / peak)
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="{row - 8}" '
            f'fill="{colour}"><title>{escape(label)}: {value:g}{unit}</title></rect>'
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 16}" font-size="12">{value:g}{unit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(items: list[tuple[str, float]], *, width: int = 720, height: int = 220) -> str:
    """Vertical columns over time (labels are days), with first/last labels on the axis."""
    if not items:
        return '<p class="empty">—</p>'
    pad_l, pad_b, pad_t = 40, 30, 10
    plot_w, plot_h = width - pad_l - 10, height - pad_b - pad_t
    peak = max(value for _, value in items) or 1
    step = plot_w / len(items)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" viewBox="0 0 {width} {height}">',
        f'<line x1="{pad_l}" y1="{pad_t + plot_h}" x2="{width - 10}" y2="{pad_t + plot_h}" '
        'stroke="#444"/>',
        f'<text x="{pad_l - 4}" y="{pad_t + 10}" text-anchor="end" font-size="11">{peak:g}</text>',
    ]
    for i, (label, value) in enumerate(items):
        h = plot_h * value / peak
        x = pad_l + i * step
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{pad_t + plot_h - h:.1f}" '
            f'width="{max(step * 0.8, 1):.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {value:g}</title></rect>"
        )
    for index, anchor in ((0, "start"), (len(items) - 1, "end")):
        x = pad_l + (index + (0 if anchor == "start" else 1)) * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - 10}" text-anchor="{anchor}" font-size="11">'
            f"{escape(items[index][0])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


PAGE_STYLE = (
    "body{font-family:'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;"
    "margin:2em;color:#222}table{border-collapse:collapse;font-size:13px}"
    "td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}"
    "th{background:#f0f0f0}code{font-size:12px}h1,h2{font-weight:600}"
    ".empty{color:#888}.muted{color:#666;font-size:12px}"
)


def page_start(title: str) -> str:
    """The start of a self-contained HTML page (UTF-8, inline style)."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head><body>\n"
    )


def table(headers: list[str], rows: list[list[str]]) -> str:
    """An HTML table; cells are escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"

"""Inline SVG charts for the dashboard (no JavaScript, no CDN; escaped labels)."""

from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = (
    "#2f6fdf", "#d9480f", "#2b8a3e", "#ae3ec9", "#e8590c", "#1098ad", "#c92a2a",
    "#5c940d", "#862e9c", "#364fc7", "#a61e4d", "#495057",
)  # fmt: skip
APPROVED_COLOUR = "#94a3b8"


def colour_for(key: str, keys: list[str]) -> str:
    """A stable colour per series key (approvals are grey)."""
    if key == "approved":
        return APPROVED_COLOUR
    return PALETTE[keys.index(key) % len(PALETTE)]


def stacked_bars(
    columns: list[str],
    values: dict[str, dict[str, int]],
    title: str,
    width: int = 720,
    height: int = 220,
) -> Markup:
    """Stacked vertical bars: one bar per column label, stacked by series, with a legend."""
    keys = sorted({k for series in values.values() for k in series}, key=_series_order)
    totals = [sum(values.get(c, {}).values()) for c in columns]
    top = max([*totals, 1])
    left, bottom, legend_h = 34, 22, 18 * ((len(keys) + 4) // 5)
    plot_h = height - bottom - 10
    slot = (width - left) / max(len(columns), 1)
    parts = [_axis(left, plot_h, width, top)]
    for i, column in enumerate(columns):
        x, y = left + i * slot + slot * 0.15, float(plot_h)
        for key in keys:
            n = values.get(column, {}).get(key, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{colour_for(key, keys)}"><title>{escape(column)} · {escape(key)}: {n}'
                "</title></rect>"
            )
        if len(columns) <= 16 or i % 2 == 0:
            parts.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{plot_h + 15}" '
                f'class="tick" text-anchor="middle">{escape(column)}</text>'
            )
    parts.append(_legend(keys, width, height, legend_h))
    # Shift down so the top axis label is not clipped.
    return _svg(
        width, height + legend_h + 12, title, ['<g transform="translate(0,12)">', *parts, "</g>"]
    )


def heatmap(rows: dict[str, dict[str, int]], columns: list[str], title: str) -> Markup:
    """A grid (rows × columns) whose cells darken with the count, printed in the cell."""
    cell, label_w, head_h = 26, 120, 34
    width = label_w + cell * len(columns) + 4
    height = head_h + cell * max(len(rows), 1) + 4
    top = max([n for r in rows.values() for n in r.values()] or [1])
    parts: list[str] = []
    for j, column in enumerate(columns):
        if j % 2 == 0:
            parts.append(
                f'<text x="{label_w + j * cell + cell / 2}" y="{head_h - 8}" class="tick" '
                f'text-anchor="middle">{escape(column[:2])}</text>'
            )
    for i, (name, counts) in enumerate(rows.items()):
        y = head_h + i * cell
        parts.append(
            f'<text x="{label_w - 8}" y="{y + cell / 2 + 4}" class="label" '
            f'text-anchor="end">{escape(name[:16])}</text>'
        )
        for j, column in enumerate(columns):
            n = counts.get(column, 0)
            opacity = 0.08 + 0.92 * n / top if n else 0.04
            parts.append(
                f'<rect x="{label_w + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'rx="3" fill="#2f6fdf" fill-opacity="{opacity:.2f}"><title>{escape(name)} '
                f"{escape(column)}: {n}</title></rect>"
            )
            if n:
                fill = "#fff" if n / top > 0.5 else "#1e293b"
                parts.append(
                    f'<text x="{label_w + j * cell + cell / 2 - 1}" y="{y + cell / 2 + 3}" '
                    f'class="cell" text-anchor="middle" fill="{fill}">{n}</text>'
                )
    if not rows:
        parts.append(f'<text x="{label_w}" y="{head_h + 16}" class="label">no decisions</text>')
    return _svg(width, height, title, parts)


def hbars(values: list[tuple[str, float, str]], title: str, unit: str = "") -> Markup:
    """Horizontal bars: (label, value, colour) per row, value printed at the bar's end."""
    row_h, label_w, width = 26, 90, 460
    top = max([v for _l, v, _c in values] + [1])
    parts: list[str] = []
    for i, (label, value, colour) in enumerate(values):
        y = i * row_h + 4
        w = (width - label_w - 70) * value / top
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" class="label" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{row_h - 8}" rx="3" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="label">'
            f"{value:g}{escape(unit)}</text>"
        )
    return _svg(width, row_h * len(values) + 8, title, parts)


def _series_order(key: str) -> tuple[int, str]:
    return (1 if key == "approved" else 0, key)


def _axis(left: int, plot_h: float, width: int, top: int) -> str:
    lines = []
    for frac in (0, 0.5, 1):
        y = plot_h - plot_h * frac
        lines.append(
            f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" class="tick" text-anchor="end">'
            f"{round(top * frac)}</text>"
        )
    return "".join(lines)


def _legend(keys: list[str], width: int, height: int, legend_h: int) -> str:
    parts = []
    per_row, col_w = 5, width / 5
    for i, key in enumerate(keys):
        x, y = 34 + (i % per_row) * col_w, height + (i // per_row) * 18
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="10" height="10" fill="{colour_for(key, keys)}"/>'
            f'<text x="{x + 14:.1f}" y="{y + 9}" class="label">{escape(key)}</text>'
        )
    return "".join(parts)


def _svg(width: float, height: float, title: str, parts: list[str]) -> Markup:
    body = "".join(parts)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>'
    )

"""Printing rows as a table or JSON: the one formatter every list command uses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import typer
from wcwidth import wcswidth, wcwidth


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: a Chinese character takes two, a combining mark none."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcwidth(ch), 0) for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _cell(value: Any, width: int) -> str:
    text = "" if value is None else (value.isoformat(timespec="seconds") if isinstance(value, datetime)
                                      else str(value))
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:  # cut by display width, so a Chinese cell is as wide as an English one
        w = max(wcwidth(ch), 0)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def emit(rows: Sequence[dict[str, Any]], fmt: str, columns: Sequence[str] | None = None,
         width: int = 48) -> None:
    """Print ``rows``; ``fmt`` is ``json`` (an array, machine-readable) or ``table``."""
    if fmt == "json":
        typer.echo(json.dumps(list(rows), ensure_ascii=False, default=_json_default, indent=1))
        return
    if fmt != "table":
        raise typer.BadParameter("--format must be 'table' or 'json'")
    if not rows:
        typer.echo("(none)")
        return
    cols = list(columns or rows[0].keys())
    cells = [[_cell(r.get(c), width) for c in cols] for r in rows]
    widths = [max(display_width(c), *(display_width(row[i]) for row in cells)) for i, c in enumerate(cols)]
    typer.echo("  ".join(_pad(c, w) for c, w in zip(cols, widths, strict=True)).rstrip())
    typer.echo("  ".join("-" * w for w in widths))
    for row in cells:
        typer.echo("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)).rstrip())


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")

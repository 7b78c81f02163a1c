"""Printing rows as a table or JSON: the one formatter every list command uses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import typer


def _cell(value: Any, width: int) -> str:
    text = "" if value is None else (value.isoformat(timespec="seconds") if isinstance(value, datetime)
                                      else str(value))
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


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
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    typer.echo("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    typer.echo("  ".join("-" * w for w in widths))
    for row in cells:
        typer.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")

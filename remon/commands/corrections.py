"""``remon corrections list`` and ``remon export --what corrections``: what people corrected, for
reading in a terminal and as gold-set lines (SCHEMA.md) that turn a team's corrections into
evaluation data (``remon eval`` and ``worker.extract.evaluate.load_jsonl`` read them back)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from remon.commands import context
from worker.alert.render import label, labels

app = typer.Typer(help="What people marked wrong or fixed in the review app.", no_args_is_help=True)

COLUMNS = ["id", "when", "who", "item", "action", "fixed", "article", "note"]
_GROUPS = {"subject": "actors", "actor": "actors", "material": "materials", "measure": "measures",
           "position": "positions"}


def _value(value: float, unit: str | None) -> str:
    from remon.web.charts import format_number

    suffix = labels().get("units", {}).get(unit or "", "") if unit else ""
    return format_number(value) + suffix


def field_text(name: str, value: Any, unit: str | None = None) -> str:
    """A fixed field as a person reads it: a key's label ("refining share"), a value with its unit."""
    if name == "value" and isinstance(value, (int, float)):
        return _value(float(value), unit)
    return label(_GROUPS[name], str(value)) if name in _GROUPS else str(value)


def table_rows(items: list[dict[str, Any]], units: dict[int, str]) -> list[dict[str, Any]]:
    """Corrections as table rows: labels, not raw keys ("measure: refining share", "value: 93.5%").
    ``units`` gives the extracted unit of each corrected statistic, so a fixed value reads with it."""
    out = []
    for c in items:
        fixed = [f"{name}: {field_text(name, c[name])}" for name in ("subject", "material", "measure", "actor",
                                                                       "position") if c.get(name)]
        if c.get("value") is not None:
            fixed.append(f"value: {field_text('value', c['value'], units.get(c['target_id']))}")
        out.append({"id": c["id"], "when": (c.get("created_at") or "")[:16].replace("T", " "), "who": c["who"],
                    "item": f"{c['target_kind']} {c['target_id']}", "action": c["action"],
                    "fixed": ", ".join(fixed), "article": c.get("article_id") or "", "note": c.get("note") or ""})
    return out


def list_rows(db_url: str, *, target_kind: str | None, limit: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the corrections as JSON, the same as table rows), newest first."""
    from storage import corrections
    from storage.db import session_scope

    with session_scope(db_url) as session:
        items, _ = corrections.list_corrections(session, target_kind=target_kind, limit=limit)
        units = corrections.statistic_units(session, [c["target_id"] for c in items
                                                      if c["target_kind"] == "statistic"])
    return items, table_rows(items, units)


def gold_jsonl(db_url: str) -> Iterator[str]:
    """One gold-set line per corrected article, streamed."""
    from storage import corrections
    from storage.db import session_scope

    with session_scope(db_url) as session:
        for line in corrections.gold_lines(session):
            yield json.dumps(line, ensure_ascii=False) + "\n"


@app.command("list")
def corrections_list(fmt: context.Format = "table",
                     target: Annotated[str | None, typer.Option("--target", help="alert, statistic or stance")] = None,
                     limit: Annotated[int, typer.Option("--limit", min=1)] = 100) -> None:
    """Corrections newest first: who, when, the item, wrong or fixed, and the fixed fields."""
    from remon.output import emit
    from storage.corrections import TARGETS

    if target is not None and target not in TARGETS:
        context.fail(f"--target must be one of {', '.join(TARGETS)}")
    settings = context.migrated_settings()
    items, rows = list_rows(settings.database_url_value, target_kind=target, limit=limit)
    emit(items if fmt == "json" else rows, fmt, COLUMNS, width=60)

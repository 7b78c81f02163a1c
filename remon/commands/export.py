"""``remon export``: a whole table as CSV or JSON (the files the web app serves under /api/export),
or the corrections as gold-set JSONL."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from remon.commands import context


def export(
    what: Annotated[str, typer.Option(
        "--what", help="articles, statistics, stances, claims, measures or corrections")] = "statistics",
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or json; jsonl for corrections")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Export a whole table as CSV or JSON (the same files the web app serves under /api/export), or the
    corrections as gold-set JSONL (SCHEMA.md: one line per corrected article, as corrected)."""
    from remon.web.api import export_csv, export_json
    from storage.review import EXPORTS

    if what not in (*EXPORTS, "corrections"):
        context.fail(f"--what must be one of {', '.join(EXPORTS)}, corrections")
    if what == "corrections" and fmt != "jsonl":
        context.fail("--what corrections is written as --format jsonl (the gold-set format)")
    if what != "corrections" and fmt not in ("csv", "json"):
        context.fail("--format must be csv or json")
    settings = context.migrated_settings()
    if what == "corrections":
        from remon.commands.corrections import gold_jsonl

        chunks = gold_jsonl(settings.database_url_value)
    else:
        chunks = (export_csv if fmt == "csv" else export_json)(settings.database_url_value, what)
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as fh:
            for chunk in chunks:
                fh.write(chunk)
    except OSError as exc:  # a full or read-only disk: one line naming the file (main())
        raise OSError(exc.errno, exc.strerror, str(output)) from None
    typer.echo(f"wrote {output}", err=True)

"""``remon eval``: score the extractor against gold files (SCHEMA.md), by language, fold and error class."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from remon.commands import context


def eval_(
    paths: Annotated[list[Path], typer.Argument(help="Gold JSONL files (../shared/eval/dev.jsonl dev2.jsonl).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    fold: Annotated[int | None, typer.Option("--fold", help="Score only this fold (0 … folds-1).")] = None,
    exclude_fold: Annotated[int | None, typer.Option(
        "--exclude-fold", help="Score every fold but this one (the folds you may read while writing rules).")] = None,
    per_fold: Annotated[bool, typer.Option("--per-fold", help="One row of scores per fold.")] = False,
    folds: Annotated[int, typer.Option("--folds", min=2, help="How many folds (by a hash of the id).")] = 5,
    findings: Annotated[int, typer.Option("--findings", min=0, help="How many misses / false hits to list.")] = 200,
    calibration: Annotated[bool, typer.Option("--calibration", help="Print the confidence calibration table.")] = False,
    events: Annotated[Path | None, typer.Option(
        "--events", help="Gold measure events by passage id (tests/golden/measure_events.jsonl).")] = None,
) -> None:
    """Score the extractor against gold files: P/R/F1 by language, error classes, misses and false hits.

    The language of each passage is detected, as it would be for a new feed, not read from the gold line.
    With --events, the passages that file labels are also scored for measure events (docs/measure_events.md).
    """
    from worker.extract.analyze import analyze
    from worker.extract.calibration import format_calibration
    from worker.extract.eval_report import format_report
    from worker.extract.evaluate import attach_events, evaluate, load_jsonl, meets_targets
    from worker.extract.folds import format_folds, select
    from worker.extract.folds import per_fold as score_folds

    for path in paths:
        if not path.is_file():
            context.fail(f"no such file: {path}")
    if fold is not None and exclude_fold is not None:
        context.fail("give --fold or --exclude-fold, not both")
    for name, k in (("--fold", fold), ("--exclude-fold", exclude_fold)):
        if k is not None and not 0 <= k < folds:
            context.fail(f"{name} must be between 0 and {folds - 1}")
    if events is not None and not events.is_file():
        context.fail(f"no such file: {events}")
    gold = [g for path in paths for g in load_jsonl(path)]
    if events is not None:
        gold = attach_events(gold, load_jsonl(events))
    gold = select(gold, folds=folds, only=fold, exclude=exclude_fold)
    predicted = [analyze(g["text"], title=g.get("title"), published=g.get("published")).to_dict() for g in gold]
    report = evaluate(gold, predicted)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    elif per_fold:
        typer.echo(format_folds(score_folds(gold, predicted, folds)))
    else:
        typer.echo(format_report(report, max_findings=findings))
    if calibration and not as_json:
        typer.echo("")
        typer.echo(format_calibration(report.judged))
    failures = meets_targets(report)
    if failures:
        typer.echo("below target: " + "; ".join(failures), err=True)

"""The ``remon`` command line: run the service, manage sources, inspect what was found.

Every command validates the settings once and turns a ``RemonError`` into a one-line message
and a non-zero exit code (2 for bad configuration or input, 1 for runtime failures).
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from worker.config import Settings, load_settings
from worker.errors import ConfigError, RemonError

app = typer.Typer(help="remon: monitor rare-earth and critical-mineral export controls.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
sources_app = typer.Typer(help="Manage the sources remon polls.", no_args_is_help=True)
articles_app = typer.Typer(help="Inspect stored articles.", no_args_is_help=True)
alerts_app = typer.Typer(help="Inspect and retry alerts.", no_args_is_help=True)
notify_app = typer.Typer(help="Check notification channels.", no_args_is_help=True)
stats_app = typer.Typer(help="Numbers found in articles.", no_args_is_help=True)
stances_app = typer.Typer(help="Positions of actors on export controls.", no_args_is_help=True)
claims_app = typer.Typer(help="Attributed claims.", no_args_is_help=True)
corrections_app = typer.Typer(help="What people marked wrong or fixed in the review app.", no_args_is_help=True)
measures_app = typer.Typer(help="Export-control measures and their status.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
app.add_typer(articles_app, name="articles")
app.add_typer(alerts_app, name="alerts")
app.add_typer(notify_app, name="notify")
app.add_typer(stats_app, name="stats")
app.add_typer(stances_app, name="stances")
app.add_typer(claims_app, name="claims")
app.add_typer(corrections_app, name="corrections")
app.add_typer(measures_app, name="measures")

Format = Annotated[str, typer.Option("--format", "-f", help="table or json")]
log = logging.getLogger("remon")


def _settings() -> Settings:
    try:
        settings = load_settings()
        from storage.location import parse_database_url

        parse_database_url(settings.database_url_value)
    except ConfigError as exc:
        typer.echo(f"remon: {exc}", err=True)
        raise typer.Exit(2) from exc
    from remon.logs import setup_logging

    setup_logging(settings)
    return settings


def _runtime() -> Any:
    from tasks.runtime import build_runtime

    settings = _settings()
    try:
        return build_runtime(settings)
    except RemonError as exc:
        typer.echo(f"remon: {exc}", err=True)
        raise typer.Exit(2) from exc


def _check_channels(rt: Any) -> None:
    """Commands that send (run, poll) refuse to start with a channel apprise cannot use."""
    from remon.checks import check_channels

    try:
        check_channels(rt.channels)
    except ConfigError as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(2) from exc


def _migrate(url: str) -> None:
    """Upgrade the schema of the database that must already exist (only init and run create one)."""
    from storage.location import DatabaseMissing, DatabaseUnreachable, require_database

    try:
        require_database(url)
    except DatabaseMissing as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    except DatabaseUnreachable as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    _upgrade(url)


def _create_database(url: str) -> None:
    """Create the database if it is not there yet, saying where (``init`` and ``run`` only), and upgrade it."""
    from storage.location import DatabaseUnreachable, database_exists, describe

    try:
        created = not database_exists(url)
    except DatabaseUnreachable as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    _upgrade(url)
    if created:
        typer.echo(f"remon: created a new database at {describe(url)}", err=True)


def _upgrade(url: str) -> None:
    from storage.db import migrate

    try:
        migrate(url)
    except Exception as exc:  # the database is unreachable or broken: say so plainly
        from storage.faults import classify, describe, where_of
        from worker.common.mask import mask_url

        fault = classify(exc)
        if fault is not None:  # where, and what helps (a full or read-only data folder, a server away)
            typer.echo(f"remon: cannot prepare the database: {describe(fault, where_of(url))}", err=True)
        else:
            typer.echo(f"remon: cannot prepare the database at {mask_url(url)}: {exc.__class__.__name__}: "
                       f"{str(exc).splitlines()[0] if str(exc) else ''}", err=True)
        raise typer.Exit(1) from exc


# ----------------------------------------------------------------------------- service


@app.command()
def init() -> None:
    """Create or upgrade the database schema and load the watch file's sources."""
    rt = _runtime()
    _create_database(rt.db_url)
    added = _sync_watch_sources(rt)
    from storage.location import describe

    typer.echo(f"database ready at {describe(rt.db_url)}; {added} source(s) added from the watch file")


def _sync_watch_sources(rt: Any) -> int:
    from remon.commands.sources import add_specs, default_specs

    specs = list(rt.watch.sources) + (default_specs() if rt.watch.use_default_sources else [])
    return sum(a.created for a in add_specs(rt, specs))


def _say_when_root() -> None:
    """Nothing in ``remon run`` needs root; Celery warns about it at length on every start."""
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        log.warning("running as root: remon needs no privileges (only `make test` installs packages); "
                    "run it as an ordinary user, and Celery's superuser warning below goes away")


def _say_when_nothing_to_poll(rt: Any) -> None:
    """A new user's first ``make run`` has no source: say how to add one rather than idle in silence."""
    from remon.commands.poll import NO_SOURCES
    from remon.commands.sources import enabled_count

    if enabled_count(rt) == 0:
        log.warning("%s; the worker picks new sources up at its next tick", NO_SOURCES)


@app.command()
def run(
    no_beat: Annotated[bool, typer.Option("--no-beat", help="Do not run the scheduler here.")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1)] = 2,
    queues: Annotated[str, typer.Option("--queues", "-Q", help="Comma-separated queues.")] =
        "poll,fetch,analyze,notify",
    loglevel: Annotated[str, typer.Option("--loglevel")] = "INFO",
    restart: Annotated[bool | None, typer.Option(
        "--restart/--no-restart", help="Start the worker again when it stops on an error (default: "
        "REMON_RESTART, on with the embedded broker).")] = None,
) -> None:
    """Run the worker (and, unless --no-beat, the scheduler in the same process)."""
    rt = _runtime()
    _check_channels(rt)
    if rt.settings.restart_value if restart is None else restart:
        from remon.supervise import supervise

        child = [sys.executable, "-m", "remon", "run", f"--concurrency={concurrency}", f"--queues={queues}",
                 f"--loglevel={loglevel}", "--no-restart", *(["--no-beat"] if no_beat else [])]
        raise typer.Exit(supervise(child))
    _create_database(rt.db_url)
    _sync_watch_sources(rt)
    _say_when_nothing_to_poll(rt)
    _say_when_root()
    from tasks.app import app as celery_app
    from tasks.app import start as start_celery

    argv = ["worker", f"--concurrency={concurrency}", f"--queues={queues}", f"--loglevel={loglevel}",
            "--without-gossip", "--without-mingle"]
    if not no_beat:
        argv.append("--beat")
    if "analyze" in queues.split(","):
        from worker.extract.analyze import warm_up

        warm_up()  # compiled here once, inherited by every pool process (a fresh one after a crash too)
    from celery.signals import worker_shutting_down

    from tasks.jobs import recover_at_start

    recover_at_start()  # the claims of this host's gone processes (a killed run) and pending work
    asked_to_stop: list[str] = []  # a shutdown signal (TERM, INT, QUIT) arrived
    worker_shutting_down.connect(lambda sig=None, **_: asked_to_stop.append(str(sig)), weak=False)
    code = start_celery(celery_app, argv)
    if asked_to_stop:
        raise typer.Exit(0)
    if code == 0:  # a worker is a service: it never ends by itself
        log.error("the worker stopped without being asked to")
        code = 1
    raise typer.Exit(code)


@app.command()
def beat(loglevel: Annotated[str, typer.Option("--loglevel")] = "INFO") -> None:
    """Run only the scheduler (exactly one per deployment is useful; more are harmless)."""
    rt = _runtime()
    _migrate(rt.db_url)
    from tasks.app import app as celery_app
    from tasks.app import start as start_celery

    code = start_celery(celery_app, ["beat", f"--loglevel={loglevel}"])
    if code:
        raise typer.Exit(code)


@app.command()
def poll(once: Annotated[bool, typer.Option("--once", help="Poll all enabled sources now and exit.")] = False
         ) -> None:
    """Poll every enabled source now, analyse new articles and deliver alerts, without a broker."""
    if not once:
        typer.echo("remon: use 'remon poll --once' (or 'remon run' for the service)", err=True)
        raise typer.Exit(2)
    rt = _runtime()
    _check_channels(rt)
    _migrate(rt.db_url)
    _sync_watch_sources(rt)
    from remon.commands.poll import poll_once

    raise typer.Exit(poll_once(rt))


# ----------------------------------------------------------------------------- sources


@sources_app.command("add")
def sources_add(
    url: Annotated[str | None, typer.Argument(help="The feed or page URL (or use --defaults).")] = None,
    name: Annotated[str | None, typer.Option("--name")] = None,
    interval: Annotated[int | None, typer.Option("--interval", min=30, help="Seconds between polls.")] = None,
    lang: Annotated[str | None, typer.Option("--lang")] = None,
    kind: Annotated[str, typer.Option("--kind", help="feed or html")] = "feed",
    defaults: Annotated[bool, typer.Option(
        "--defaults", help="Add the curated default watch list (worker/sources/defaults.yaml).")] = False,
) -> None:
    """Add a feed (or an HTML listing page) to poll, or the curated default list with --defaults."""
    from urllib.parse import urlsplit

    if defaults:
        if url is not None:
            typer.echo("remon: give a URL or --defaults, not both", err=True)
            raise typer.Exit(2)
        _add_default_sources()
        return
    if url is None:
        typer.echo("remon: give the URL of a feed or page to add, or --defaults for the curated list", err=True)
        raise typer.Exit(2)
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        typer.echo(f"remon: {url!r} is not an http(s) URL", err=True)
        raise typer.Exit(2)
    rt = _runtime()
    _migrate(rt.db_url)
    from remon.commands.sources import private_address_warning

    warning = private_address_warning(url, rt)
    if warning:
        typer.echo(f"remon: warning: {warning}", err=True)
    from storage import queries
    from storage.db import session_scope

    with session_scope(rt.db_url) as session:
        source, created = queries.add_source(session, url=url, name=name, kind=kind, lang=lang,
                                             interval=interval or rt.settings.default_interval)
        sid = source.id
    typer.echo(f"{'added' if created else 'already present'}: source {sid} {url}")


def _add_default_sources() -> None:
    from remon.commands.sources import add_specs, default_specs

    rt = _runtime()
    _migrate(rt.db_url)
    added = add_specs(rt, default_specs())
    for a in added:
        typer.echo(f"{'added' if a.created else 'already present'}: source {a.id} {a.name or a.url}")
    typer.echo(f"{sum(a.created for a in added)} of {len(added)} default source(s) added; "
               "`remon sources remove ID` drops one")


@sources_app.command("list")
def sources_list(fmt: Format = "table") -> None:
    """List sources with their health."""
    from remon.output import emit
    from storage import queries
    from storage.db import session_scope
    from storage.views import source_json

    rt = _runtime()
    _migrate(rt.db_url)
    with session_scope(rt.db_url) as session:
        rows = [source_json(s) for s in queries.list_sources(session)]
    emit(rows, fmt, ["id", "name", "url", "kind", "interval", "enabled", "last_success", "error_count",
                     "error_code"])


@sources_app.command("remove")
def sources_remove(ref: Annotated[str, typer.Argument(help="Source id or URL.")]) -> None:
    """Stop polling a source (its articles and history are kept)."""
    from storage import queries
    from storage.db import session_scope

    rt = _runtime()
    _migrate(rt.db_url)
    with session_scope(rt.db_url) as session:
        source = queries.find_source(session, ref=ref)
        if source is None:
            typer.echo(f"remon: no source {ref!r}", err=True)
            raise typer.Exit(1)
        source.enabled = False
        session.add(source)
        typer.echo(f"removed: source {source.id} {source.url} (disabled; history kept)")


# ----------------------------------------------------------------------------- extract / eval


def _read_input(path: str) -> tuple[str, bytes]:
    if path == "-":
        return "<stdin>", sys.stdin.buffer.read()
    p = Path(path)
    if not p.is_file():
        raise RemonError(f"no such file: {path}", code="input.missing")
    data = p.read_bytes()
    if p.suffix == ".gz":
        data = gzip.decompress(data)
    return path, data


def _extract_one(name: str, data: bytes, *, as_text: bool, title: str | None = None,
                 language: str | None = None, published: str | None = None,
                 everything: bool = False) -> dict[str, Any]:
    from remon.commands.extract import analyse, explain

    if not as_text and data.lstrip()[:1] == b"<":
        from worker.fetch.decode import decode_html
        from worker.scrape.article import extract_page

        html, _ = decode_html(data, None)
        page = extract_page(html, url=f"file://{name}")
        title, text, language = page.title, page.text, language or page.language
        published = page.published.isoformat().replace("+00:00", "Z") if page.published else None
    else:
        text = data.decode("utf-8", errors="replace")
    analysis = analyse(text, title=title, language=language, everything=everything, published=published)
    why = explain(name, analysis, everything=everything)
    if why:
        typer.echo(f"remon: {why}", err=True)
    return {"title": title, "text": text, "published": published, **analysis}


@app.command()
def extract(
    paths: Annotated[list[str] | None, typer.Argument(help="HTML or text files (.gz ok), or - for stdin.")] = None,
    as_text: Annotated[bool, typer.Option("--text", help="Treat input as plain text, not HTML.")] = False,
    jsonl: Annotated[Path | None, typer.Option("--jsonl", help="A gold-format JSONL file to run.")] = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Extract numbers, stances and claims of off-topic texts too (they stay relevant: false).")
    ] = False,
) -> None:
    """Print the analysis of documents as JSON, one object per line (docs/extract-output.md).

    For an off-topic document, standard error says why: its relevance score, the topic terms
    found and the threshold.
    """
    try:
        if jsonl is not None:
            for line in jsonl.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    out = _extract_one(rec.get("id", ""), rec["text"].encode(), as_text=True,
                                       title=rec.get("title"), language=rec.get("lang"),
                                       published=rec.get("published"), everything=everything)
                    out["id"] = rec.get("id")
                    typer.echo(json.dumps(out, ensure_ascii=False))
            return
        if not paths:
            typer.echo("remon: give one or more files, or - for stdin", err=True)
            raise typer.Exit(2)
        for path in paths:
            name, data = _read_input(path)
            typer.echo(json.dumps(_extract_one(name, data, as_text=as_text, everything=everything),
                                  ensure_ascii=False))
    except RemonError as exc:
        typer.echo(f"remon: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command("eval")
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
    from worker.extract.evaluate import attach_events, evaluate, format_report, load_jsonl, meets_targets
    from worker.extract.folds import format_folds, select
    from worker.extract.folds import per_fold as score_folds

    for path in paths:
        if not path.is_file():
            typer.echo(f"remon: no such file: {path}", err=True)
            raise typer.Exit(2)
    if fold is not None and exclude_fold is not None:
        typer.echo("remon: give --fold or --exclude-fold, not both", err=True)
        raise typer.Exit(2)
    for name, k in (("--fold", fold), ("--exclude-fold", exclude_fold)):
        if k is not None and not 0 <= k < folds:
            typer.echo(f"remon: {name} must be between 0 and {folds - 1}", err=True)
            raise typer.Exit(2)
    if events is not None and not events.is_file():
        typer.echo(f"remon: no such file: {events}", err=True)
        raise typer.Exit(2)
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


# ----------------------------------------------------------------------------- articles / alerts


@articles_app.command("list")
def articles_list(fmt: Format = "table",
                  limit: Annotated[int, typer.Option("--limit", min=1)] = 50) -> None:
    """The newest articles with their status."""
    from sqlmodel import col, select

    from remon.output import emit
    from storage.db import session_scope
    from storage.models import Article
    from storage.views import article_json

    rt = _runtime()
    _migrate(rt.db_url)
    with session_scope(rt.db_url) as session:
        rows = session.exec(select(Article).order_by(col(Article.id).desc()).limit(limit)).all()
        data = [article_json(a) for a in rows]
    emit(data, fmt, ["id", "status", "language", "published", "title", "url", "error_code"])


@articles_app.command("show")
def articles_show(article_id: int, fmt: Format = "json") -> None:
    """One article with its text, statistics, stances and claims."""
    from remon.output import emit
    from storage.db import session_scope
    from storage.read import article_detail

    rt = _runtime()
    _migrate(rt.db_url)
    with session_scope(rt.db_url) as session:
        detail = article_detail(session, article_id=article_id)
    if detail is None:
        typer.echo(f"remon: no article {article_id}", err=True)
        raise typer.Exit(1)
    emit([detail], fmt)


@alerts_app.command("list")
def alerts_list(fmt: Format = "table",
                since: Annotated[int, typer.Option("--since-id", help="Only alerts after this id.")] = 0) -> None:
    """Alerts, oldest first, with their per-channel delivery state."""
    from remon.output import emit
    from storage import queries
    from storage.db import session_scope
    from storage.views import alert_json

    rt = _runtime()
    _migrate(rt.db_url)
    with session_scope(rt.db_url) as session:
        alerts = queries.list_alerts(session, since_id=since)
        deliveries = queries.deliveries_for(session, alert_ids=[a.id for a in alerts if a.id])
        rows = [alert_json(a, deliveries.get(a.id or 0, [])) for a in alerts]
    if fmt == "table":
        for row in rows:
            row["delivery"] = ", ".join(f"{d['channel'].split('?')[0]} {d['status']}×{d['attempts']}"
                                        for d in row["deliveries"])
        emit(rows, fmt, ["id", "kind", "created_at", "title", "delivery"], width=90)
    else:
        emit(rows, fmt)


@alerts_app.command("unconfirmed")
def alerts_unconfirmed(fmt: Format = "table", status: Annotated[str, typer.Option(
        "--status", help="waiting, confirmed, expired or all.")] = "waiting") -> None:
    """Statistics and stances held below the confidence gate, waiting for a second source."""
    from remon.output import emit
    from storage import unconfirmed
    from storage.db import session_scope

    rt = _runtime()
    _migrate(rt.db_url)
    with session_scope(rt.db_url) as session:
        rows = unconfirmed.listing(session, status=None if status == "all" else status)
    if fmt == "table":
        emit(rows, fmt, ["id", "kind", "status", "confidence", "title", "publisher"], width=90)
    else:
        emit(rows, fmt)


@alerts_app.command("retry")
def alerts_retry(alert_id: int) -> None:
    """Make an alert's failed deliveries due again and try them now."""
    from storage.db import session_scope
    from tasks.persist import retry_alert
    from tasks.steps import deliver

    rt = _runtime()
    _migrate(rt.db_url)
    with session_scope(rt.db_url) as session:
        n = retry_alert(session, alert_id=alert_id)
    if n == 0:
        typer.echo(f"remon: alert {alert_id} has no failed or pending delivery", err=True)
        raise typer.Exit(1)
    counts = deliver(rt, alert_id=alert_id)
    typer.echo(" ".join(f"{k}={v}" for k, v in counts.items()))


def _since(value: str | None) -> Any:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        typer.echo(f"remon: --since must be a date (YYYY-MM-DD), not {value!r}", err=True)
        raise typer.Exit(2) from exc


def _review_session() -> Any:
    from storage.db import session_scope

    settings = _settings()
    _migrate(settings.database_url_value)
    return session_scope(settings.database_url_value)


@stats_app.command("list")
def stats_list(fmt: Format = "table",
               metric: Annotated[str | None, typer.Option("--metric", help="subject/material/measure")] = None,
               since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD")] = None,
               limit: Annotated[int, typer.Option("--limit", min=1)] = 100) -> None:
    """Statistics newest first, optionally of one metric."""
    from remon.output import emit
    from storage import review

    day = _since(since)
    with _review_session() as session:
        rows, _ = review.list_statistics(session, metric=metric, since=day, limit=limit)
    if fmt == "json":  # machine-readable: the keys
        emit(rows, fmt, width=70)
        return
    from worker.alert.render import format_value, metric_label

    shown = [{**r, "value": format_value(float(r["value"]), str(r.get("unit") or ""), r.get("value_high"),
                                         bool(r.get("approx"))),
              "metric": metric_label(r.get("metric_key")) if r.get("metric_key") else "(no metric)"} for r in rows]
    emit(shown, fmt, ["id", "published", "value", "metric", "article_id", "sentence"], width=70)


@stances_app.command("list")
def stances_list(fmt: Format = "table",
                 actor: Annotated[str | None, typer.Option("--actor", help="e.g. china, united_states")] = None,
                 since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD")] = None,
                 limit: Annotated[int, typer.Option("--limit", min=1)] = 100) -> None:
    """Stances newest first, optionally of one actor."""
    from remon.output import emit
    from storage import review

    day = _since(since)
    with _review_session() as session:
        rows, _ = review.list_stances(session, actor=actor, since=day, limit=limit)
    if fmt == "json":  # machine-readable: the keys
        emit(rows, fmt, width=70)
        return
    from worker.alert.render import label

    shown = [{**r, "actor": label("actors", r.get("actor")), "position": label("positions", r.get("position"))}
             for r in rows]
    emit(shown, fmt, ["id", "published", "actor", "position", "confidence", "article_id", "sentence"], width=70)


@claims_app.command("list")
def claims_list(fmt: Format = "table", limit: Annotated[int, typer.Option("--limit", min=1)] = 100) -> None:
    """Distinct claims: first appearance, articles and sources carrying each."""
    from remon.output import emit
    from storage import review

    with _review_session() as session:
        rows, _ = review.claims_summary(session, limit=limit)
    emit(rows, fmt, ["first_seen", "speaker", "articles", "sources", "text"], width=80)


@corrections_app.command("list")
def corrections_list(fmt: Format = "table",
                     target: Annotated[str | None, typer.Option("--target", help="alert, statistic or stance")] = None,
                     limit: Annotated[int, typer.Option("--limit", min=1)] = 100) -> None:
    """Corrections newest first: who, when, the item, wrong or fixed, and the fixed fields."""
    from remon.commands.corrections import COLUMNS, list_rows
    from remon.output import emit
    from storage.corrections import TARGETS

    if target is not None and target not in TARGETS:
        typer.echo(f"remon: --target must be one of {', '.join(TARGETS)}", err=True)
        raise typer.Exit(2)
    settings = _settings()
    _migrate(settings.database_url_value)
    items, rows = list_rows(settings.database_url_value, target_kind=target, limit=limit)
    emit(items if fmt == "json" else rows, fmt, COLUMNS, width=60)


@measures_app.command("list")
def measures_list(fmt: Format = "table",
                  material: Annotated[str | None, typer.Option("--material", help="e.g. gallium")] = None,
                  in_force_on: Annotated[str | None, typer.Option("--in-force-on", help="YYYY-MM-DD")] = None) -> None:
    """Measures merged from every article, newest first, with their status today."""
    from datetime import date

    from remon.commands.measures import COLUMNS, rows
    from remon.output import emit

    try:
        day = date.fromisoformat(in_force_on) if in_force_on else None
    except ValueError:
        typer.echo(f"remon: --in-force-on must be a date (YYYY-MM-DD), not {in_force_on!r}", err=True)
        raise typer.Exit(2) from None
    with _review_session() as session:
        items = rows(session, material=material, in_force_on=day, fmt=fmt)
    emit(items, fmt, COLUMNS, width=60)


@app.command()
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
        typer.echo(f"remon: --what must be one of {', '.join(EXPORTS)}, corrections", err=True)
        raise typer.Exit(2)
    if what == "corrections" and fmt != "jsonl":
        typer.echo("remon: --what corrections is written as --format jsonl (the gold-set format)", err=True)
        raise typer.Exit(2)
    if what != "corrections" and fmt not in ("csv", "json"):
        typer.echo("remon: --format must be csv or json", err=True)
        raise typer.Exit(2)
    settings = _settings()
    _migrate(settings.database_url_value)
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


@app.command()
def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Where the demo database goes (replaced).")] =
        Path("./data/demo"),
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0: any free port.")] = 8080,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open the app in a browser.")] = True,
    serve_app: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web app after loading.")] = True,
) -> None:
    """Load a bundled sample timeline through the real pipeline and open the review app.

    The app's port is taken before anything is loaded, so the "Review:" link of every alert names
    the port the app serves (``--port 0`` picks a free one); article links lead to the stored
    article in the app while the demo runs.
    """
    from remon.commands.serve import BindError, bind, bound_port, serve
    from remon.demo import DemoSite, demo_settings, seed

    settings_check = _settings()  # validates and sets up logging like every command
    del settings_check
    sock = None
    if serve_app:
        try:
            sock = bind(host, port)
        except BindError as exc:
            typer.echo(f"remon: {exc.message}", err=True)
            raise typer.Exit(1) from exc
        port = bound_port(sock)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104  (a name to print, not a bind)
    url = f"http://{shown}:{port}"
    for name in ("remon.db", "remon.db-wal", "remon.db-shm"):
        (directory / name).unlink(missing_ok=True)
    settings = demo_settings(directory, base_url=url)
    typer.echo(f"remon demo: loading the sample timeline into {directory / 'remon.db'}")
    site = DemoSite().start()
    try:
        totals = seed(settings, progress=typer.echo, site=site)
        typer.echo(f"remon demo: {totals['articles']} articles analysed, {totals['alerts']} alerts raised")
        if sock is None:
            return
        site.redirect_articles(settings.database_url_value, url)
        from remon.web.app import create_app

        typer.echo(f"remon demo: the review app is at {url}/ (Ctrl-C to stop)")
        if open_browser:
            import threading
            import webbrowser

            timer = threading.Timer(1.0, webbrowser.open, args=(f"{url}/",))
            timer.daemon = True
            timer.start()
        serve(create_app(settings.database_url_value, settings=settings), sock)
    finally:
        site.stop()


@notify_app.command("test")
def notify_test(tag: Annotated[str | None, typer.Option("--tag", help="Only channels with this tag.")] = None
                ) -> None:
    """Send a test message to each configured channel and print each outcome."""
    from worker.alert.notify import channel_problem, send

    rt = _runtime()
    channels = [c for c in rt.channels if tag is None or tag in c.tags]
    if not channels:
        typer.echo("remon: no notification channel configured (REMON_NOTIFY_URLS)"
                   + (f" with tag {tag!r}" if tag else ""), err=True)
        raise typer.Exit(2)
    failed = refused = 0
    for channel in channels:
        problem = channel_problem(channel)
        if problem is not None:  # bad configuration: said on the outcome line, nothing sent
            refused += 1
            typer.echo(f"{channel.label}: FAILED (REMON_NOTIFY_URLS): {problem}")
            continue
        result = send(channel, "remon test message",
                      "This is a test message from remon. If you can read it, alerts will reach you here.")
        failed += not result.ok
        reason = (result.error or "").removeprefix("alert.delivery_failed: ")
        typer.echo(f"{channel.label}: {'ok' if result.ok else 'FAILED: ' + reason}")
    raise typer.Exit(2 if refused else 1 if failed else 0)


@app.command()
def web(
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: loopback only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0: any free port.")] = 8080,
) -> None:
    """Serve the review web app, the JSON API and /healthz, /readyz, /metrics."""
    from remon.commands.serve import BindError, bind, serve

    settings = _settings()
    _migrate(settings.database_url_value)
    try:
        sock = bind(host, port)
    except BindError as exc:
        typer.echo(f"remon: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    try:
        from remon.web.app import create_app
    except ImportError:
        from remon.ops import ops_app

        asgi = ops_app(settings)
    else:
        asgi = create_app(settings.database_url_value, settings=settings)
    serve(asgi, sock, log_level=settings.log_level)


@app.command()
def health(
    check: Annotated[str, typer.Option(
        "--check", help="Comma-separated: database,broker,beat,tasks,backlog,notify,disk")] =
        "database,broker,tasks,backlog,notify,disk",
    fmt: Format = "table",
) -> None:
    """Check the database, broker (and its backlog), scheduler, work backlog and free disk; exit 1 if one fails."""
    from remon.health import CHECKS, run_checks
    from remon.output import emit

    names = [c.strip() for c in check.split(",") if c.strip()]
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        typer.echo(f"remon: unknown check(s) {', '.join(unknown)}; choose from {', '.join(CHECKS)}", err=True)
        raise typer.Exit(2)
    results = run_checks(_settings(), names)
    emit([{"check": r.name, "ok": r.ok, "detail": r.detail} for r in results], fmt, width=160)
    raise typer.Exit(0 if all(r.ok for r in results) else 1)


def main() -> None:
    try:
        app()
    except RemonError as exc:
        typer.echo(f"remon: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # a write that the disk or database refused: one line, exit 1
        line = _storage_failure(exc)
        if line is None:
            raise
        typer.echo(f"remon: {line}", err=True)
        sys.exit(1)


def _storage_failure(exc: BaseException) -> str | None:
    """One line for a storage failure (full or read-only disk, database away) that reached the top."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.faults import classify, describe, first_line, where_of

    if not isinstance(exc, SQLAlchemyError) and not (isinstance(exc, OSError) and exc.filename):
        return None  # (an OSError without a file, e.g. a closed pipe on stdout, is not about storage)
    fault = classify(exc)
    try:
        url = load_settings().database_url_value
    except RemonError:
        url = ""
    if isinstance(exc, OSError):  # a file the command writes (export -o): name it and the system's reason
        return f"cannot write {exc.filename}: {exc.strerror or exc}"
    where = where_of(url) if url else "the database"
    if fault is None:
        return f"could not use {where}: {exc.__class__.__name__}: {first_line(exc)}"
    return describe(fault, where)


if __name__ == "__main__":
    main()

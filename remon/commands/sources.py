"""``remon sources add|list|remove``, and adding sources from the watch file, the curated default
list, or one URL, with the warnings a new user needs at once rather than at the first poll."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from remon.commands import context
from worker.config import SourceSpec

app = typer.Typer(help="Manage the sources remon polls.", no_args_is_help=True)


@dataclass(frozen=True)
class Added:
    id: int
    url: str
    name: str | None
    created: bool


def default_specs() -> list[SourceSpec]:
    """The curated default watch list shipped in ``worker/sources/defaults.yaml``."""
    from worker.sources.defaults import load_default_sources

    return [SourceSpec.model_validate(s) for s in load_default_sources()]


def add_specs(rt: Any, specs: Iterable[SourceSpec]) -> list[Added]:
    """Add each source (a search becomes its feed URL); one already present is left as it is."""
    from storage import queries
    from storage.db import session_scope

    out: list[Added] = []
    with session_scope(rt.db_url) as session:
        for spec in specs:
            url = spec.url
            if spec.kind == "search":
                from worker.sources.search import search_feed_url

                url = search_feed_url(spec.query or "", spec.lang or "en", spec.engine)
            if not url:
                continue
            options: dict[str, Any] = {}
            if spec.selectors:
                options["selectors"] = spec.selectors.model_dump()
            source, created = queries.add_source(session, url=url, name=spec.name,
                                                 kind="html" if spec.kind == "html" else "feed", lang=spec.lang,
                                                 interval=spec.interval or rt.settings.default_interval,
                                                 options=options, enabled=spec.enabled)
            out.append(Added(int(source.id or 0), url, spec.name, bool(created)))
    return out


def private_address_warning(url: str, rt: Any) -> str | None:
    """Why a poll of ``url`` would be refused (a private, loopback or link-local address while
    ``REMON_ALLOW_PRIVATE_NETWORKS`` is off), naming the settings that allow it; None otherwise.

    A host that does not resolve now is not reported here: the poll says so with its own code.
    """
    from worker.errors import FetchError
    from worker.fetch.ssrf import check_addresses, resolve

    options = rt.fetch_options
    if options.allow_private:
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = resolve(host, parts.port or (443 if parts.scheme == "https" else 80), timeout=5.0)
    except FetchError:
        return None
    try:
        check_addresses(host, addresses, allow_private=False, allow_hosts=options.allow_hosts, url=url)
    except FetchError as exc:
        return (f"{host} is a {_kind(exc.message)} address: polls will refuse it (fetch.private_address) "
                "unless REMON_ALLOW_PRIVATE_NETWORKS=true or the watch file's allow_hosts lists it")
    return None


def _kind(message: str) -> str:
    """``loopback`` from "… it resolves to 127.0.0.1, a loopback address; …"."""
    marker = message.partition(", a ")[2]
    return marker.partition(" address")[0] or "private"


def enabled_count(rt: Any) -> int:
    from storage.db import session_scope
    from storage.review import enabled_source_count

    with session_scope(rt.db_url) as session:
        return enabled_source_count(session)


# ----------------------------------------------------------------------------- the commands


@app.command("add")
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
    if defaults:
        if url is not None:
            context.fail("give a URL or --defaults, not both")
        _add_default_sources()
        return
    if url is None:
        context.fail("give the URL of a feed or page to add, or --defaults for the curated list")
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        context.fail(f"{url!r} is not an http(s) URL")
    rt = context.migrated_runtime()
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
    rt = context.migrated_runtime()
    added = add_specs(rt, default_specs())
    for a in added:
        typer.echo(f"{'added' if a.created else 'already present'}: source {a.id} {a.name or a.url}")
    typer.echo(f"{sum(a.created for a in added)} of {len(added)} default source(s) added; "
               "`remon sources remove ID` drops one")


@app.command("list")
def sources_list(fmt: context.Format = "table") -> None:
    """List sources with their health."""
    from remon.output import emit
    from storage.db import session_scope
    from storage.review import list_sources

    rt = context.migrated_runtime()
    with session_scope(rt.db_url) as session:
        rows = list_sources(session)
    emit(rows, fmt, ["id", "name", "url", "kind", "interval", "enabled", "last_success", "error_count",
                     "error_code"])


@app.command("remove")
def sources_remove(ref: Annotated[str, typer.Argument(help="Source id or URL.")]) -> None:
    """Stop polling a source (its articles and history are kept)."""
    from storage.db import session_scope
    from storage.review import disable_source

    rt = context.migrated_runtime()
    with session_scope(rt.db_url) as session:
        source = disable_source(session, ref=ref)
        if source is None:
            context.fail(f"no source {ref!r}", 1)
        typer.echo(f"removed: source {source.id} {source.url} (disabled; history kept)")

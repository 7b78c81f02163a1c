"""Adding sources: from the watch file, the curated default list, or one URL, with the warnings a
new user needs at once rather than at the first poll."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from worker.config import SourceSpec


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
    from sqlalchemy import func
    from sqlmodel import col, select

    from storage.db import session_scope
    from storage.models import Source

    with session_scope(rt.db_url) as session:
        return int(session.exec(select(func.count()).select_from(Source).where(col(Source.enabled))).one())

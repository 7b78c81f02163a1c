"""The kinds of source remon polls, in one registry: what turns a kind's answer into entries.

Adding a kind means one entry in :data:`KINDS` (and its name in the watch file's ``SourceSpec.kind``):
the refresh step (``tasks.steps``) looks the parser up here and nowhere else. A stored kind that is
not in the registry (a row written by a newer version) is read as a feed, as it always was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from worker.config import Selectors
from worker.fetch.decode import decode_html
from worker.sources.feeds import parse_feed
from worker.sources.listing import parse_listing
from worker.types import ParsedFeed

Parse = Callable[[bytes, Mapping[str, str], str, Mapping[str, object]], ParsedFeed]


@dataclass(frozen=True)
class SourceKind:
    """A kind of source: its stored name and how its body becomes entries (content, headers, final URL,
    the source's options)."""

    name: str
    parse: Parse
    doc: str


def _feed(content: bytes, headers: Mapping[str, str], url: str, options: Mapping[str, object]) -> ParsedFeed:
    return parse_feed(content, headers=dict(headers), url=url)


def _listing(content: bytes, headers: Mapping[str, str], url: str, options: Mapping[str, object]) -> ParsedFeed:
    html, _ = decode_html(content, headers.get("content-type"))
    return parse_listing(html, url=url, selectors=Selectors.model_validate(options.get("selectors") or {}))


KINDS: dict[str, SourceKind] = {k.name: k for k in (
    SourceKind("feed", _feed, "RSS, Atom or JSON Feed (a search query is stored as the engine's feed)"),
    SourceKind("html", _listing, "an HTML listing page read with the source's CSS selectors"),
)}
DEFAULT_KIND = "feed"


def kind_of(name: str | None) -> SourceKind:
    return KINDS.get(name or DEFAULT_KIND, KINDS[DEFAULT_KIND])


def parse_source(kind: str | None, options: Mapping[str, object], content: bytes, headers: Mapping[str, str],
                 url: str) -> ParsedFeed:
    """A source's answer as entries, read the way its kind is read."""
    return kind_of(kind).parse(content, headers, url, options)


def body_hash(kind: str | None, options: Mapping[str, object], content: bytes) -> str:
    """What decides a parse's result: the bytes, and the kind and options (selectors) that read them."""
    digest = hashlib.sha256(f"{kind}\x00{json.dumps(dict(options), sort_keys=True, default=str)}\x00".encode())
    digest.update(content)
    return digest.hexdigest()

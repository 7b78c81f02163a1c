"""One hardened HTTP GET: the only way remon talks to the web.

Feeds, listing pages and articles all come through :func:`fetch`, so the safety rules live in
one place:

* SSRF guard: the host is resolved here, every address is classified (``ssrf.py``) and the
  connection goes to the very address that was checked (the URL is rewritten to the IP, the
  ``Host`` header and TLS SNI/certificate check keep the name), so a second DNS answer cannot
  differ. Every redirect hop goes through the same check.
* Budgets: connect, read and total deadlines; a cap on the *decompressed* body counted while
  streaming, with our own bounded decoders, so a gzip/deflate/brotli bomb is refused after
  ``max_bytes`` of output instead of being inflated in memory.
* Politeness: conditional GET (ETag / Last-Modified → ``not_modified``), a clear User-Agent,
  ``Retry-After`` parsed for the scheduler.

Errors are :class:`FetchError` with stable codes (``fetch.timeout``, ``fetch.too_large``, ...).
"""

from __future__ import annotations

import fnmatch
import ssl
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

import brotli
import certifi
import httpx

from worker.config import DEFAULT_USER_AGENT
from worker.errors import FetchError
from worker.fetch.ssrf import Resolver, check_addresses, resolve
from worker.types import FetchResult

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Feeds arrive as every XML/JSON flavour and, from sloppy servers, text/plain or
# application/octet-stream; what we refuse is media (images, video, PDFs, archives).
DEFAULT_ACCEPT_TYPES: tuple[str, ...] = (
    "text/*",
    "application/xml*",
    "application/*+xml",
    "application/json",
    "application/*+json",
    "application/rss*",
    "application/atom*",
    "application/rdf*",
    "application/octet-stream",
)
_ACCEPT_HEADER = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/feed+json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, application/xhtml+xml;q=0.8, */*;q=0.5"
)
_TLS: ssl.SSLContext | None = None


def _tls() -> ssl.SSLContext:
    """One verifying TLS context for the process: building one costs ~20 ms per fetch."""
    global _TLS
    if _TLS is None:
        _TLS = ssl.create_default_context(cafile=certifi.where())
    return _TLS


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchOptions:
    """The budget and safety settings of one fetch.

    ``allow_private`` opens every address (tests, intranet deployments:
    ``REMON_ALLOW_PRIVATE_NETWORKS``); ``allow_hosts`` opens only the listed hosts, ``*.domain``
    suffixes or CIDR networks (the watch file's ``allow_hosts``). ``accept_types`` are
    ``fnmatch`` patterns over the media type; ``None`` accepts any. ``resolver`` replaces the
    system DNS (tests map names to addresses with it).
    """

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    allow_private: bool = False
    allow_hosts: tuple[str, ...] = ()
    accept_types: tuple[str, ...] | None = DEFAULT_ACCEPT_TYPES
    resolver: Resolver | None = field(default=None, compare=False, repr=False)


class FetchStatusError(FetchError):
    """The server answered with an error status; ``retry_after`` (s) when it asked us to wait."""

    def __init__(self, message: str, *, code: str, resource: str | None, status: int,
                 retry_after: float | None = None) -> None:
        super().__init__(message, code=code, resource=resource)
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def media_type_allowed(content_type: str | None, accept_types: Sequence[str] | None) -> bool:
    """True when the response's media type matches one of the accepted patterns (or none is sent)."""
    if accept_types is None or not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    if not media:
        return True
    return any(fnmatch.fnmatchcase(media, pattern.lower()) for pattern in accept_types)


# ----------------------------------------------------------------------------- bounded decoders


class _Decoder(Protocol):
    def decode(self, data: bytes) -> Iterator[bytes]: ...


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib:
    """gzip (multi-member) or deflate (zlib-wrapped or raw), never more than ``_CHUNK`` per step."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._wbits = 16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(self._wbits)
        self._started = False
        self._done = False

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._done:
            return
        if not self._started and data and not self._gzip:
            self._started = True
            # Servers disagree on what "deflate" means: zlib-wrapped (RFC) or raw deflate.
            zlib_header = len(data) > 1 and (data[0] & 0x0F) == 8 and ((data[0] << 8) | data[1]) % 31 == 0
            if not zlib_header:
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
        buf = data
        while True:
            out = self._obj.decompress(buf, _CHUNK)
            if out:
                yield out
            if self._obj.eof:
                rest = self._obj.unused_data
                if self._gzip and rest.strip(b"\0"):
                    self._obj = zlib.decompressobj(self._wbits)
                    buf = rest
                    continue
                self._done = True
                return
            buf = self._obj.unconsumed_tail
            if not buf and len(out) < _CHUNK:
                return


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def decode(self, data: bytes) -> Iterator[bytes]:
        out = self._obj.process(data, output_buffer_limit=_CHUNK)
        if out:
            yield out
        while not self._obj.can_accept_more_data():
            out = self._obj.process(b"", output_buffer_limit=_CHUNK)
            if not out:
                break
            yield out


def _decoders(content_encoding: str, url: str) -> list[_Decoder]:
    decoders: list[_Decoder] = []
    # Listed in the order applied, so undo them in reverse.
    for coding in reversed([t.strip().lower() for t in content_encoding.split(",") if t.strip()]):
        if coding in ("gzip", "x-gzip", "deflate"):
            decoders.append(_Zlib(coding))
        elif coding == "br":
            decoders.append(_Brotli())
        elif coding != "identity":
            raise FetchError(f"the server compressed the body with '{coding}', which remon cannot read",
                             code="fetch.bad_encoding", resource=url)
    return decoders or [_Identity()]


def _pipe(decoders: Sequence[_Decoder], data: bytes) -> Iterator[bytes]:
    if not decoders:
        yield data
        return
    for piece in decoders[0].decode(data):
        yield from _pipe(decoders[1:], piece)


# ----------------------------------------------------------------------------- fetch


def _target(url: httpx.URL, options: FetchOptions, deadline: float, original: str) -> httpx.URL:
    """Validate the URL, resolve and check its host; return the URL pointed at the checked IP."""
    if url.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not '{url.scheme or '(none)'}:'",
                         code="fetch.invalid_url", resource=original)
    if not url.raw_host:
        raise FetchError("the URL has no host name", code="fetch.invalid_url", resource=original)
    host = url.raw_host.decode("ascii")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("the total time allowed for the fetch ran out", code="fetch.timeout",
                         resource=original)
    addresses = resolve(host, url.port or (443 if url.scheme == "https" else 80),
                        timeout=min(options.connect_timeout, remaining), resolver=options.resolver)
    ip = check_addresses(host, addresses, allow_private=options.allow_private,
                         allow_hosts=options.allow_hosts, url=str(url))
    return url.copy_with(host=str(ip))


def _request_headers(url: httpx.URL, options: FetchOptions, etag: str | None,
                     last_modified: str | None) -> dict[str, str]:
    host = url.raw_host.decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    if url.port is not None:
        host = f"{host}:{url.port}"
    headers = {
        "Host": host,
        "User-Agent": options.user_agent,
        "Accept": _ACCEPT_HEADER,
        "Accept-Encoding": "gzip, deflate, br",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _read_body(response: httpx.Response, options: FetchOptions, deadline: float, url: str) -> bytes:
    """Stream and decode the body, refusing it as soon as it passes ``max_bytes`` or the deadline."""
    encoding = response.headers.get("content-encoding", "")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > options.max_bytes:
        raise FetchError(f"the body is {int(declared):,} bytes, over the {options.max_bytes:,}-byte limit",
                         code="fetch.too_large", resource=url)
    decoders = _decoders(encoding, url)
    parts: list[bytes] = []
    size = 0
    try:
        for raw in response.iter_raw():  # as received: a chunk size would buffer past the deadline
            for piece in _pipe(decoders, raw):
                size += len(piece)
                if size > options.max_bytes:
                    raise FetchError(
                        f"the (decompressed) body is over the {options.max_bytes:,}-byte limit",
                        code="fetch.too_large", resource=url)
                parts.append(piece)
            if time.monotonic() > deadline:
                raise FetchError(f"the download took longer than {options.total_timeout:g} s",
                                 code="fetch.timeout", resource=url)
    except (zlib.error, brotli.error) as exc:
        raise FetchError(f"the compressed body is corrupt ({exc})", code="fetch.bad_encoding",
                         resource=url) from exc
    return b"".join(parts)


def _status_error(response: httpx.Response, url: str) -> FetchStatusError:
    status = response.status_code
    if status in (429, 503):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        wait = f"; it asked us to wait {retry_after:.0f} s" if retry_after is not None else ""
        return FetchStatusError(f"the server is rate-limiting or unavailable (HTTP {status}){wait}",
                                code="fetch.rate_limited", resource=url, status=status,
                                retry_after=retry_after)
    reason = response.reason_phrase or "error"
    return FetchStatusError(f"the server answered HTTP {status} {reason}", code="fetch.http_status",
                            resource=url, status=status)


def _final_headers(response: httpx.Response) -> dict[str, str]:
    # The body we return is decoded, so the transfer headers no longer describe it.
    return {k.lower(): v for k, v in response.headers.items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")}


def fetch(url: str, *, options: FetchOptions, etag: str | None = None,
          last_modified: str | None = None) -> FetchResult:
    """GET ``url`` under ``options``' safety rules; raise :class:`FetchError` with a stable code.

    A 304 answer to the conditional headers gives ``not_modified=True`` and an empty body.
    """
    start = time.monotonic()
    deadline = start + options.total_timeout
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"'{url}' is not a valid URL ({exc})", code="fetch.invalid_url",
                         resource=url) from exc
    visited: list[str] = []
    with httpx.Client(trust_env=False, follow_redirects=False, http2=False, verify=_tls()) as client:
        while True:
            here = str(current.copy_with(fragment=None))
            target = _target(current, options, deadline, here)
            remaining = max(deadline - time.monotonic(), 0.001)
            timeout = httpx.Timeout(connect=min(options.connect_timeout, remaining),
                                    read=min(options.read_timeout, remaining),
                                    write=min(options.read_timeout, remaining),
                                    pool=min(options.connect_timeout, remaining))
            # TLS: SNI and the certificate check use the name, the socket uses the checked IP.
            sni = current.raw_host.decode("ascii")
            extensions = {"sni_hostname": sni} if current.scheme == "https" else {}
            request = client.build_request("GET", target.copy_with(fragment=None),
                                           headers=_request_headers(current, options, etag, last_modified),
                                           timeout=timeout, extensions=extensions)
            visited.append(here)
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise FetchError(f"the server did not answer in time ({type(exc).__name__})",
                                 code="fetch.timeout", resource=here) from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"could not connect to {current.host}: {exc or type(exc).__name__}",
                                 code="fetch.connect", resource=here) from exc
            try:
                status = response.status_code
                if status in _REDIRECTS and response.headers.get("location"):
                    try:
                        current = current.join(response.headers["location"])
                    except (httpx.InvalidURL, ValueError) as exc:
                        raise FetchError(f"the server redirected to an invalid URL ({exc})",
                                         code="fetch.invalid_url", resource=here) from exc
                    following = str(current.copy_with(fragment=None))
                    if following in visited:
                        raise FetchError(f"the redirects loop back to {following}",
                                         code="fetch.redirect_loop", resource=url)
                    if len(visited) > options.max_redirects:
                        raise FetchError(f"more than {options.max_redirects} redirects",
                                         code="fetch.too_many_redirects", resource=url)
                    continue
                if status == 304:
                    return FetchResult(url=here, status=304, headers=_final_headers(response), content=b"",
                                       not_modified=True,
                                       etag=response.headers.get("etag") or etag,
                                       last_modified=response.headers.get("last-modified") or last_modified,
                                       elapsed=time.monotonic() - start, redirects=tuple(visited[:-1]))
                if not 200 <= status < 300:  # incl. 3xx without a usable Location
                    raise _status_error(response, here)
                content_type = response.headers.get("content-type")
                if not media_type_allowed(content_type, options.accept_types):
                    raise FetchError(f"the server sent '{content_type}', not a feed or a web page",
                                     code="fetch.bad_content_type", resource=here)
                body = _read_body(response, options, deadline, here)
            except httpx.TimeoutException as exc:
                raise FetchError("the server stopped sending before the body was complete",
                                 code="fetch.timeout", resource=here) from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"the connection to {current.host} broke: {exc or type(exc).__name__}",
                                 code="fetch.connect", resource=here) from exc
            finally:
                response.close()
            return FetchResult(url=here, status=status, headers=_final_headers(response), content=body,
                               etag=response.headers.get("etag"),
                               last_modified=response.headers.get("last-modified"),
                               elapsed=time.monotonic() - start, redirects=tuple(visited[:-1]))


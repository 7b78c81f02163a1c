"""Which addresses the fetcher may connect to (the SSRF guard).

A watch file, a feed item or a redirect can point the worker at any URL, including the cloud
metadata endpoint (169.254.169.254), the Redis on localhost or an intranet admin page. So the
fetcher resolves every host itself, refuses any address that is not globally routable, and then
connects to exactly the address it checked (``client.py``) so DNS cannot answer differently the
second time (DNS rebinding).

This module is pure apart from :func:`resolve`: it classifies addresses, parses the numeric
IPv4 spellings that ``inet_aton`` accepts (``2130706433``, ``0x7f.1``, ``0177.0.0.1``) and
unwraps IPv4 addresses embedded in IPv6 forms (mapped, compatible, 6to4, NAT64, Teredo), because
each of those reaches an IPv4 host the plain check would not see.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from worker.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_IPV4_COMPAT = ipaddress.IPv6Network("::/96")
# Special-purpose blocks some Python versions count as global (IANA registry, RFC 6890).
_V4_SPECIAL = tuple(ipaddress.IPv4Network(n) for n in ("192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
                                                      "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4"))

# Named ranges first so the refusal says *why*; ``not is_global`` catches the rest
# (benchmarking 198.18/15, documentation ranges, 192.0.0/24, ...).
_V4_REASONS: tuple[tuple[str, Callable[[ipaddress.IPv4Address], bool]], ...] = (
    ("unspecified", lambda ip: ip.is_unspecified or ip in ipaddress.IPv4Network("0.0.0.0/8")),
    ("loopback", lambda ip: ip.is_loopback),
    ("link-local", lambda ip: ip.is_link_local),
    ("carrier-grade NAT", lambda ip: ip in _CGNAT),
    ("multicast", lambda ip: ip.is_multicast),
    ("private", lambda ip: ip.is_private),
    ("reserved", lambda ip: ip.is_reserved or any(ip in net for net in _V4_SPECIAL)),
    ("not globally routable", lambda ip: not ip.is_global),
)
_V6_REASONS: tuple[tuple[str, Callable[[ipaddress.IPv6Address], bool]], ...] = (
    ("unspecified", lambda ip: ip.is_unspecified),
    ("loopback", lambda ip: ip.is_loopback),
    ("link-local", lambda ip: ip.is_link_local),
    ("site-local", lambda ip: ip.is_site_local),
    ("unique-local", lambda ip: ip in ipaddress.IPv6Network("fc00::/7")),
    ("multicast", lambda ip: ip.is_multicast),
    ("private", lambda ip: ip.is_private),
    ("reserved", lambda ip: ip.is_reserved),
    ("not globally routable", lambda ip: not ip.is_global),
)


def parse_ipv4_loose(host: str) -> ipaddress.IPv4Address | None:
    """Parse every IPv4 spelling ``inet_aton`` accepts, or return None for a non-numeric host.

    ``http://2130706433/``, ``http://0x7f.1/`` and ``http://0177.0.0.1/`` all reach 127.0.0.1
    through the C resolver, so the guard must read them the same way.
    """
    host = host.rstrip(".")
    parts = host.split(".")
    if not host or len(parts) > 4:
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part.lower().startswith("0x"):
                value = int(part[2:] or "0", 16)
            elif len(part) > 1 and part.startswith("0"):
                value = int(part, 8)
            else:
                if not part.isdigit():
                    return None
                value = int(part, 10)
        except ValueError:
            return None
        numbers.append(value)
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(numbers)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (5 - len(numbers)) + last
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> IPAddress | None:
    """The address a literal host names (IPv6 with or without brackets, loose IPv4), else None."""
    bare = host.strip("[]")
    if ":" in bare:
        try:
            return ipaddress.IPv6Address(bare.split("%", 1)[0])
        except ValueError:
            return None
    return parse_ipv4_loose(bare)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, compatible, 6to4, NAT64, Teredo client)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_COMPAT and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def forbidden_reason(ip: IPAddress) -> str | None:
    """Why the fetcher must not connect to ``ip`` (e.g. ``"loopback"``), or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            reason = forbidden_reason(inner)
            return f"{reason} (IPv4 {inner} embedded in IPv6)" if reason else None
        for name, test6 in _V6_REASONS:
            if test6(ip):
                return name
        return None
    for name, test4 in _V4_REASONS:
        if test4(ip):
            return name
    return None


def host_allowed(host: str, ip: IPAddress, allow_hosts: Iterable[str]) -> bool:
    """True when the watch file's allowlist opens this host or address.

    Entries are host names (``intranet.example``), ``*.domain`` / ``.domain`` for subdomains,
    literal addresses or CIDR networks (``10.0.0.0/8``).
    """
    host = host.lower().strip("[]").rstrip(".")
    for raw in allow_hosts:
        entry = raw.strip().lower().strip("[]").rstrip(".")
        if not entry:
            continue
        if entry.startswith(("*.", ".")):
            suffix = entry.lstrip("*")
            if host.endswith(suffix) or host == suffix[1:]:
                return True
            continue
        if host == entry:
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


_RESOLVER_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="remon-dns")


def resolve(host: str, port: int, *, timeout: float, resolver: Resolver | None = None) -> list[IPAddress]:
    """Every address ``host`` resolves to, with a deadline (``getaddrinfo`` has none of its own).

    Literal addresses (in any notation) are returned without a lookup.
    """
    literal = parse_ip(host)
    if literal is not None:
        return [literal]
    lookup = resolver or _system_resolve
    future = _RESOLVER_POOL.submit(lookup, host, port)
    try:
        raw = future.result(timeout=max(timeout, 0.001))
    except FutureTimeout as exc:
        raise FetchError(f"looking up {host} took longer than {timeout:.0f} s", code="fetch.dns",
                         resource=host) from exc
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"the host name {host} could not be resolved", code="fetch.dns",
                         resource=host) from exc
    addresses: list[IPAddress] = []
    for text in raw:
        ip = parse_ip(text)
        if ip is not None and ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise FetchError(f"the host name {host} has no address", code="fetch.dns", resource=host)
    return addresses


def check_addresses(
    host: str,
    addresses: Sequence[IPAddress],
    *,
    allow_private: bool = False,
    allow_hosts: Iterable[str] = (),
    url: str | None = None,
) -> IPAddress:
    """The address to connect to, after refusing the host if ANY of its addresses is forbidden.

    Refusing on any (not just the first) address stops a host that answers with one public and
    one private address from getting through on a retry or a different resolver order.
    """
    allow_hosts = tuple(allow_hosts)
    if not addresses:
        raise FetchError(f"the host name {host} has no address", code="fetch.dns", resource=url or host)
    if allow_private:
        return addresses[0]
    for ip in addresses:
        reason = forbidden_reason(ip)
        if reason and not host_allowed(host, ip, allow_hosts):
            raise FetchError(
                f"refused to connect to {host}: it resolves to {ip}, a {reason} address; "
                "set REMON_ALLOW_PRIVATE_NETWORKS or add the host to allow_hosts in the watch "
                "file if this source is meant to be on a private network",
                code="fetch.private_address",
                resource=url or host,
            )
    return addresses[0]

"""Which addresses the fetcher refuses (SSRF): private answers, and every notation of an IP address.

Pure checks of the address rules (no server); the fetches themselves are in tests/test_fetch.py.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_fetch import code_of
from worker.fetch.client import FetchOptions
from worker.fetch.ssrf import check_addresses, forbidden_reason, parse_ip, parse_ipv4_loose


def test_any_private_answer_refuses_the_host() -> None:
    both = FetchOptions(resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"])
    assert code_of("http://mixed.test/", both) == "fetch.private_address"
    meta = FetchOptions(resolver=lambda host, port: ["169.254.169.254"])
    assert code_of("http://metadata.test/", meta) == "fetch.private_address"


PRIVATE_HOSTS = [
    "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0x7F.1", "017700000001",
    "0177.0.0.1", "0177.1", "0", "0.0.0.0", "0x0", "10.0.0.1", "012.0.0.1", "172.16.0.1", "192.168.1.1",
    "169.254.169.254", "0xa9fea9fe", "2852039166", "0251.0376.0251.0376", "0xa9.0xfe.0xa9.0xfe",
    "100.64.0.1", "100.127.255.254", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "198.18.0.1", "192.0.0.8", "192.0.2.1",
    "[::1]", "[::]", "[fe80::1]", "[fd00::1]", "[fc00::1]", "[fec0::1]", "[ff02::1]",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]",
    "[::127.0.0.1]", "[2002:7f00:1::]", "[2002:a9fe:a9fe::1]", "[64:ff9b::7f00:1]",
    "[64:ff9b::169.254.169.254]", "[64:ff9b:1::a9fe:a9fe]", "[2001:db8::1]", "[100::1]",
]


PUBLIC_HOSTS = ["8.8.8.8", "93.184.216.34", "0x5db8d822", "1.1", "[2606:4700:4700::1111]",
                "[::ffff:8.8.8.8]", "[2002:808:808::1]", "[64:ff9b::808:808]"]


@pytest.mark.parametrize("host", PRIVATE_HOSTS)
def test_ip_notation_matrix_private(host: str) -> None:
    ip = parse_ip(host)
    assert ip is not None, host
    assert forbidden_reason(ip) is not None, (host, ip)
    # httpx itself rejects some spellings (leading-zero octets) as invalid URLs: refused either way
    assert code_of(f"http://{host}/", FetchOptions()) in {"fetch.private_address", "fetch.invalid_url"}


@pytest.mark.parametrize("host", PUBLIC_HOSTS)
def test_ip_notation_matrix_public(host: str) -> None:
    ip = parse_ip(host)
    assert ip is not None and forbidden_reason(ip) is None, (host, ip)
    assert check_addresses(host, [ip]) == ip


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4.5", "256.0.0.1.", "1.2.3.256", "08.0.0.1",
                                  "4294967296", "xn--80ak6aa92e.com", "[not-ipv6]"])
def test_non_ip_hosts_are_not_parsed_as_ips(host: str) -> None:
    assert parse_ip(host) is None


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789abcdefxX.", min_size=1, max_size=16))
def test_loose_ipv4_reads_hosts_as_the_c_resolver_does(host: str) -> None:
    """Wherever inet_aton accepts a host, the guard reads the same address (it may refuse more)."""
    try:
        expected = ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return
    assert parse_ipv4_loose(host) == expected

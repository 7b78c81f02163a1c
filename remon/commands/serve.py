"""Serving an ASGI app on a socket remon binds itself (``remon web``, ``remon demo``).

Binding first turns "address already in use" into one line and exit 1 instead of uvicorn's
trace and exit 3, and lets ``--port 0`` pick a free port whose number is known before anything
that prints links (the demo's alerts) is written.
"""

from __future__ import annotations

import socket
from typing import Any

from worker.errors import RemonError


class BindError(RemonError):
    """The address cannot be listened on (in use, not ours, or a privileged port)."""

    code = "web.bind"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``port`` 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        why = {98: "the port is already in use (another `remon web`?); choose another with --port",
               13: "permission denied (ports below 1024 need root); choose another with --port",
               99: "this machine has no such address; check --host"}.get(exc.errno or 0, exc.strerror or str(exc))
        raise BindError(f"cannot listen on {host}:{port}: {why}") from exc
    sock.set_inheritable(True)
    return sock


def bound_port(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def serve(asgi: Any, sock: socket.socket, *, log_level: str = "warning") -> None:
    """Serve until Ctrl-C / SIGTERM on the already bound socket."""
    import uvicorn

    config = uvicorn.Config(asgi, log_level=log_level.lower(), access_log=False)
    uvicorn.Server(config).run(sockets=[sock])

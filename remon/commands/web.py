"""``remon web``: the review app, the JSON API and the operational endpoints on one socket."""

from __future__ import annotations

from typing import Annotated

import typer

from remon.commands import context


def web(
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: loopback only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0: any free port.")] = 8080,
) -> None:
    """Serve the review web app, the JSON API and /healthz, /readyz, /metrics."""
    from remon.commands.serve import BindError, bind, serve

    settings = context.migrated_settings()
    try:
        sock = bind(host, port)
    except BindError as exc:
        context.fail(exc.message, 1)
    try:
        from remon.web.app import create_app
    except ImportError:
        from remon.ops import ops_app

        asgi = ops_app(settings)
    else:
        asgi = create_app(settings.database_url_value, settings=settings)
    serve(asgi, sock, log_level=settings.log_level)

"""``remon demo``: the bundled sample timeline through the real pipeline, then the review app
(the site and the loading are in ``remon.demo``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from remon.commands import context


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

    settings_check = context.settings()  # validates and sets up logging like every command
    del settings_check
    sock = None
    if serve_app:
        try:
            sock = bind(host, port)
        except BindError as exc:
            context.fail(exc.message, 1)
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

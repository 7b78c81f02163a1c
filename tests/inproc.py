"""Run a ``remon`` command inside the test process, the way the binary would run it.

Starting the ``remon`` binary costs about a second of imports per call (more on a busy machine);
a test that checks what a command prints and its exit code needs none of that. ``run_cli`` calls
the public entry ``remon.cli.main`` with the given arguments under exactly the given environment,
with its own stdin, stdout and stderr (click's isolation), and gives back what ``run_remon`` gives
back for a process: the exit code, stdout and stderr. What a process would not share with the next
command is reset around each call: the root logging handler remon installs (so log lines land on
this command's stderr), the process-wide runtime and the database engines.

Commands that start workers or servers (``run``, ``worker``, ``beat``, ``serve``) still go through
the binary (``tests.servers.run_remon``/``background``), and so do a few tests that check the binary
itself.
"""

from __future__ import annotations

import inspect
import logging
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from click.testing import CliRunner

from tests.servers import REPO

_SERVICES = {"run", "worker", "beat", "serve"}


@contextmanager
def _fresh_logging() -> Iterator[None]:
    """remon configures the root logger once per process (``remon.logs.setup_logging``) and binds its
    handler to the stderr of that moment: each command gets its own, removed afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.__dict__.pop("_remon_configured", None)
    try:
        yield
    finally:
        for handler in [h for h in root.handlers if h not in handlers]:
            root.removeHandler(handler)
        root.setLevel(level)
        root.__dict__.pop("_remon_configured", None)


def _reset_process_state() -> None:
    """What one ``remon`` process keeps for its lifetime: the runtime and the pooled connections."""
    runtime = sys.modules.get("tasks.runtime")
    if runtime is not None:
        runtime.get_runtime.cache_clear()
    db = sys.modules.get("storage.db")
    if db is not None:
        db.dispose_all()


def _call_main(args: list[str]) -> int:
    import remon.cli

    main = remon.cli.main
    argv, cwd = sys.argv, os.getcwd()
    sys.argv = ["remon", *args]
    os.chdir(REPO)  # where run_remon runs the binary
    try:
        result = main(args) if inspect.signature(main).parameters else main()  # type: ignore[call-arg,func-returns-value]
        return result if isinstance(result, int) else 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return int(exc.code or 0)
        print(exc.code, file=sys.stderr)
        return 1
    except Exception:  # an uncaught error: what the interpreter prints before exiting 1
        traceback.print_exc(file=sys.stderr)
        return 1
    finally:
        sys.argv = argv
        os.chdir(cwd)


def run_cli(env: dict[str, str], *args: str, check: bool = True, stdin: bytes | None = None,
            timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """``remon ARGS`` in this process under ``env`` (``tests.servers.remon_env``); the same result and
    failure message as ``tests.servers.run_remon``. ``timeout`` is accepted for that symmetry only."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("run_cli swaps this process's stdout, stderr and environment: call it from the "
                           "test's own thread (tests.servers.run_remon runs commands side by side)")
    if args and args[0] in _SERVICES:
        raise ValueError(f"`remon {args[0]}` starts a service: run it through tests.servers.background")
    overrides: dict[str, str | None] = {k: None for k in os.environ if k not in env}
    overrides.update({k: v for k, v in env.items() if os.environ.get(k) != v})
    _reset_process_state()
    with CliRunner().isolation(input=stdin, env=overrides) as (out, err, _), _fresh_logging():
        try:
            code = _call_main(list(args))
        finally:
            _reset_process_state()
        sys.stdout.flush()
        sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    proc = subprocess.CompletedProcess(["remon", *args], code, stdout, stderr)
    if check and code != 0:
        raise AssertionError(f"remon {' '.join(args)} exited {code}\n{stdout}\n{stderr}")
    return proc

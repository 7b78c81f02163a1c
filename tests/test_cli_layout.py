"""Issue 17 step 4: the CLI is a dispatcher, its commands live one group a module, and one shared
context prepares every command (settings, runtime, database).

Each command used to repeat the settings/runtime/migrate steps and their error lines; if a command
builds its runtime or migrates by itself again, its failures drift from the others'. These tests
read the source (no process needed): only ``remon/commands/context.py`` calls the preparing
functions, ``remon/cli.py`` defines no command body, and every command the CLI offers is one of a
``remon/commands/`` module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import typer.main

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ROOT / "remon" / "commands"
CONTEXT = COMMANDS / "context.py"
# the steps that prepare a command: settings, logging, the runtime, the database and its schema
PREPARING = {"load_settings", "setup_logging", "build_runtime", "require_database", "database_exists",
             "migrate", "parse_database_url"}


def _imported_names(path: Path) -> set[str]:
    return {alias.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) for alias in node.names}


def test_only_the_context_prepares_a_command() -> None:
    offenders = {str(p.relative_to(ROOT)): sorted(_imported_names(p) & PREPARING)
                 for p in [ROOT / "remon" / "cli.py", *sorted(COMMANDS.glob("*.py"))] if p != CONTEXT}
    assert {k: v for k, v in offenders.items() if v} == {}, "use remon.commands.context"
    assert _imported_names(CONTEXT) >= {"load_settings", "build_runtime", "require_database"}


def test_the_cli_module_only_dispatches() -> None:
    tree = ast.parse((ROOT / "remon" / "cli.py").read_text(encoding="utf-8"))
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert functions == ["main"]


def test_every_command_comes_from_a_command_module() -> None:
    from remon.cli import app

    group = typer.main.get_command(app)
    seen: list[str] = []

    def walk(command: object, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, f"{path} {name}".strip())
            return
        callback = getattr(command, "callback", None)
        module = getattr(callback, "__module__", "")
        assert module.startswith("remon.commands."), f"remon {path} is defined in {module}"
        seen.append(path)

    walk(group, "")
    assert {"init", "run", "poll", "sources add", "alerts retry", "measures list", "health"} <= set(seen)
    assert len(seen) == 24  # the ten top-level commands and the fourteen of the groups

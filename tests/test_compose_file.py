"""Issue 16: docker-compose.yml lets .env decide, and holds no credential.

No container engine runs here, so the file is read with PyYAML and its ``${NAME:-default}``
interpolation is rendered the way Compose does it (the shell, then ``.env``, then the default).
What the containers then do with the settings is remon's own code, tested through ``load_settings``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.inproc import run_cli
from tests.servers import REPO

COMPOSE = REPO / "docker-compose.yml"
_VAR = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<default>[^}]*))?\}")
# settings compose may fix whatever .env says: where the volume is mounted, where the secret is mounted
FIXED = {"REMON_DATA_DIR", "REMON_DATABASE_PASSWORD_FILE"}


def spec() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def render(value: str, env: dict[str, str]) -> str:
    """Compose's interpolation of one value: ``${X}``, ``${X:-default}``, ``${X-default}``."""
    def one(m: re.Match[str]) -> str:
        name, op, default = m["name"], m["op"], m["default"] or ""
        if op == ":-":
            return env.get(name) or default
        if op == "-":
            return env.get(name, default)
        return env.get(name, "")
    return _VAR.sub(one, value)


def remon_services(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in data["services"].items() if str(svc.get("image", "")).startswith("remon")}


def test_env_values_take_effect_in_every_remon_service() -> None:
    data = spec()
    services = remon_services(data)
    assert {"migrate", "worker", "worker-notify", "beat", "web"} <= set(services)
    dotenv = {"REMON_DATABASE_URL": "postgresql://app@db.internal:5432/monitor",
              "REMON_BROKER_URL": "redis://cache.internal:6379/3"}
    for name, svc in services.items():
        assert svc["env_file"] == [{"path": ".env", "required": False}], name
        for key, value in svc["environment"].items():
            if key in FIXED:
                continue
            # every other value is the .env (or shell) value of the same setting, with a default
            m = _VAR.fullmatch(str(value))
            assert m and m["name"] == key and m["op"] == ":-", (name, key, value)
            assert render(str(value), dotenv) == dotenv[key]
        defaults = {k: render(str(v), {}) for k, v in svc["environment"].items()}
        assert defaults["REMON_DATABASE_URL"] == "postgresql://remon@postgres:5432/remon"
        assert defaults["REMON_BROKER_URL"] == "redis://redis:6379/0"


def test_no_credential_is_written_in_the_compose_file() -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    assert not re.search(r"://[^/\s:@]+:[^@\s]+@", text), "a URL with a password"
    data = spec()
    postgres = data["services"]["postgres"]["environment"]
    assert "POSTGRES_PASSWORD" not in postgres
    assert postgres["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert data["secrets"]["postgres_password"] == {"environment": "POSTGRES_PASSWORD"}
    users = [name for name, svc in data["services"].items() if "postgres_password" in (svc.get("secrets") or [])]
    assert set(users) == {"postgres", *remon_services(data)}
    for svc in remon_services(data).values():
        assert svc["environment"]["REMON_DATABASE_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^POSTGRES_PASSWORD=$", example, re.MULTILINE)  # the user chooses it; no default


def test_remon_reads_the_password_from_the_secret_file(tmp_path: Path, monkeypatch: Any) -> None:
    """What a remon container does with compose's settings: the URL without a password, plus the secret."""
    from worker.config import load_settings

    secret = tmp_path / "postgres_password"
    secret.write_text("p@ss/w:rd+7\n", encoding="utf-8")
    for key in [k for k in __import__("os").environ if k.startswith("REMON_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no .env here
    env = {k: render(str(v), {}) for k, v in remon_services(spec())["worker"]["environment"].items()}
    env["REMON_DATABASE_PASSWORD_FILE"] = str(secret)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()
    assert settings.database_url_value == "postgresql://remon:p%40ss%2Fw%3Ard%2B7@postgres:5432/remon"
    # a URL that carries its own password keeps it
    monkeypatch.setenv("REMON_DATABASE_URL", "postgresql://other:own@db.example:5432/x")
    assert load_settings().database_url_value == "postgresql://other:own@db.example:5432/x"


@pytest.mark.system
def test_the_password_from_the_secret_never_shows(tmp_path: Path) -> None:
    from tests.servers import free_port, remon_env

    secret = tmp_path / "postgres_password"
    secret.write_text("Sup3r-Secret-9", encoding="utf-8")
    env = remon_env(tmp_path, REMON_DATABASE_URL=f"postgresql://remon@127.0.0.1:{free_port()}/remon",
                    REMON_DATABASE_PASSWORD_FILE=str(secret), REMON_LOG_LEVEL="DEBUG")
    listing = run_cli(env, "sources", "list", check=False)
    health = run_cli(env, "health", check=False)
    assert listing.returncode == 1 and "cannot reach the database at postgresql://remon@127.0.0.1:" in listing.stderr
    assert health.returncode == 1
    assert "Sup3r" not in listing.stdout + listing.stderr + health.stdout + health.stderr

"""One typed settings object, validated once at start, plus the watch file it points to.

Settings come from the environment (prefix ``REMON_``) or a ``.env`` file; every secret also
has a ``_FILE`` variant (``REMON_NOTIFY_URLS_FILE=/run/secrets/notify``) so containers can
mount secrets instead of putting them in the environment. Domain code receives the values it
needs as arguments; nothing below ``worker/`` reads the environment on its own.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from worker.common.mask import mask_url
from worker.errors import ConfigError

SECRET_FIELDS = ("database_url", "database_password", "broker_url", "notify_urls", "web_token")
DEFAULT_USER_AGENT = "remon/0.1 (+https://github.com/remon-project/remon; export-control monitor)"


class Settings(BaseSettings):
    """Every setting remon reads. The README's settings table mirrors this class."""

    model_config = SettingsConfigDict(env_prefix="REMON_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("./data"), description="Where the embedded SQLite files live.")
    database_url: SecretStr | None = Field(
        None, description="SQLAlchemy URL; default sqlite:///<data_dir>/remon.db. Secret (_FILE)."
    )
    database_password: SecretStr | None = Field(
        None, description="Password for REMON_DATABASE_URL when the URL carries none (a compose or "
        "Kubernetes secret file: REMON_DATABASE_PASSWORD_FILE). Secret (_FILE).")
    broker_url: SecretStr | None = Field(
        None, description="Celery broker; default sqla+sqlite:///<data_dir>/broker.db. Secret (_FILE)."
    )
    notify_urls: SecretStr = Field(
        SecretStr(""),
        description="Apprise URLs, whitespace separated; 'tag1,tag2=URL' tags one. Secret (_FILE).",
    )
    config: Path | None = Field(None, description="Watch file (YAML or TOML): sources, routing, thresholds.")
    allow_private_networks: bool = Field(
        False, description="Let the fetcher reach private, loopback and link-local addresses."
    )
    base_url: str = Field("http://127.0.0.1:8080", description="Public URL of the review app, for links.")
    web_token: SecretStr | None = Field(None, description="Token required by write endpoints. Secret (_FILE).")
    user_agent: str = Field(DEFAULT_USER_AGENT, description="User-Agent sent with every request.")
    default_interval: int = Field(900, ge=30, description="Poll interval (s) for sources that set none.")
    beat_interval: int = Field(60, ge=1, description="How often (s) beat looks for due sources.")
    fetch_timeout: float = Field(20.0, gt=0, description="Total seconds allowed for one HTTP fetch.")
    max_body_bytes: int = Field(10 * 1024 * 1024, gt=0, description="Cap on a decompressed body.")
    per_host_concurrency: int = Field(2, ge=1, description="Fetches to one host at once, across workers.")
    retry_base: float = Field(30.0, gt=0, description="First retry delay (s) of a failed send; doubles each time.")
    retry_max: float = Field(3600.0, gt=0, description="Cap (s) on the delay between two sends.")
    retry_attempts: int = Field(8, ge=1, description="Sends tried before a delivery is marked failed.")
    task_lease: int = Field(
        30, ge=5, description="Seconds a claim on a source, article or delivery lasts unless its worker renews it "
        "(it does, every third of this, while the task runs); a dead worker's work is taken over after it.")
    task_soft_time_limit: float = Field(
        240.0, gt=0, description="Seconds a task may run before it is interrupted and its article or source "
        "recorded failed (task.time_limit).")
    task_time_limit: float = Field(
        300.0, gt=0, description="Seconds after which a task that ignored the soft limit is killed with its process.")
    restart: bool | None = Field(
        None, description="remon run starts its worker again (backoff 1 s doubling to 30 s) when it stops on an "
        "error; default: on with the embedded broker, off otherwise (compose restarts the container).")
    maintenance_interval: int = Field(
        60, ge=1, description="How often (s) the worker prunes the embedded broker, checkpoints SQLite's "
        "write-ahead log and checks the data folder's free space.")
    min_free_mb: int = Field(
        200, ge=0, description="Free space (MB) in the data folder under which the worker warns and the disk "
        "health check fails.")
    measure_reminder_days: str = Field(
        "30,7,1", description="Days before a measure takes effect or a suspension ends that a reminder is sent.")
    alert_min_confidence: float = Field(
        0.8, ge=0.0, le=1.0, description="Alerts below this confidence wait for a second source (0: no gate).")
    unconfirmed_max_days: int = Field(
        14, ge=0, description="Days a held (unconfirmed) item waits for a second source; then it expires: kept, "
        "marked expired, never alerted (0: never expires).")
    log_level: str = Field("INFO", description="Python log level.")
    log_json: bool = Field(False, description="Emit structured JSON logs.")

    @field_validator("measure_reminder_days")
    @classmethod
    def _reminder_days(cls, value: str) -> str:
        from worker.measures.reminders import parse_offsets

        return ",".join(str(v) for v in parse_offsets(value))  # ValueError names the expected form

    @property
    def measure_reminder_offsets(self) -> tuple[int, ...]:
        from worker.measures.reminders import parse_offsets

        return parse_offsets(self.measure_reminder_days)

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    # -- derived values ------------------------------------------------------------------
    @property
    def database_url_value(self) -> str:
        if self.database_url and self.database_url.get_secret_value():
            return with_password(self.database_url.get_secret_value(), self.database_password)
        return f"sqlite:///{(self.data_dir / 'remon.db').as_posix()}"

    @property
    def broker_url_value(self) -> str:
        if self.broker_url and self.broker_url.get_secret_value():
            return self.broker_url.get_secret_value()
        return f"sqla+sqlite:///{(self.data_dir / 'broker.db').as_posix()}"

    @property
    def embedded(self) -> bool:
        return self.broker_url_value.startswith("sqla+")

    @property
    def restart_value(self) -> bool:
        """Whether ``remon run`` supervises its worker: REMON_RESTART, else on with the embedded broker."""
        return self.embedded if self.restart is None else self.restart

    def channels(self) -> list[Channel]:
        return parse_notify_urls(self.notify_urls.get_secret_value())

    def watch(self) -> WatchConfig:
        return load_watch_file(self.config) if self.config else WatchConfig()


def with_password(url: str, password: SecretStr | None) -> str:
    """``url`` with ``password`` in its user-info, when the URL names a user and no password of its own
    (``postgresql://remon@postgres/remon`` + a secret file): the password never sits in the URL setting."""
    from urllib.parse import quote, urlsplit, urlunsplit

    secret = password.get_secret_value() if password is not None else ""
    parts = urlsplit(url)
    if not secret or "@" not in parts.netloc:
        return url
    userinfo, _, hostport = parts.netloc.rpartition("@")
    if ":" in userinfo or not userinfo:
        return url
    return urlunsplit(parts._replace(netloc=f"{userinfo}:{quote(secret, safe='')}@{hostport}"))


class Channel(BaseModel):
    """One notification target: an apprise URL (secret) and the tags that route to it."""

    model_config = ConfigDict(frozen=True)

    url: SecretStr
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """A stable, secret-free identity for delivery rows (hash of the URL)."""
        import hashlib

        return hashlib.sha256(self.url.get_secret_value().encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        """The URL with every secret masked: safe for logs, pages and the API."""
        return mask_url(self.url.get_secret_value())


_TAGGED = re.compile(r"^(?P<tags>[A-Za-z0-9_.,\s-]+)=(?P<url>[A-Za-z][A-Za-z0-9+.-]*://.*)$")


def parse_notify_urls(raw: str) -> list[Channel]:
    """Split ``REMON_NOTIFY_URLS`` into channels; ``urgent,cn=mailto://...`` carries tags."""
    channels: list[Channel] = []
    for item in raw.split():
        match = _TAGGED.match(item)
        if match:
            tags = tuple(t.strip() for t in match["tags"].split(",") if t.strip())
            channels.append(Channel(url=SecretStr(match["url"]), tags=tags))
        elif "://" in item:
            channels.append(Channel(url=SecretStr(item)))
        else:
            raise ConfigError("a notify URL must look like scheme://..., optionally prefixed 'tag=' "
                              f"(item {len(channels) + 1} does not)", code="config.notify_url")
    return channels


# ----------------------------------------------------------------------------- watch file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Selectors(_Strict):
    """CSS selectors that turn an HTML listing page into entries."""

    item: str
    link: str = "a"
    title: str | None = None
    date: str | None = None


class SourceSpec(_Strict):
    """A source as written in the watch file."""

    url: str | None = None
    name: str | None = None
    kind: Literal["feed", "html", "search"] = "feed"
    interval: int | None = Field(None, ge=30)
    lang: str | None = None
    enabled: bool = True
    selectors: Selectors | None = None
    query: str | None = None
    engine: str | None = None


class Thresholds(_Strict):
    """Tolerances of the change rules (SCHEMA.md 'Alerts')."""

    percent_points: float = 1.0
    relative: float = 0.02
    hedged_relative: float = 0.05
    failing_after: int = Field(5, ge=1)
    relevance_min: float | None = None  # None: the extractor's own calibrated threshold


class RouteRule(_Strict):
    """Alerts matching every given list go to ``tags``; an empty list matches anything."""

    kinds: list[str] = []
    materials: list[str] = []
    actors: list[str] = []
    tags: list[str]
    min_confidence: float | None = Field(None, ge=0.0, le=1.0)  # the gate for matching alerts


class TagMode(_Strict):
    mode: Literal["immediate", "digest"] = "immediate"
    every: Literal["hourly", "daily"] = "daily"
    at: str = "08:00"
    lang: Literal["en", "zh"] | None = None  # the language of titles for channels with this tag


class Routing(_Strict):
    rules: list[RouteRule] = []
    tags: dict[str, TagMode] = {}
    debounce_minutes: int = Field(60, ge=0)


class WatchConfig(_Strict):
    """The watch file: what to poll, where alerts go, and how sensitive the rules are."""

    sources: list[SourceSpec] = []
    allow_hosts: list[str] = []
    thresholds: Thresholds = Thresholds()
    routing: Routing = Routing()
    vocab: dict[str, Any] = {}
    use_default_sources: bool = False


def load_watch_file(path: Path) -> WatchConfig:
    """Read a YAML or TOML watch file; raise ConfigError naming the bad field."""
    if not path.exists():
        raise ConfigError(f"watch file {path} does not exist", code="config.watch_missing")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"watch file {path} is not valid: {exc}", code="config.watch_syntax") from exc
    try:
        watch = WatchConfig.model_validate(data or {})
    except ValidationError as exc:
        raise ConfigError(_readable(exc, str(path)), code="config.watch_invalid") from exc
    if watch.vocab:
        # the extractor's tables are read only when extended
        from worker.extract.stances import stance_model
        from worker.extract.vocab import load_vocabulary

        try:
            load_vocabulary(watch.vocab)
            stance_model(watch.vocab)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc.message}", code="config.watch_invalid") from exc
    return watch


def _readable(exc: ValidationError, where: str) -> str:
    parts = [f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()]
    return f"{where}: " + "; ".join(parts)


def load_settings(**overrides: Any) -> Settings:
    """Build and validate the settings once; a bad value raises ConfigError naming the variable."""
    for name in SECRET_FIELDS:
        file_var = f"REMON_{name.upper()}_FILE"
        if name not in overrides and os.environ.get(file_var):
            try:
                overrides[name] = Path(os.environ[file_var]).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(f"{file_var} points to an unreadable file: {exc.strerror}",
                                  code="config.secret_file") from exc
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        parts = [f"REMON_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()]
        raise ConfigError("invalid settings: " + "; ".join(parts), code="config.invalid") from exc
    settings.channels()  # validate the notify URLs now, not at the first alert
    if settings.config:
        settings.watch()
    return settings

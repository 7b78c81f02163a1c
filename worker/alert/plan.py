"""From a detected change to the alert and deliveries to write, planned as data: a pure function.

The detector (``worker.detect``) says what changed; :func:`plan_alert` renders it in every format and
language (``render``), routes it to channels (``route``), decides whether it is flapping (debounce),
and returns an :class:`AlertPlan`: the alert row's fields and the delivery rows. The caller
(``tasks.alerting``) loads what the plan reads (the article, its appearances, the last alert of the
same debounce key) and writes the plan through storage, in the analysis transaction (the outbox).
The choices a send makes (the channel's format and language, the outcome of a try) are here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from worker.alert.kinds import is_debounced
from worker.alert.render import AlertView, Format, render, view_from_change
from worker.alert.route import channel_lang, debounce_key, route, should_debounce
from worker.config import Channel, Routing
from worker.types import Change

FORMATS: tuple[Format, ...] = ("text", "markdown", "html")
LANGUAGES = ("zh",)  # the languages besides English a channel may ask for (a tag's ``lang``)


@dataclass(frozen=True)
class AlertContext:
    """What the plan reads besides the change: the article it came from (none for source health and
    reminders), its source's label, how many sources carry the story, and the review app's address."""

    article_id: int | None = None
    article_url: str | None = None
    article_title: str | None = None
    published: datetime | None = None
    source: str | None = None
    appearances: int = 0
    base_url: str = ""

    @property
    def review_url(self) -> str | None:
        return f"{self.base_url.rstrip('/')}/articles/{self.article_id}" if self.article_id is not None else None


@dataclass(frozen=True)
class PlannedDelivery:
    channel_key: str
    channel: str  # the channel's label (secret-free)
    mode: str  # immediate | digest


@dataclass(frozen=True)
class AlertPlan:
    kind: str
    dedup_key: str
    debounce_key: str
    title: str
    body: str
    payload: dict[str, Any]
    created_at: datetime
    deliveries: tuple[PlannedDelivery, ...] = ()

    @property
    def debounced(self) -> bool:
        return bool(self.payload.get("debounced"))


def sources_count(change: Change, appearances: int) -> int:
    """The publishers carrying the story: its appearances, or those a confirmation counted."""
    count = max(appearances, 1)
    if change.details.get("confirmed_by"):  # the publishers that agree, whatever copies they had
        count = max(count, int(change.details.get("sources_count") or 1))
    return count


def _view(change: Change, ctx: AlertContext) -> AlertView:
    has_article = ctx.article_id is not None
    return view_from_change(
        change, article_url=ctx.article_url if has_article else None,
        article_title=ctx.article_title if has_article else None, source=ctx.source,
        published=ctx.published if has_article else None,
        sources_count=sources_count(change, ctx.appearances), review_url=ctx.review_url)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.date().isoformat() if value.hour == value.minute == 0 else value.isoformat()
    return value


def payload_of(change: Change, ctx: AlertContext) -> dict[str, Any]:
    """The change as the JSON an alert row keeps (the API and the review app read it)."""
    stat = change.statistic
    return {
        "article_url": ctx.article_url if ctx.article_id is not None else change.details.get("url"),
        "source": ctx.source,
        "statistic": {"subject": stat.subject, "material": stat.material, "measure": stat.measure,
                      "value": stat.value, "value_high": stat.value_high, "unit": stat.unit,
                      "approx": stat.approx, "period": stat.period, "sentence": stat.sentence} if stat else None,
        "previous": jsonable(dict(change.previous)) if change.previous else None,
        "stance": {"actor": change.stance.actor, "position": change.stance.position,
                   "sentence": change.stance.sentence} if change.stance else None,
        "previous_position": change.previous_position,
        "claim": {"speaker": change.claim.speaker, "text": change.claim.text,
                  "fingerprint": change.claim.fingerprint} if change.claim else None,
        "details": jsonable(dict(change.details)),
    }


def message(change: Change, ctx: AlertContext) -> tuple[str, str, dict[str, Any]]:
    """The text title and body of a change, and its payload with every format and language."""
    view = _view(change, ctx)
    title, body = render(view, "text")
    payload = payload_of(change, ctx)
    # each target gets the format it renders best (apprise's notify_format): keep all three
    payload["formats"] = {fmt: dict(zip(("title", "body"), render(view, fmt), strict=True))
                          for fmt in ("markdown", "html")}
    payload["i18n"] = {lang: {fmt: dict(zip(("title", "body"), render(view, fmt, lang), strict=True))
                              for fmt in FORMATS} for lang in LANGUAGES}
    return title, body, payload


def plan_alert(change: Change, ctx: AlertContext, *, routing: Routing, channels: Sequence[Channel],
               last_at: datetime | None, now: datetime, gate: Mapping[str, Any] | None = None) -> AlertPlan:
    """The alert for ``change`` and its deliveries. ``last_at`` is when the last alert of the same debounce
    key was raised: inside the routing's window, a change of a kind that may be debounced (``kinds``: all
    but a new statistic) is recorded with ``debounced`` in its payload and no delivery (flapping)."""
    title, body, payload = message(change, ctx)
    payload.update(gate or {})
    window = timedelta(minutes=routing.debounce_minutes)
    debounced = is_debounced(change.kind) and should_debounce(last_at, now, window)
    if debounced:
        payload["debounced"] = True
    deliveries = () if debounced else tuple(
        PlannedDelivery(channel_key=t.channel.key, channel=t.channel.label, mode=t.mode)
        for t in route(change, routing, list(channels)))
    return AlertPlan(kind=change.kind, dedup_key=change.key, debounce_key=debounce_key(change), title=title,
                     body=body, payload=payload, created_at=now, deliveries=deliveries)


def localised(title: str, body: str, payload: Mapping[str, Any] | None, lang: str, fmt: str) -> tuple[str, str]:
    """An alert's (title, body) in a channel's language and format, as stored in its payload."""
    payload = payload or {}
    if lang != "en":
        rendered = (payload.get("i18n") or {}).get(lang, {}).get(fmt)
        if rendered:
            return rendered["title"], rendered["body"]
    if fmt != "text":
        rendered = (payload.get("formats") or {}).get(fmt)
        if rendered:
            return rendered["title"], rendered["body"]
    return title, body


def delivery_message(title: str, body: str, payload: Mapping[str, Any] | None, *, channel: Channel,
                     routing: Routing, preferred: Format) -> tuple[str, str, Format]:
    """(title, body, format) of an alert for one channel: its language, and the format its service renders
    best (``preferred``, apprise's) when the alert was rendered in it, else plain text."""
    lang = channel_lang(channel, routing)
    stored = payload or {}
    fmt: Format = preferred
    if not ((stored.get("i18n") or {}).get(lang, {}).get(fmt) if lang != "en"
            else fmt == "text" or (stored.get("formats") or {}).get(fmt)):
        fmt = "text"
    return (*localised(title, body, stored, lang, fmt), fmt)


def send_outcome(ok: bool, *, attempts: int, max_attempts: int) -> str:
    """'sent', 'retry', or 'failed' once a delivery has had its tries."""
    return "sent" if ok else ("failed" if attempts >= max_attempts else "retry")

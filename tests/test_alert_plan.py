"""The alert planner (``worker.alert.plan``): a change and its context in, the alert row and its deliveries
out, as data (table-driven; nothing is written, no clock is read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from worker.alert.plan import (
    AlertContext,
    PlannedDelivery,
    delivery_message,
    localised,
    plan_alert,
    send_outcome,
    sources_count,
)
from worker.config import Channel, RouteRule, Routing, TagMode
from worker.types import Change, Stance, Statistic

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GALLIUM = Change(kind="changed_statistic", key="stat:1", statistic=Statistic(
    80, "percent", subject="china", material="gallium", measure="share_of_global_production",
    sentence="China makes 80% of gallium."), previous={"value": 70.0, "published": NOW - timedelta(days=3)})
NEW = Change(kind="new_statistic", key="stat:2", statistic=GALLIUM.statistic)
STANCE = Change(kind="stance_shift", key="stance:1", stance=Stance("european_union", "press", sentence="s"))
URGENT = Channel(url=SecretStr("json://127.0.0.1/urgent"), tags=("urgent",))
DAILY = Channel(url=SecretStr("json://127.0.0.1/daily"), tags=("daily",))
CHINESE = Channel(url=SecretStr("json://127.0.0.1/zh"), tags=("zh",))
ROUTING = Routing(rules=[RouteRule(materials=["gallium"], tags=["urgent", "zh"]),
                         RouteRule(kinds=["stance_shift"], tags=["daily"])],
                  tags={"urgent": TagMode(), "daily": TagMode(mode="digest"), "zh": TagMode(lang="zh")},
                  debounce_minutes=60)
ARTICLE = AlertContext(article_id=42, article_url="https://wire.example/a", article_title="Gallium",
                       published=NOW, source="wire", appearances=2, base_url="https://remon.example/")


@pytest.mark.parametrize(("change", "last_at", "debounced", "deliveries"), [
    (GALLIUM, None, False, [(URGENT, "immediate"), (CHINESE, "immediate")]),
    (GALLIUM, NOW - timedelta(minutes=59), True, []),     # flapping inside the window: recorded, not sent
    (GALLIUM, NOW - timedelta(minutes=61), False, [(URGENT, "immediate"), (CHINESE, "immediate")]),
    (NEW, NOW - timedelta(minutes=1), False, [(URGENT, "immediate"), (CHINESE, "immediate")]),  # never debounced
    (STANCE, None, False, [(DAILY, "digest")]),
])
def test_the_plan_routes_and_debounces(change: Change, last_at: datetime | None, debounced: bool,
                                       deliveries: list[tuple[Channel, str]]) -> None:
    plan = plan_alert(change, ARTICLE, routing=ROUTING, channels=[URGENT, DAILY, CHINESE], last_at=last_at,
                      now=NOW, gate={"gate": "pass", "confidence": 0.9})
    assert (plan.kind, plan.dedup_key, plan.created_at, plan.debounced) == (change.kind, change.key, NOW, debounced)
    assert plan.deliveries == tuple(PlannedDelivery(c.key, c.label, mode) for c, mode in deliveries)
    assert plan.payload["gate"] == "pass" and plan.payload["confidence"] == 0.9
    assert ("debounced" in plan.payload) is debounced


def test_the_message_carries_every_format_language_and_the_review_link() -> None:
    plan = plan_alert(GALLIUM, ARTICLE, routing=ROUTING, channels=[], last_at=None, now=NOW)
    assert "80" in plan.title and "https://remon.example/articles/42" in plan.body
    assert set(plan.payload["formats"]) == {"markdown", "html"}
    assert set(plan.payload["i18n"]["zh"]) == {"text", "markdown", "html"}
    assert plan.payload["article_url"] == "https://wire.example/a" and plan.payload["source"] == "wire"
    assert plan.payload["previous"]["published"] == "2026-02-26T12:00:00+00:00"  # JSON, not a datetime
    assert plan.deliveries == ()


def test_without_an_article_the_plan_names_the_source_and_no_review_link() -> None:
    failing = Change(kind="source_failing", key="f", details={"source": "wire", "url": "https://wire.example/f",
                                                              "error_code": "fetch.timeout", "failures": 5})
    plan = plan_alert(failing, AlertContext(source="wire", base_url="https://remon.example"), routing=Routing(),
                      channels=[URGENT], last_at=None, now=NOW)
    assert plan.payload["article_url"] == "https://wire.example/f" and "/articles/" not in plan.body
    assert [d.channel_key for d in plan.deliveries] == [URGENT.key]


@pytest.mark.parametrize(("details", "appearances", "count"), [
    ({}, 0, 1), ({}, 3, 3), ({"confirmed_by": [1], "sources_count": 4}, 2, 4),
    ({"confirmed_by": [1], "sources_count": 1}, 2, 2), ({"sources_count": 9}, 2, 2),  # only a confirmation counts
])
def test_sources_count(details: dict[str, object], appearances: int, count: int) -> None:
    assert sources_count(Change(kind="new_claim", key="c", details=details), appearances) == count


PAYLOAD = {"formats": {"html": {"title": "H", "body": "<b>h</b>"}},
           "i18n": {"zh": {"text": {"title": "中", "body": "文"}}}}


@pytest.mark.parametrize(("channel", "preferred", "expected"), [
    (URGENT, "html", ("H", "<b>h</b>", "html")),
    (URGENT, "markdown", ("t", "b", "text")),  # not rendered in markdown: plain text
    (URGENT, "text", ("t", "b", "text")),
    (CHINESE, "text", ("中", "文", "text")),
    (CHINESE, "html", ("中", "文", "text")),   # no Chinese HTML stored: Chinese plain text
])
def test_a_delivery_reads_its_channel_language_and_format(channel: Channel, preferred: str,
                                                           expected: tuple[str, str, str]) -> None:
    assert delivery_message("t", "b", PAYLOAD, channel=channel, routing=ROUTING,
                            preferred=preferred) == expected  # type: ignore[arg-type]


def test_localised_falls_back_to_the_text() -> None:
    assert localised("t", "b", None, "zh", "html") == ("t", "b")
    assert localised("t", "b", PAYLOAD, "en", "html") == ("H", "<b>h</b>")


@pytest.mark.parametrize(("ok", "attempts", "outcome"), [
    (True, 1, "sent"), (True, 9, "sent"), (False, 1, "retry"), (False, 4, "retry"), (False, 5, "failed"),
])
def test_send_outcome(ok: bool, attempts: int, outcome: str) -> None:
    assert send_outcome(ok, attempts=attempts, max_attempts=5) == outcome

"""Routing by tags, digest schedules and debounce (pure, table-driven)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from worker.alert.route import debounce_key, next_digest_due, route, should_debounce, tag_mode_for, tags_for
from worker.config import Channel, RouteRule, Routing, TagMode
from worker.types import Change, Claim, Stance, Statistic

GALLIUM = Change(kind="changed_statistic", key="k1",
                 statistic=Statistic(80, "percent", subject="china", material="gallium",
                                     measure="share_of_global_production"))
STANCE = Change(kind="stance_shift", key="k2", stance=Stance("european_union", "press"))
CLAIM = Change(kind="new_claim", key="k3", claim=Claim("china", "x", "x", "00ff"))
FAILING = Change(kind="source_failing", key="k4", details={"source": "wire"})

MAIL = Channel(url=SecretStr("mailto://u:p@example.org"))
URGENT = Channel(url=SecretStr("json://127.0.0.1/urgent"), tags=("urgent",))
DAILY = Channel(url=SecretStr("json://127.0.0.1/daily"), tags=("daily",))
BOTH = Channel(url=SecretStr("json://127.0.0.1/both"), tags=("daily", "urgent"))
ALL = Channel(url=SecretStr("json://127.0.0.1/all"), tags=("all",))

ROUTING = Routing(
    rules=[RouteRule(materials=["gallium", "germanium"], tags=["urgent"]),
           RouteRule(kinds=["stance_shift"], actors=["china", "european_union"], tags=["urgent", "daily"]),
           RouteRule(kinds=["new_claim", "source_failing"], tags=["daily"])],
    tags={"urgent": TagMode(mode="immediate"), "daily": TagMode(mode="digest", every="daily", at="08:00")},
)


@pytest.mark.parametrize(("change", "tags"), [
    (GALLIUM, ["urgent"]), (STANCE, ["urgent", "daily"]), (CLAIM, ["daily"]), (FAILING, ["daily"]),
    (Change(kind="stance_shift", key="k", stance=Stance("india", "counter")), []),
])
def test_rules_give_tags(change: Change, tags: list[str]) -> None:
    assert tags_for(change, ROUTING) == tags


@pytest.mark.parametrize(("change", "expected"), [
    (GALLIUM, [(MAIL, "immediate"), (URGENT, "immediate"), (BOTH, "immediate"), (ALL, "immediate")]),
    (STANCE, [(MAIL, "immediate"), (URGENT, "immediate"), (DAILY, "digest"), (BOTH, "immediate"),
              (ALL, "immediate")]),
    (CLAIM, [(MAIL, "immediate"), (DAILY, "digest"), (BOTH, "digest"), (ALL, "immediate")]),
])
def test_route_targets(change: Change, expected: list[tuple[Channel, str]]) -> None:
    got = [(t.channel, t.mode) for t in route(change, ROUTING, [MAIL, URGENT, DAILY, BOTH, ALL])]
    assert got == expected


def test_without_rules_everyone_gets_everything_and_default_tag_sets_untagged_mode() -> None:
    assert [t.mode for t in route(CLAIM, Routing(), [MAIL, URGENT])] == ["immediate", "immediate"]
    digest_default = Routing(tags={"default": TagMode(mode="digest", every="hourly", at="00:15")})
    (target,) = route(CLAIM, digest_default, [MAIL])
    assert target.mode == "digest" and target.schedule.every == "hourly"
    assert tag_mode_for(MAIL, digest_default) == TagMode(mode="digest", every="hourly", at="00:15")
    assert tag_mode_for(DAILY, ROUTING) == TagMode(mode="digest", every="daily", at="08:00")
    assert tag_mode_for(URGENT, ROUTING) is None


def at(h: int, m: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 1, day, h, m, tzinfo=UTC)


@pytest.mark.parametrize(("mode", "last", "now", "due"), [
    (TagMode(mode="digest", every="daily", at="08:00"), at(8, 0), at(9), at(8, 0, day=2)),
    (TagMode(mode="digest", every="daily", at="08:00"), at(7, 59), at(7, 59), at(8, 0)),
    (TagMode(mode="digest", every="daily", at="08:00"), at(14), at(15), at(8, 0, day=2)),
    (TagMode(mode="digest", every="daily", at="08:00"), None, at(15), at(8, 0)),       # never sent: due now
    (TagMode(mode="digest", every="hourly", at="00:30"), at(10, 30), at(10, 40), at(11, 30)),
    (TagMode(mode="digest", every="hourly", at="00:30"), at(10, 10), at(10, 20), at(10, 30)),
    (TagMode(mode="digest", every="hourly", at="00:00"), None, at(10, 20), at(10, 0)),
])
def test_next_digest_due(mode: TagMode, last: datetime | None, now: datetime, due: datetime) -> None:
    assert next_digest_due(mode, last, now) == due


@pytest.mark.parametrize(("last", "now", "window", "debounced"), [
    (None, at(10), timedelta(hours=1), False),
    (at(9, 30), at(10), timedelta(hours=1), True),
    (at(9), at(10), timedelta(hours=1), False),
    (at(9, 59), at(10), timedelta(0), False),
    (datetime(2026, 1, 1, 9, 30), at(10), timedelta(hours=1), True),  # naive = UTC
])
def test_should_debounce(last: datetime | None, now: datetime, window: timedelta, debounced: bool) -> None:
    assert should_debounce(last, now, window) is debounced


def test_debounce_keys_group_a_flapping_metric() -> None:
    other_value = Change(kind="changed_statistic", key="other-article",
                         statistic=Statistic(94, "percent", subject="china", material="gallium",
                                             measure="share_of_global_production"))
    key = "metric:china/gallium/share_of_global_production"
    assert debounce_key(GALLIUM) == debounce_key(other_value) == key
    assert debounce_key(STANCE) == "stance:european_union"
    assert debounce_key(FAILING) == "source_failing:wire"

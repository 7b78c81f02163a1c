"""Which channels get an alert, and when: apprise tags mapped from the watch file.

Rules map change kinds, materials and actors to tags; a channel receives an alert when one of
its tags is among the alert's tags. A channel without tags receives every alert. A tag's mode
is ``immediate`` (default) or ``digest`` (hourly or daily at a set time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from worker.config import Channel, Routing, TagMode
from worker.types import Change


@dataclass(frozen=True)
class Target:
    channel: Channel
    mode: str  # immediate | digest


def change_facets(change: Change) -> tuple[str, str | None, str | None]:
    """(kind, material, actor) of a change, for routing and debouncing."""
    material = change.statistic.material if change.statistic else None
    actor = (change.statistic.subject if change.statistic else change.stance.actor if change.stance
             else change.claim.speaker if change.claim else None)
    return change.kind, material, actor


def tags_for(change: Change, routing: Routing) -> set[str]:
    kind, material, actor = change_facets(change)
    tags: set[str] = set()
    for rule in routing.rules:
        if rule.kinds and kind not in rule.kinds:
            continue
        if rule.materials and material not in rule.materials:
            continue
        if rule.actors and actor not in rule.actors:
            continue
        tags.update(rule.tags)
    return tags


def tag_mode_for(channel: Channel, routing: Routing) -> TagMode | None:
    """The mode of a channel: digest if any of its tags is a digest tag."""
    modes = [routing.tags[t] for t in channel.tags if t in routing.tags]
    digest = [m for m in modes if m.mode == "digest"]
    return digest[0] if digest else (modes[0] if modes else None)


def route(change: Change, routing: Routing, channels: list[Channel]) -> list[Target]:
    """The channels an alert goes to, each with its mode.

    Without routing rules every channel gets every alert. With rules, a tagged channel gets
    the alerts whose rules name one of its tags, and a channel whose tags all have a declared
    mode (``routing.tags``) gets every alert in that mode; an untagged channel gets everything.
    """
    wanted = tags_for(change, routing)
    targets: list[Target] = []
    for channel in channels:
        mode = tag_mode_for(channel, routing)
        if not channel.tags or not routing.rules or wanted & set(channel.tags):
            targets.append(Target(channel, mode.mode if mode else "immediate"))
    return targets


def next_digest_due(mode: TagMode, last_sent: datetime | None, now: datetime) -> datetime:
    """When the next digest of a channel is due: a new channel's first digest is due at once."""
    if last_sent is None:
        return now
    if mode.every == "hourly":
        return last_sent + timedelta(hours=1)
    hour, minute = (int(x) for x in mode.at.split(":", 1))
    due = datetime.combine(last_sent.date(), time(hour, minute), tzinfo=last_sent.tzinfo)
    return due if due > last_sent else due + timedelta(days=1)


def should_debounce(last_sent_for_key: datetime | None, now: datetime, window: timedelta) -> bool:
    """The same metric flapping inside the window sends one alert."""
    return last_sent_for_key is not None and now - last_sent_for_key < window

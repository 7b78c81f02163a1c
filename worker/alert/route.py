"""Which channels get an alert, and when: apprise-style tags mapped from the watch file.

The routing rule, in full:

1. A change's tags are the union of the ``tags`` of every rule it matches (a rule matches when
   each of its non-empty lists — kinds, materials, actors — contains the change's value).
2. Without any rule, every channel receives every change.
3. A channel without tags receives every change. Its mode is the one given to the reserved tag
   ``default`` in ``routing.tags`` (so ``default: {mode: digest}`` turns untagged channels
   into digests); immediate when not given.
4. A tagged channel receives a change when one of its tags is among the change's tags (or it
   carries the reserved tag ``all``). Its mode comes from those matched tags: immediate when any
   of them is immediate (or has no declared mode), else the digest of the first matched tag.

Digests run hourly (at the minute of ``at``) or daily at ``at`` (HH:MM, UTC). Debounce: one
alert per ``debounce_key`` inside the window, so a flapping metric sends once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from worker.config import Channel, Routing, TagMode
from worker.types import Change

DEFAULT_TAG = "default"
ALL_TAG = "all"
IMMEDIATE = TagMode(mode="immediate")


@dataclass(frozen=True)
class Target:
    """One delivery to make: ``mode`` is ``immediate`` or ``digest``; ``schedule`` its TagMode."""

    channel: Channel
    mode: str
    schedule: TagMode = field(default_factory=lambda: IMMEDIATE)
    tag: str | None = None


def change_facets(change: Change) -> tuple[str, str | None, str | None]:
    """(kind, material, actor) of a change: what the watch file's rules can name."""
    material = change.statistic.material if change.statistic else None
    if change.statistic is not None:
        actor = change.statistic.subject
    elif change.stance is not None:
        actor = change.stance.actor
    elif change.claim is not None:
        actor = change.claim.speaker
    else:
        actor = None
    return change.kind, material, actor


def tags_for(change: Change, routing: Routing) -> list[str]:
    """The change's tags in rule order (rule 1), without repeats."""
    kind, material, actor = change_facets(change)
    tags: list[str] = []
    for rule in routing.rules:
        if rule.kinds and kind not in rule.kinds:
            continue
        if rule.materials and material not in rule.materials:
            continue
        if rule.actors and actor not in rule.actors:
            continue
        tags.extend(t for t in rule.tags if t not in tags)
    return tags


def _mode_of(tags: list[str], routing: Routing) -> tuple[TagMode, str | None]:
    modes = [(routing.tags.get(t, IMMEDIATE), t) for t in tags]
    for mode, tag in modes:
        if mode.mode == "immediate":
            return mode, tag
    return modes[0] if modes else (IMMEDIATE, None)


def tag_mode_for(channel: Channel, routing: Routing) -> TagMode | None:
    """The digest schedule of a channel (None when none of its tags is a digest).

    Used to run a channel's digests: a channel with several digest tags uses the first.
    """
    tags = list(channel.tags) or [DEFAULT_TAG]
    digests = [routing.tags[t] for t in tags if t in routing.tags and routing.tags[t].mode == "digest"]
    return digests[0] if digests else None


def route(change: Change, routing: Routing, channels: list[Channel]) -> list[Target]:
    """The channels a change goes to, each with its mode (rules 1–4 above), in channel order."""
    wanted = tags_for(change, routing)
    targets: list[Target] = []
    for channel in channels:
        if not channel.tags:
            matched = [DEFAULT_TAG]
        elif not routing.rules or ALL_TAG in channel.tags:
            matched = list(channel.tags)
        else:
            matched = [t for t in channel.tags if t in wanted]
            if not matched:
                continue
        mode, tag = _mode_of(matched, routing)
        targets.append(Target(channel=channel, mode=mode.mode, schedule=mode, tag=tag))
    return targets


def channel_lang(channel: Channel, routing: Routing) -> str:
    """The language of a channel's messages: the ``lang`` of its first tag that sets one, else ``en``
    (an untagged channel reads the reserved tag ``default``)."""
    for tag in list(channel.tags) or [DEFAULT_TAG]:
        mode = routing.tags.get(tag)
        if mode is not None and mode.lang:
            return mode.lang
    return "en"


def debounce_key(change: Change) -> str:
    """What counts as "the same thing" flapping: a metric, an actor's stance, a claim, a source."""
    if change.statistic is not None:
        s = change.statistic
        return f"metric:{s.metric_key or f'{s.subject}/{s.material}/{s.measure}'}"
    if change.stance is not None:
        return f"stance:{change.stance.actor}"
    if change.claim is not None:
        return f"claim:{change.claim.fingerprint or change.key}"
    source = change.details.get("source") if change.details else None
    return f"{change.kind}:{source or change.key}"


def should_debounce(last_sent_for_key: datetime | None, now: datetime, window: timedelta) -> bool:
    """True when an alert with the same debounce key was sent less than ``window`` ago."""
    if last_sent_for_key is None or window <= timedelta(0):
        return False
    return _utc(now) - _utc(last_sent_for_key) < window


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _slot_at_or_before(mode: TagMode, moment: datetime) -> datetime:
    hour, minute = (int(x) for x in mode.at.split(":", 1))
    if mode.every == "hourly":
        slot = moment.replace(minute=minute, second=0, microsecond=0)
        return slot if slot <= moment else slot - timedelta(hours=1)
    slot = moment.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return slot if slot <= moment else slot - timedelta(days=1)


def next_digest_due(mode: TagMode, last_sent: datetime | None, now: datetime) -> datetime:
    """When a channel's next digest is due (UTC): the first slot after the last one sent.

    A channel that never sent a digest is due at once (the latest slot at or before ``now``);
    callers record each check that found nothing to send as "sent", so the first real digest
    waits for its slot.
    """
    if last_sent is None:
        return _slot_at_or_before(mode, _utc(now))
    step = timedelta(hours=1) if mode.every == "hourly" else timedelta(days=1)
    return _slot_at_or_before(mode, _utc(last_sent)) + step

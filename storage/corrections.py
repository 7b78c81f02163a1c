"""Corrections: a person marks an alert, a statistic or a stance wrong, or fixes some of its fields.

Why a table of its own: the extracted row is evidence of what the extractor read, and the
correction is evidence of what a person decided; both are kept, and every read applies the
latest correction of a target (``latest``, ``correct_points``, ``correct_timeline``). A correction
also silences the alert its target caused: its dedup key (``silence_key``) is not alerted again
(``silenced``, consulted by the alert planner) and the alert's deliveries still waiting are
cancelled (status ``silenced``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Alert, Article, Correction, Delivery, Source, Stance, Statistic
from storage.views import alert_json, iso, stance_json, statistic_json

TARGETS = ("alert", "statistic", "stance")
ACTIONS = ("wrong", "fix")
POSITIONS = ("tighten", "maintain", "ease", "press", "counter", "negotiate")
FIELDS = {"statistic": ("subject", "material", "measure", "value"), "stance": ("actor", "position"),
          "alert": ()}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
WHO_MAX, NOTE_MAX = 80, 2000


class CorrectionError(ValueError):
    """A correction that cannot be stored, with the reason a person can act on."""


@dataclass(frozen=True)
class Fix:
    """What a person asks for: the target, the action and the fields to fix (None = unchanged)."""

    target_kind: str
    target_id: int
    action: str
    who: str | None = None
    note: str | None = None
    subject: str | None = None
    material: str | None = None
    measure: str | None = None
    value: float | None = None
    actor: str | None = None
    position: str | None = None


def _clean_key(name: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    key = value.strip().lower()
    if not KEY.match(key):
        raise CorrectionError(f"{name} must be a lower_snake_case key (like rare_earths), not {value[:40]!r}")
    return key


def _metric_key(subject: str | None, material: str | None, measure: str | None) -> str | None:
    """As ``worker.types.Statistic.metric_key``: all three known, the measure not ``other``."""
    if not (subject and material and measure) or measure == "other":
        return None
    return f"{subject}/{material}/{measure}"


def _validate(fix: Fix) -> dict[str, Any]:
    if fix.target_kind not in TARGETS:
        raise CorrectionError(f"target must be one of {', '.join(TARGETS)}, not {fix.target_kind!r}")
    if fix.action not in ACTIONS:
        raise CorrectionError(f"action must be one of {', '.join(ACTIONS)}, not {fix.action!r}")
    fields: dict[str, Any] = {}
    for name in ("subject", "material", "measure", "actor"):
        key = _clean_key(name, getattr(fix, name))
        if key is not None:
            fields[name] = key
    if fix.position is not None and fix.position.strip():
        if fix.position.strip() not in POSITIONS:
            raise CorrectionError(f"position must be one of {', '.join(POSITIONS)}, not {fix.position[:40]!r}")
        fields["position"] = fix.position.strip()
    if fix.value is not None:
        if fix.value != fix.value or fix.value in (float("inf"), float("-inf")):
            raise CorrectionError("value must be a finite number")
        fields["value"] = float(fix.value)
    stray = sorted(set(fields) - set(FIELDS[fix.target_kind]))
    if fix.action == "fix":
        if fix.target_kind == "alert":
            raise CorrectionError("an alert can only be marked wrong; fix the statistic or stance it reports")
        if stray:
            raise CorrectionError(f"a {fix.target_kind} has no field {', '.join(stray)}")
        if not fields:
            raise CorrectionError("a fix needs at least one field to change")
    elif fields:
        raise CorrectionError("'wrong' takes no fields; use 'fix' to change them")
    return fields


def _stat_key(stat: Statistic) -> str:
    return f"stat:{stat.article_id}:{stat.metric_key}:{stat.idx}"  # worker.detect.detector's change key


def _stance_key(stance: Stance) -> str:
    return f"stance:{stance.article_id}:{stance.actor}:{stance.position}"


def record(session: Session, fix: Fix) -> Correction:
    """Validate and store one correction (the extracted row is left as it is); cancel the waiting
    deliveries of the alert it silences. Raises ``CorrectionError`` with the reason."""
    fields = _validate(fix)
    who = (fix.who or "").strip()[:WHO_MAX] or "web"
    note = (fix.note or "").strip()[:NOTE_MAX] or None
    row = Correction(who=who, target_kind=fix.target_kind, target_id=fix.target_id, action=fix.action,
                     note=note, **fields)
    if fix.target_kind == "statistic":
        stat = session.get(Statistic, fix.target_id)
        if stat is None:
            raise CorrectionError(f"no statistic {fix.target_id}")
        row.article_id, row.silence_key = stat.article_id, _stat_key(stat)
        if fix.action == "fix":
            row.metric_key = _metric_key(fields.get("subject", stat.subject), fields.get("material", stat.material),
                                         fields.get("measure", stat.measure))
    elif fix.target_kind == "stance":
        stance = session.get(Stance, fix.target_id)
        if stance is None:
            raise CorrectionError(f"no stance {fix.target_id}")
        row.article_id, row.silence_key = stance.article_id, _stance_key(stance)
    else:
        alert = session.get(Alert, fix.target_id)
        if alert is None:
            raise CorrectionError(f"no alert {fix.target_id}")
        row.article_id, row.silence_key = alert.article_id, alert.dedup_key
    session.add(row)
    if row.silence_key:
        _cancel_waiting(session, row.silence_key)
    session.flush()
    return row


def _cancel_waiting(session: Session, dedup_key: str) -> None:
    alert_id = session.exec(select(Alert.id).where(col(Alert.dedup_key) == dedup_key)).first()
    if alert_id is None:
        return
    for delivery in session.exec(select(Delivery).where(Delivery.alert_id == alert_id,
                                                        col(Delivery.status).in_(("pending", "digest")))).all():
        delivery.status, delivery.last_error = "silenced", "silenced by a correction"
        session.add(delivery)


def silenced(session: Session, dedup_key: str) -> bool:
    """True when a correction silenced the alert with this dedup key (the planner then skips it)."""
    return session.exec(select(Correction.id).where(col(Correction.silence_key) == dedup_key)).first() is not None


# ----------------------------------------------------------------------------- reads


def latest(session: Session, kind: str, ids: Iterable[int]) -> dict[int, Correction]:
    """The newest correction of each target of ``kind`` among ``ids`` (the one reads apply)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = select(Correction).where(Correction.target_kind == kind)
    if len(wanted) <= 500:
        stmt = stmt.where(col(Correction.target_id).in_(sorted(wanted)))
    # else: one read of every correction of the kind (people write few; a metric may have 100,000 values)
    out: dict[int, Correction] = {}
    for row in session.exec(stmt.order_by(col(Correction.id))).all():
        if row.target_id in wanted:
            out[row.target_id] = row
    return out


def _apply_stat(point: dict[str, Any], fix: Correction) -> dict[str, Any]:
    point["extracted_value"] = point.get("value")
    for name in FIELDS["statistic"]:
        if getattr(fix, name) is not None:
            point[name] = getattr(fix, name)
    if "metric_key" in point or fix.metric_key:
        point["metric_key"] = fix.metric_key
    point["corrected"] = True
    point["correction_id"] = fix.id
    return point


def correct_points(session: Session, points: list[dict[str, Any]], *, metric: str, moved_in: bool = True,
                   newest_first: bool = False, since: datetime | None = None,
                   until: datetime | None = None) -> list[dict[str, Any]]:
    """A metric's points (dicts with the statistic ``id``) as corrected: a fixed value replaces the
    extracted one, a statistic marked wrong or moved to another metric is left out, and statistics
    fixed into ``metric`` from elsewhere (published in [since, until)) join (``moved_in``), in time order."""
    fixes = latest(session, "statistic", (p["id"] for p in points))
    out: list[dict[str, Any]] = []
    for point in points:
        fix = fixes.get(point["id"])
        if fix is None:
            out.append(point)
        elif fix.action == "fix" and fix.metric_key == metric:
            out.append(_apply_stat(point, fix))
    if moved_in:
        seen = {p["id"] for p in points}
        extra = [p for p in _moved_into(session, metric, since, until) if p["id"] not in seen]
        if extra:
            out.extend(extra)
            out.sort(key=lambda p: (p.get("published") or "", p["id"]), reverse=newest_first)
    return out


def _moved_into(session: Session, metric: str, since: datetime | None = None,
                until: datetime | None = None) -> list[dict[str, Any]]:
    candidates = session.exec(select(Correction.target_id).where(
        Correction.target_kind == "statistic", Correction.metric_key == metric)).all()
    fixes = latest(session, "statistic", candidates)
    current = {i: f for i, f in fixes.items() if f.action == "fix" and f.metric_key == metric}
    if not current:
        return []
    rows = session.exec(select(Statistic, Article).join(Article, col(Article.id) == Statistic.article_id)
                        .where(col(Statistic.id).in_(sorted(current)))).all()
    names = _source_names(session, {a.source_id for _, a in rows})
    out = []
    for stat, article in rows:
        if stat.metric_key == metric:
            continue  # already among the metric's own points
        when = _aware(stat.published_at)
        if (since and (when is None or when < since)) or (until and (when is None or when >= until)):
            continue
        point = statistic_json(stat)
        point.update(article_title=article.title, article_url=article.url, source_id=article.source_id,
                     source=names.get(article.source_id or 0), conflict=False,
                     period_key=stat.period or (when.strftime("%Y-%m") if when else "undated"))
        out.append(_apply_stat(point, current[stat.id or 0]))
    return out


def _source_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {s.id: s.name or s.url for s in session.exec(select(Source).where(col(Source.id).in_(wanted))).all()
            if s.id is not None}


def correct_statistics(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statistic dicts (with ``id``) of any metrics as corrected: fixes applied, wrong ones left out."""
    fixes = latest(session, "statistic", (r["id"] for r in rows))
    return [row if fixes.get(row["id"]) is None else _apply_stat(row, fixes[row["id"]])
            for row in rows if fixes.get(row["id"]) is None or fixes[row["id"]].action == "fix"]


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def correct_stances(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stance dicts (with ``id``) as corrected: fixed actor/position applied, wrong ones left out."""
    fixes = latest(session, "stance", (r["id"] for r in rows))
    out = []
    for row in rows:
        fix = fixes.get(row["id"])
        if fix is not None and fix.action == "wrong":
            continue
        if fix is not None:
            row["extracted_position"] = row.get("position")
            row["position"] = fix.position or row.get("position")
            row["actor"] = fix.actor or row.get("actor")
            row["corrected"] = True
        out.append(row)
    return out


# ----------------------------------------------------------------------------- listing and export


def correction_json(row: Correction) -> dict[str, Any]:
    return {"id": row.id, "created_at": iso(row.created_at), "who": row.who, "target_kind": row.target_kind,
            "target_id": row.target_id, "action": row.action, "article_id": row.article_id,
            "subject": row.subject, "material": row.material, "measure": row.measure, "value": row.value,
            "actor": row.actor, "position": row.position, "metric_key": row.metric_key,
            "silence_key": row.silence_key, "note": row.note}


def list_corrections(session: Session, *, target_kind: str | None = None, limit: int = 100,
                     offset: int = 0) -> tuple[list[dict[str, Any]], bool]:
    """Corrections newest first, paged (``has_more`` instead of a count)."""
    stmt = select(Correction)
    if target_kind:
        stmt = stmt.where(Correction.target_kind == target_kind)
    rows = list(session.exec(stmt.order_by(col(Correction.id).desc()).offset(offset).limit(limit + 1)).all())
    return [correction_json(r) for r in rows[:limit]], len(rows) > limit


def gold_lines(session: Session) -> Iterator[dict[str, Any]]:
    """One gold-set line (SCHEMA.md) per corrected article: its text and every statistic and stance
    as corrected (fixed fields applied, wrong ones left out), in article id order."""
    article_ids = sorted({a for a in session.exec(select(Correction.article_id).distinct()).all() if a is not None})
    for article_id in article_ids:
        article = session.get(Article, article_id)
        if article is None:
            continue
        stats = [statistic_json(s) for s in session.exec(
            select(Statistic).where(Statistic.article_id == article_id).order_by(col(Statistic.idx))).all()]
        fixes = latest(session, "statistic", (s["id"] for s in stats))
        statistics = []
        for stat in stats:
            fix = fixes.get(stat["id"])
            if fix is not None and fix.action == "wrong":
                continue
            if fix is not None:
                stat = _apply_stat(stat, fix)
            item = {k: stat[k] for k in ("value", "unit", "approx", "subject", "material", "measure")}
            if stat.get("value_high") is not None:
                item["value_high"] = stat["value_high"]
            statistics.append(item)
        stances = [{"id": s.id, "actor": s.actor, "position": s.position} for s in session.exec(
            select(Stance).where(Stance.article_id == article_id).order_by(col(Stance.idx))).all()]
        pairs = []
        for s in correct_stances(session, stances):
            pair = {"actor": s["actor"], "position": s["position"]}
            if pair not in pairs:
                pairs.append(pair)
        published = article.published_at or article.first_seen_at
        yield {"id": f"remon-article-{article_id}", "lang": (article.language or "en").split("-")[0],
               "url": article.url, "title": article.title or "",
               "published": published.date().isoformat() if published else None,
               "text": article.text or "", "relevant": bool(article.relevant) if article.relevant is not None
               else bool(statistics or pairs), "statistics": statistics, "stances": pairs}


def target_detail(session: Session, kind: str, target_id: int) -> dict[str, Any] | None:
    """What a correction page shows: the item as extracted, its article, what it caused or reports,
    and its corrections oldest first (None when there is no such item)."""

    item: dict[str, Any]
    article_id: int | None
    links: dict[str, Any] = {}
    extracted: dict[str, tuple[Any, Callable[[Any], dict[str, Any]], Callable[[Any], str]]] = {
        "statistic": (Statistic, statistic_json, _stat_key), "stance": (Stance, stance_json, _stance_key)}
    if kind in extracted:
        model, to_json, key_of = extracted[kind]
        row = session.get(model, target_id)
        if row is None:
            return None
        item, article_id = to_json(row), row.article_id
        links["alert_id"] = session.exec(select(Alert.id).where(col(Alert.dedup_key) == key_of(row))).first()
    elif kind == "alert":
        alert = session.get(Alert, target_id)
        if alert is None:
            return None
        item, article_id = alert_json(alert, []), alert.article_id
        links.update(_reported_by(session, alert))
    else:
        return None
    article = session.get(Article, article_id) if article_id else None
    history = session.exec(select(Correction).where(Correction.target_kind == kind, Correction.target_id == target_id)
                           .order_by(col(Correction.id))).all()
    return {"kind": kind, "item": item, "links": links,
            "article": {"id": article.id, "title": article.title, "url": article.url} if article else None,
            "corrections": [correction_json(c) for c in history],
            "current": correction_json(history[-1]) if history else None}


def _reported_by(session: Session, alert: Alert) -> dict[str, Any]:
    """The statistic or stance an alert reports, found back from its dedup key."""
    parts = alert.dedup_key.split(":")
    if alert.article_id is None or len(parts) < 4:
        return {}
    if parts[0] == "stat" and parts[-1].isdigit():
        stat_id = session.exec(select(Statistic.id).where(Statistic.article_id == alert.article_id,
                                                          Statistic.idx == int(parts[-1]))).first()
        return {"statistic_id": stat_id}
    if parts[0] == "stance":
        stance_id = session.exec(select(Stance.id).where(Stance.article_id == alert.article_id,
                                                         Stance.actor == parts[2], Stance.position == parts[3])
                                 .order_by(col(Stance.idx))).first()
        return {"stance_id": stance_id}
    return {}


def statistic_units(session: Session, ids: list[int]) -> dict[int, str]:
    """The unit of each statistic (a corrected value is in the extracted statistic's unit)."""
    if not ids:
        return {}
    return {int(i): u for i, u in session.exec(select(Statistic.id, Statistic.unit)
                                               .where(col(Statistic.id).in_(sorted(set(ids))))).all()
            if i is not None}


def corrected_history(session: Session, rows: Sequence[tuple[Statistic, Article]]) -> list[tuple[Statistic, Article]]:
    """A metric's stored history as the detector should see it: a statistic marked wrong or moved to
    another metric is left out, a fixed value replaces the extracted one (in a transient copy, never
    added to the session, so the extracted row is not overwritten)."""
    fixes = latest(session, "statistic", (stat.id for stat, _ in rows if stat.id is not None))
    if not fixes:
        return list(rows)
    out = []
    for stat, article in rows:
        fix = fixes.get(stat.id or 0)
        if fix is None:
            out.append((stat, article))
        elif fix.action == "fix" and fix.metric_key == stat.metric_key:
            copy = Statistic(**{**stat.model_dump(), "value": stat.value if fix.value is None else fix.value})
            out.append((copy, article))
    return out


def corrected_positions(session: Session, rows: Sequence[Stance]) -> list[Stance]:
    """Stored stances as the detector should see them: wrong ones (or fixed to another actor) left out,
    a fixed position in a transient copy (the extracted row is not overwritten)."""
    fixes = latest(session, "stance", (st.id for st in rows if st.id is not None))
    if not fixes:
        return list(rows)
    out = []
    for st in rows:
        fix = fixes.get(st.id or 0)
        if fix is None:
            out.append(st)
        elif fix.action == "fix" and (fix.actor or st.actor) == st.actor:
            out.append(Stance(**{**st.model_dump(), "position": fix.position or st.position}))
    return out


def annotate(session: Session, kind: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Extracted items (dicts with ``id``) with their latest correction under ``correction`` (None
    when uncorrected): for pages that show the evidence as extracted, next to the verdict."""
    fixes = latest(session, kind, (r["id"] for r in rows))
    for row in rows:
        fix = fixes.get(row["id"])
        row["correction"] = correction_json(fix) if fix is not None else None
    return rows

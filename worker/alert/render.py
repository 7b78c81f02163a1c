"""Alert messages: a title that names the change and a body with the evidence.

Text, Markdown or HTML by target. Article text is untrusted: escaped for HTML and Markdown.
Chinese text is kept intact. A body is never blank.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from worker.types import Claim, Stance, Statistic

Format = Literal["text", "markdown", "html"]


@dataclass(frozen=True)
class AlertView:
    kind: str
    statistic: Statistic | None = None
    previous: Mapping[str, Any] | None = None
    stance: Stance | None = None
    previous_position: str | None = None
    claim: Claim | None = None
    sentence: str = ""
    article_url: str | None = None
    article_title: str | None = None
    source: str | None = None
    published: datetime | None = None
    sources_count: int = 1
    review_url: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@functools.cache
def labels() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((Path(__file__).parent / "labels.yaml").read_text(encoding="utf-8"))
    return {k: dict(v) for k, v in data.items()}


def label(group: str, key: str | None) -> str:
    if not key:
        return "?"
    return labels().get(group, {}).get(key, key.replace("_", " "))


def format_value(value: float, unit: str, value_high: float | None = None, approx: bool = False) -> str:
    def num(v: float) -> str:
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")

    suffix = labels().get("units", {}).get(unit, f" {unit}")
    core = num(value) + (f"–{num(value_high)}" if value_high is not None else "")
    return ("~" if approx else "") + core + suffix


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)[:10] if value else "date unknown"


def title_for(view: AlertView) -> str:
    if view.statistic is not None:
        s = view.statistic
        head = f"{label('actors', s.subject)} · {label('measures', s.measure)} · {label('materials', s.material)}"
        new = format_value(s.value, s.unit, s.value_high, s.approx)
        if view.previous:
            old = format_value(float(view.previous["value"]), str(view.previous.get("unit", s.unit)),
                               view.previous.get("value_high"), bool(view.previous.get("approx")))
            return f"{head}: {old} → {new}"
        return f"{head}: {new}"
    if view.stance is not None:
        actor = label("actors", view.stance.actor)
        now = label("positions", view.stance.position)
        if view.previous_position:
            return f"{actor} · stance: {label('positions', view.previous_position)} → {now}"
        return f"{actor} · stance: {now}"
    if view.claim is not None:
        who = label("actors", view.claim.speaker) if view.claim.speaker else "Unattributed"
        return f"{who} · new claim: {_shorten(view.claim.text, 80)}"
    name = view.details.get("source") or view.source or "source"
    return f"{label('kinds', view.kind)}: {name}"


def _shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _lines(view: AlertView) -> list[tuple[str, str | None]]:
    """(text, link) pairs in order; rendered per format."""
    out: list[tuple[str, str | None]] = []
    if view.sentence:
        out.append((f"“{' '.join(view.sentence.split())}”", None))
    if view.article_url:
        src = view.source or "source"
        out.append((f"Source: {src} — {view.article_title or view.article_url} ({_date(view.published)})",
                    view.article_url))
        out.append((view.article_url, view.article_url))
    if view.previous:
        p = view.previous
        prev = format_value(float(p["value"]), str(p.get("unit", "")), p.get("value_high"), bool(p.get("approx")))
        out.append((f"Previous: {prev} — {p.get('source') or 'source'}, {_date(p.get('published'))}"
                    + (f" ({p['article_url']})" if p.get("article_url") else ""), None))
    if view.previous_position:
        out.append((f"Previous position: {label('positions', view.previous_position)}", None))
    if view.kind in ("new_statistic", "changed_statistic", "stance_shift", "new_claim"):
        out.append((f"Carried by {view.sources_count} source{'s' if view.sources_count != 1 else ''}", None))
    if view.kind in ("source_failing", "source_recovered"):
        d = view.details
        out.append((f"Source: {d.get('source')} ({d.get('url')})", None))
        if view.kind == "source_failing":
            out.append((f"{d.get('failures')} failed polls in a row; last error {d.get('error_code')}: "
                        f"{d.get('error_message')}", None))
        else:
            out.append(("The source works again.", None))
    if view.review_url:
        out.append((f"Review: {view.review_url}", view.review_url))
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def render(view: AlertView, fmt: Format = "text") -> tuple[str, str]:
    """The (title, body) of one alert in ``fmt``."""
    title = title_for(view)
    lines = _lines(view) or [(label("kinds", view.kind), None)]
    if fmt == "html":
        body = "".join(f"<p><a href=\"{html.escape(link, quote=True)}\">{html.escape(text)}</a></p>" if link
                       else f"<p>{html.escape(text)}</p>" for text, link in lines)
    elif fmt == "markdown":
        body = "\n\n".join(f"[{_md(text)}]({link})" if link and text != link else _md(text)
                           for text, link in lines)
    else:
        body = "\n".join(text for text, _ in lines)
    return title, body or title


def render_digest(items: Sequence[tuple[str, str]], fmt: Format = "text") -> tuple[str, str]:
    """One message listing several alerts: (title, body) pairs already rendered as text."""
    title = f"remon digest: {len(items)} alert{'s' if len(items) != 1 else ''}"
    if fmt == "html":
        body = "".join(f"<h3>{html.escape(t)}</h3><pre>{html.escape(b)}</pre>" for t, b in items)
    else:
        body = "\n\n".join(f"{i}. {t}\n{b}" for i, (t, b) in enumerate(items, 1))
    return title, body or title

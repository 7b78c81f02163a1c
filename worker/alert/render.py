"""Alert messages: a title that names the change and a body with the evidence.

Text, Markdown or HTML by target. Everything that comes from an article (sentences, titles,
source names, URLs) is untrusted: HTML-escaped for HTML (and only http(s) links become
``href``), Markdown specials escaped for Markdown. Chinese text is kept exactly as published.
A body is never blank: when nothing else is known it names the change.
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
from urllib.parse import quote, urlsplit

import yaml

from worker.alert.kinds import FROM_ARTICLE, names_about
from worker.common.cjk import has_han
from worker.measures.render import MEASURE_KINDS, measure_lines, measure_title
from worker.types import Change, Claim, Stance, Statistic

Format = Literal["text", "markdown", "html"]
STAT_KINDS = names_about("statistic")
ARTICLE_KINDS = names_about(*FROM_ARTICLE)
SOURCE_KINDS = names_about("source")


@dataclass(frozen=True)
class AlertView:
    """Everything a message shows about one alert (built by the caller from a Change + article)."""

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


def view_from_change(change: Change, *, article_url: str | None = None, article_title: str | None = None,
                     source: str | None = None, published: datetime | None = None,
                     review_url: str | None = None, sources_count: int | None = None) -> AlertView:
    """The view of a detector ``Change``: the article facts come from storage, the rest from it.

    ``sources_count`` defaults to the detector's ``details["sources_count"]`` (1 when absent).
    """
    sentence = (change.statistic.sentence if change.statistic else change.stance.sentence if change.stance
                else change.claim.sentence if change.claim else "")
    count = sources_count if sources_count is not None else int(change.details.get("sources_count") or 1)
    return AlertView(kind=change.kind, statistic=change.statistic, previous=change.previous,
                     stance=change.stance, previous_position=change.previous_position, claim=change.claim,
                     sentence=sentence, article_url=article_url, article_title=article_title, source=source,
                     published=published, sources_count=count, review_url=review_url,
                     details=dict(change.details))


Lang = Literal["en", "zh"]
LABEL_FILES = {"en": "labels.yaml", "zh": "labels_zh.yaml"}


@functools.cache
def labels(lang: str = "en") -> dict[str, dict[str, str]]:
    """The label file of a language (``labels.yaml``, ``labels_zh.yaml``): vocabulary keys → words."""
    name = LABEL_FILES.get(lang, LABEL_FILES["en"])
    data = yaml.safe_load((Path(__file__).parent / name).read_text(encoding="utf-8"))
    return {k: dict(v) for k, v in data.items()}


@functools.cache
def _alias_label(group: str, key: str, lang: str) -> str | None:
    """An actor's or material's first alias in the language's script (worker/extract/data)."""
    from worker.extract.vocab import load_vocabulary

    vocab = load_vocabulary()
    aliases = (vocab.actors if group == "actors" else vocab.materials if group == "materials" else {}).get(key)
    if not aliases:
        return None
    fits = [a for a in aliases if (has_han(a) if lang == "zh" else a.isascii())]
    return fits[0] if fits else None


def label(group: str, key: str | None, lang: str = "en") -> str:
    """The human label of a key in ``lang``: the label file, else the vocabulary's first alias in that
    language; a key nobody named (a watch file's own actor) reads as words (``acme_corp`` → ``acme corp``)."""
    if not key:
        return "?"
    known = labels(lang).get(group, {}).get(key)
    if known is not None:
        return known
    return _alias_label(group, key, lang) or labels().get(group, {}).get(key) or key.replace("_", " ")


def metric_label(key: str | None, lang: str = "en") -> str:
    """A metric key as a reader names it: ``china/rare_earths/share_of_global_refining`` → "China ·
    rare earths · refining share" (the order of alert titles); a key of another shape reads as words."""
    if not key:
        return "?"
    parts = key.split("/")
    if len(parts) != 3:
        return key.replace("_", " ")
    subject, material, measure = parts
    return " · ".join((label("actors", subject, lang), label("materials", material, lang),
                       label("measures", measure, lang)))


def phrase(key: str, lang: str = "en", **values: Any) -> str:
    """A fixed phrase of the structured part in ``lang`` (the ``phrases`` group of the label files)."""
    text = labels(lang).get("phrases", {}).get(key) or labels().get("phrases", {}).get(key, key)
    return text.format(**values) if values else text


def speaker_label(speaker: str | None) -> str | None:
    """A claim's speaker in one form, the label: an actor key reads as its label ("china" → "China",
    "acea" → "ACEA", from labels.yaml or the vocabulary's first English name); a name the text
    wrote ("Analysts", "Barclays") stays as written."""
    if not speaker:
        return speaker
    known = labels().get("actors", {})
    if speaker in known:
        return known[speaker]
    from worker.extract.vocab import load_vocabulary

    aliases = load_vocabulary().actors.get(speaker)
    if not aliases:
        return speaker
    latin = [a for a in aliases if a.isascii()]
    return (latin or aliases)[0]


def _num(v: float) -> str:
    if float(v).is_integer():
        return f"{v:,.0f}"
    return f"{v:,.3f}".rstrip("0").rstrip(".")


def format_value(value: float, unit: str, value_high: float | None = None, approx: bool = False,
                 lang: str = "en") -> str:
    """``92%``, ``~70–90%``, ``92,000 t``, ``×3``: a value as a reader expects it."""
    suffix = labels(lang).get("units", {}).get(unit, labels().get("units", {}).get(unit, f" {unit}"))
    core = _num(value) + (f"–{_num(value_high)}" if value_high is not None else "")
    text = f"×{core}" if unit == "times" else core + suffix
    return ("~" if approx else "") + text


def _date(value: Any, lang: str = "en") -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)[:10] if value else phrase("date_unknown", lang)


def _clean(text: str | None) -> str:
    """One line, no control characters (they break mail headers and chat renderers)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())


def _shorten(text: str, n: int) -> str:
    text = _clean(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def title_for(view: AlertView, lang: str = "en") -> str:
    """The one line that names the change: "China · refining share · rare earths: 92% → 90%";
    in Chinese, subject · material · measure: "中国 · 稀土 · 全球冶炼份额：92% → 90%"."""
    if view.kind in MEASURE_KINDS:
        return _clean(measure_title(view.kind, view.details, lambda group, key: label(group, key, lang)))
    sep = phrase("sep", lang)
    if view.statistic is not None:
        s = view.statistic
        who, what, which = (label("actors", s.subject, lang), label("measures", s.measure, lang),
                            label("materials", s.material, lang))
        head = " · ".join((who, which, what) if lang == "zh" else (who, what, which))
        new = format_value(s.value, s.unit, s.value_high, lang=lang)
        if view.previous and view.previous.get("value") is not None:
            p = view.previous
            old = format_value(float(p["value"]), str(p.get("unit") or s.unit), p.get("value_high"), lang=lang)
            return f"{head}{sep}{old} → {new}"
        return f"{head}{sep}{new}{phrase('new', lang)}"
    if view.stance is not None:
        actor = label("actors", view.stance.actor, lang)
        now = label("positions", view.stance.position, lang)
        stance = phrase("stance", lang)
        if view.previous_position:
            return f"{actor} · {stance}{sep}{label('positions', view.previous_position, lang)} → {now}"
        return f"{actor} · {stance}{sep}{now}"
    if view.claim is not None:
        who = label("actors", view.claim.speaker, lang) if view.claim.speaker else phrase("unattributed", lang)
        return f"{who} · {phrase('claim_new', lang)}{sep}{_shorten(view.claim.text, 80)}"
    name = _clean(str(view.details.get("source") or view.source or "source"))
    return f"{label('kinds', view.kind, lang)}{sep}{name}"


# A body is a list of lines; each line is a list of parts: plain text or (text, url) links.
Part = str | tuple[str, str]
Line = list[Part]


def _lines(view: AlertView, lang: str = "en") -> list[Line]:
    out: list[Line] = []
    if view.kind in MEASURE_KINDS:
        out.extend([_clean(line)] for line in measure_lines(view.details))
    sentence = view.sentence or (view.claim.sentence if view.claim else "") or (
        view.claim.text if view.claim else "")
    if sentence:  # the evidence, exactly as published, in every language
        out.append([f"“{_clean(sentence)}”"])
    if view.claim is not None and view.claim.text and _clean(view.claim.text) not in _clean(sentence):
        out.append([f"{phrase('claim', lang)}{_clean(view.claim.text)}"])
    if view.statistic is not None and view.statistic.approx:
        s = view.statistic
        out.append([phrase("hedged", lang, value=format_value(s.value, s.unit, s.value_high, lang=lang))])
    if view.article_url or view.source:
        line: Line = [f"{phrase('source', lang)}{_clean(view.source) or phrase('unknown_source', lang)} — "]
        title = _clean(view.article_title) or _clean(view.article_url)
        line.append((title, view.article_url) if view.article_url else title)
        line.append(phrase("published", lang, date=_date(view.published, lang)))
        out.append(line)
        if view.article_url:
            out.append([(_clean(view.article_url), view.article_url)])
    if view.previous and view.previous.get("value") is not None:
        p = view.previous
        prev = format_value(float(p["value"]), str(p.get("unit") or ""), p.get("value_high"),
                            bool(p.get("approx")), lang=lang)
        prev_source = _clean(str(p.get("source") or phrase("unknown_source", lang)))
        line = [phrase("previous", lang, value=prev, source=prev_source, date=_date(p.get("published"), lang))]
        if p.get("article_url"):
            line += [" ", (_clean(str(p["article_url"])), str(p["article_url"]))]
        out.append(line)
    if view.previous_position:
        out.append([phrase("previous_position", lang, position=label("positions", view.previous_position, lang))])
    elif view.kind == "stance_shift":
        out.append([phrase("first_position", lang)])
    confirmed = list(view.details.get("confirmed_by") or [])
    if confirmed:  # held below the confidence gate until an independent source said the same
        n = max(view.sources_count, 1 + len(confirmed))
        line = [phrase("confirmed", lang, n=n)]
        for i, other in enumerate([{"source": view.source, "article_url": view.article_url}, *confirmed]):
            name = _clean(str(other.get("source") or other.get("article_url") or phrase("unknown_source", lang)))
            url = other.get("article_url")
            line += ([phrase("and", lang)] if i else []) + ([name, " ", (_clean(str(url)), str(url))] if url
                                                               else [name])
        out.append([*line, "." if lang == "en" else "。"])
    elif view.kind in ARTICLE_KINDS:
        n = max(view.sources_count, 1)
        out.append([phrase("carried", lang, n=n, s="s" if n != 1 else "")])
    if view.kind in SOURCE_KINDS:
        out.extend(_source_lines(view.details))
    if view.review_url:
        out.append([phrase("review", lang), (_clean(view.review_url), view.review_url)])
    return out


def _source_lines(d: Mapping[str, Any]) -> list[Line]:
    out: list[Line] = [[f"Source: {_clean(str(d.get('source') or '?'))}"
                        + (f" ({_clean(str(d['url']))})" if d.get("url") else "")]]
    failures = d.get("failures")
    if failures is not None:
        said = (d.get("error_code"), d.get("error_message") or d.get("error"))
        error = " ".join(_clean(str(x)) for x in said if x)
        out.append([f"{failures} failed polls in a row" + (f"; last error: {error}" if error else "") + "."])
    else:
        out.append(["The source works again."])
    return out


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def md_escape(text: str) -> str:
    """Backslash-escape every Markdown special so article text cannot format or link."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _safe_url(url: str) -> str | None:
    """Only http(s) URLs become links (no ``javascript:``); spaces and parens are encoded."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def _render_part(part: Part, fmt: Format) -> str:
    if isinstance(part, str):
        return html.escape(part) if fmt == "html" else md_escape(part) if fmt == "markdown" else part
    text, url = part
    safe = _safe_url(url)
    if fmt == "html":
        return (f'<a href="{html.escape(safe, quote=True)}">{html.escape(text)}</a>' if safe
                else html.escape(text))
    if fmt == "markdown":
        if not safe:
            return md_escape(text)
        return f"[{md_escape(text)}](<{safe.replace('<', '%3C').replace('>', '%3E')}>)"
    return text


def _join(lines: list[Line], fmt: Format) -> str:
    rendered = ["".join(_render_part(p, fmt) for p in line) for line in lines]
    if fmt == "html":
        return "".join(f"<p>{r}</p>" for r in rendered)
    return ("\n\n" if fmt == "markdown" else "\n").join(rendered)


def render(view: AlertView, fmt: Format = "text", lang: str = "en") -> tuple[str, str]:
    """The (title, body) of one alert in ``fmt`` and ``lang`` (en, zh). The title is plain text in
    every format; the evidence is quoted as published whatever the language."""
    title = title_for(view, lang)
    body = _join(_lines(view, lang) or [[title]], fmt)
    return title, body if body.strip() else title


def render_digest(items: Sequence[AlertView | tuple[str, str]], fmt: Format = "text",
                  held: Sequence[tuple[str, str]] = (), *, expired: Sequence[tuple[str, str]] = (),
                  health: Sequence[AlertView | tuple[str, str]] = (), lead: str = "",
                  lang: str = "en") -> tuple[str, str]:
    """One message listing several alerts, oldest first: each alert's title then its body; then, in
    sections of their own, the items held unconfirmed (below the confidence gate, issue 15), the held
    items that expired unconfirmed, and last the source-health alerts (``health``; a caller may also
    leave them at the end of ``items``).

    Items are views, or (title, body) pairs already rendered as text (what storage keeps). ``lead``
    is HTML put first in an HTML digest (the changed metrics' charts, ``worker.alert.chart``); other
    formats ignore it. ``lang`` ("en", "zh") gives the title and the section headings; the alerts
    themselves come already rendered in the reader's language.
    """
    count = len(items) + len(health)
    title = phrase("digest_title", lang, count=count, s="s" if count != 1 else "")
    if held:
        title += phrase("digest_unconfirmed", lang, n=len(held))
    if expired:
        title += phrase("digest_expired", lang, n=len(expired))
    if not items and not held and not expired and not health:
        return title, phrase("digest_empty", lang)
    parts = ([lead] if lead and fmt == "html" else []) + _digest_parts(items, fmt)
    for head, section in ((phrase("digest_held", lang), held), (phrase("digest_expired_head", lang), expired),
                          (phrase("digest_health", lang), health)):
        if not section:
            continue
        heading = (f"<h2>{html.escape(head)}</h2>" if fmt == "html" else f"## {md_escape(head)}" if fmt == "markdown"
                   else f"--- {head} ---")
        parts.append(heading + ("" if fmt == "html" else "\n\n") + ("<hr>" if fmt == "html" else "\n\n").join(
            _digest_parts(list(section), fmt)))
    return title, ("<hr>" if fmt == "html" else "\n\n").join(parts)


def _digest_parts(items: Sequence[AlertView | tuple[str, str]], fmt: Format) -> list[str]:
    parts: list[str] = []
    for i, item in enumerate(items, 1):
        if isinstance(item, AlertView):
            t, b = render(item, fmt)
        else:
            t, raw = item
            b = (html.escape(raw).replace("\n", "<br>") if fmt == "html"
                 else md_escape(raw).replace("\n", "  \n") if fmt == "markdown" else raw)
        if fmt == "html":
            parts.append(f"<h3>{i}. {html.escape(t)}</h3>{b}")
        elif fmt == "markdown":
            parts.append(f"### {i}\\. {md_escape(t)}\n\n{b}")
        else:
            parts.append(f"{i}. {t}\n{b}")
    return parts

"""Replays in the format of ``timeline-dev`` (SCHEMA.md "Timelines"), with one site per publisher.

Why one site per feed: the confidence gate (issue 15) counts an independent source by publisher,
the article URL's host and port, so two feeds on one loopback site would be one publisher. A
replay spec under ``tests/replays/`` names dev2.jsonl passages instead of files; ``build`` writes
the articles from the shared gold file at test time (the repository keeps no copy of it), and a
``copy`` is the same text in another site's template: a syndicated copy.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from tests.inproc import run_cli
from tests.servers import Site, remon_env, rss

STAT_KINDS = ("new_statistic", "changed_statistic")


def _page(title: str, text: str, published: str, copy: bool) -> bytes:
    paras = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n") if p.strip())
    t = html.escape(title)
    if copy:
        return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{t}</title>"
                f"<meta name='date' content='{published}'></head><body><div id='top'>Partner Wire</div>"
                f"<div class='content'><h2>{t}</h2><span>{published[:10]}</span><p><em>This story first "
                f"appeared on a partner wire.</em></p>{paras}</div></body></html>").encode()
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{t} | News</title>"
            f"<meta property='og:title' content='{t}'><meta property='article:published_time' "
            f"content='{published}'></head><body><header><nav><a href='/'>News</a></nav></header><main><article>"
            f"<h1>{t}</h1><p class='byline'><time datetime='{published}'>{published[:10]}</time></p>{paras}"
            "</article></main><footer>© 2025 News</footer></body></html>").encode()


def build(spec_path: Path, passages_path: Path, out: Path) -> Path:
    """Write a timeline-dev style directory (timeline.json + articles/) from a replay spec."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    passages = {}
    for line in passages_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            p = json.loads(line)
            passages[p["id"]] = p
    (out / "articles").mkdir(parents=True, exist_ok=True)
    steps = []
    for n, step in enumerate(spec["steps"], 1):
        publish = []
        for pub in step["publish"]:
            p = passages[pub["passage"]]
            title = p.get("title") or p["text"].split("\n", 1)[0]
            name = f"articles/{n:02d}-{pub['passage']}{'-copy' if pub.get('copy') else ''}.html"
            (out / name).write_bytes(_page(title, p["text"], pub["published"], bool(pub.get("copy"))))
            publish.append({"feed": pub["feed"], "file": name, "title": title, "published": pub["published"]})
        steps.append({**{k: v for k, v in step.items() if k != "publish"}, "publish": publish})
    (out / "timeline.json").write_text(json.dumps({"feeds": spec["feeds"], "steps": steps}, ensure_ascii=False),
                                       encoding="utf-8")
    return out


def matches(item: dict[str, Any], exp: dict[str, Any]) -> bool:
    """SCHEMA.md's matching: statistics on kind, subject, material, measure, value within 0.5%."""
    if item["kind"] != exp["kind"]:
        return False
    if "confirmed_by" in exp and len(item.get("confirmed_by") or []) + 1 != exp["confirmed_by"]:
        return False
    if exp["kind"] == "stance_shift":
        stance = item.get("stance") or {}
        return stance.get("actor") == exp["actor"] and stance.get("position") == exp["position"]
    stat = item.get("statistic") or {}
    return all(stat.get(k) == exp[k] for k in ("subject", "material", "measure")) and \
        abs(float(stat.get("value", 0)) - float(exp["value"])) <= 0.005 * abs(float(exp["value"]))


def brief(item: dict[str, Any]) -> dict[str, Any]:
    """An alert or held item as the expectations write it."""
    out: dict[str, Any] = {"kind": item["kind"]}
    if item.get("stance"):
        out.update(actor=item["stance"]["actor"], position=item["stance"]["position"])
    elif item.get("statistic"):
        s = item["statistic"]
        out.update(subject=s["subject"], material=s["material"], measure=s["measure"], value=s["value"])
    if item.get("confirmed_by"):
        out["confirmed_by"] = 1 + len(item["confirmed_by"])
    return out


def _held_rows(env: dict[str, str]) -> list[dict[str, Any]]:
    rows = json.loads(run_cli(env, "alerts", "unconfirmed", "--status", "all", "--format", "json").stdout)
    out = []
    for r in sorted(rows, key=lambda r: r["id"]):
        payload = r.get("payload") or {}
        out.append({"id": r["id"], "kind": r["kind"], "status": r["status"], "confidence": r["confidence"],
                    "statistic": payload.get("statistic"), "stance": payload.get("stance")})
    return out


def replay(timeline_dir: Path, sites: dict[str, Site], tmp_path: Path, **env_extra: str) -> list[dict[str, Any]]:
    """Publish step by step, ``remon poll --once`` after each; per step the new alerts and held items."""
    timeline = json.loads((timeline_dir / "timeline.json").read_text(encoding="utf-8"))
    env = remon_env(tmp_path, **env_extra)
    run_cli(env, "init")
    published: dict[str, list[dict[str, str]]] = {feed: [] for feed in timeline["feeds"]}
    for feed in timeline["feeds"]:
        site = sites[feed]
        site.pages[f"/{feed}.xml"] = ("application/rss+xml", rss([], title=feed))
        run_cli(env, "sources", "add", f"{site.base}/{feed}.xml", "--name", feed)
    seen, held_seen = 0, 0
    report = []
    for number, step in enumerate(timeline["steps"], 1):
        for pub in step["publish"]:
            site = sites[pub["feed"]]
            path = f"/{pub['feed']}/{Path(pub['file']).name}"
            site.pages[path] = ("text/html; charset=utf-8", (timeline_dir / pub["file"]).read_bytes())
            published[pub["feed"]].insert(0, {"title": pub["title"], "link": site.base + path,
                                              "published": pub["published"]})
            site.pages[f"/{pub['feed']}.xml"] = ("application/rss+xml", rss(published[pub["feed"]], pub["feed"]))
        run_cli(env, "poll", "--once")
        alerts = json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)
        held = _held_rows(env)
        new = alerts[seen:]
        seen = len(alerts)
        new_held = [h for h in held if h["id"] > held_seen]
        held_seen = max([held_seen, *(h["id"] for h in held)])
        report.append({"step": number, "note": step.get("note"), "expect": step.get("expect", []),
                       "expect_none": bool(step.get("expect_none")), "held_expect": step.get("held", []),
                       "alerts": new, "held": new_held})
    report.append({"final_held": held, "env": env})
    return report


def score(report: list[dict[str, Any]]) -> dict[str, Any]:
    """Expected, missed and noise over a replay (SCHEMA.md), and alerts right by confidence band."""
    expected = missed = noise = 0
    bands: dict[str, list[int]] = {}
    for step in report:
        if "step" not in step:
            continue
        alerts = step["alerts"] if step["expect_none"] else [a for a in step["alerts"]
                                                              if a["kind"] in (*STAT_KINDS, "stance_shift")]
        expected += len(step["expect"])
        missed += sum(1 for e in step["expect"] if not any(matches(a, {k: v for k, v in e.items()
                                                                         if k != "confirmed_by"}) for a in alerts))
        for a in alerts:
            right = any(matches(a, {k: v for k, v in e.items() if k != "confirmed_by"}) for e in step["expect"])
            noise += not right
            c = a.get("confidence")
            band = "none" if c is None else next(b for lo, b in ((0.8, "0.8–1.0"), (0.7, "0.7–0.8"),
                                                                 (0.5, "0.5–0.7"), (0.0, "0.0–0.5")) if c >= lo)
            bands.setdefault(band, [0, 0])
            bands[band][0] += 1
            bands[band][1] += right
    return {"expected": expected, "missed": missed, "noise": noise, "bands": bands}

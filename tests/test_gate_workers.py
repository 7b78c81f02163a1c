"""Issue 15, acceptance 1 and 3 with worker processes: a held stance waits across a worker restart,
a second publisher confirms it, and the confirmation is delivered once — on the embedded default
(SQLite + SQLite broker) and on Redis + PostgreSQL, with JSON receivers as the channels: one in
English, one tagged ``lang: zh`` that gets the same alert in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import replay_harness as h
from tests.inproc import run_cli
from tests.servers import STACKS, JsonReceiver, Site, free_port, remon_worker, rss, stack_env, wait_for, worker_ready

pytestmark = [pytest.mark.slow]

SPEC = {"feeds": ["daily", "wire"], "steps": [
    {"publish": [{"feed": "daily", "passage": "e016", "published": "2025-10-17T08:00:00Z"}]},
    {"publish": [{"feed": "wire", "passage": "e017", "published": "2025-10-18T08:00:00Z"}]}]}


def _publish(site: Site, feed: str, timeline: Path, step: dict) -> None:
    items = []
    for pub in step["publish"]:
        path = f"/{feed}/{Path(pub['file']).name}"
        site.pages[path] = ("text/html; charset=utf-8", (timeline / pub["file"]).read_bytes())
        items.append({"title": pub["title"], "link": site.base + path, "published": pub["published"]})
    site.pages[f"/{feed}.xml"] = ("application/rss+xml", rss(items, feed))


def _held(env: dict[str, str]) -> list[dict]:
    return json.loads(run_cli(env, "alerts", "unconfirmed", "--status", "all", "--format", "json").stdout)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("stack", STACKS)
def test_held_stance_survives_a_restart_and_is_confirmed_once(stack: str, tmp_path: Path, shared: Path,
                                                              json_receiver: JsonReceiver,
                                                              request: pytest.FixtureRequest) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    timeline = h.build(spec, shared / "eval" / "dev2.jsonl", tmp_path / "replay")
    steps = json.loads((timeline / "timeline.json").read_text(encoding="utf-8"))["steps"]
    daily, wire = Site(port=free_port()), Site(port=free_port())
    daily.start()
    wire.start()
    request.addfinalizer(daily.stop)
    request.addfinalizer(wire.stop)
    zh = JsonReceiver(port=free_port())  # a channel tagged cn, whose tag sets lang: zh
    zh.start()
    request.addfinalizer(zh.stop)
    watch = tmp_path / "watch.yaml"
    watch.write_text("routing:\n  tags:\n    cn: {mode: immediate, lang: zh}\n", encoding="utf-8")
    env = stack_env(tmp_path, stack, request, REMON_NOTIFY_URLS=f"{json_receiver.url()} cn={zh.url('zh-token-456')}",
                    REMON_ALERT_MIN_CONFIDENCE="0.8", REMON_CONFIG=str(watch))
    run_cli(env, "init")
    _publish(daily, "daily", timeline, steps[0])
    run_cli(env, "sources", "add", f"{daily.base}/daily.xml", "--name", "daily", "--interval", "3600")
    with remon_worker(env, tmp_path / "worker.log"):
        wait_for(lambda: _held(env), timeout=180, what="the headline-only EU stance held")
    held = _held(env)
    assert [(r["kind"], r["status"], r["payload"]["stance"]["actor"]) for r in held] == \
        [("stance_shift", "waiting", "european_union")]
    assert json_receiver.received == [] and zh.received == []  # held: nothing sent
    # the worker is stopped; the second publisher's article appears; a new worker starts
    _publish(wire, "wire", timeline, steps[1])
    run_cli(env, "sources", "add", f"{wire.base}/wire.xml", "--name", "wire", "--interval", "3600")
    with remon_worker(env, tmp_path / "worker2.log"):
        wait_for(lambda: any("Confirmed by 2 sources" in m.get("message", "") for m in json_receiver.received),
                 timeout=180, what="the confirmation alert")
        wait_for(lambda: all(a["deliveries"] and all(d["status"] == "sent" for d in a["deliveries"])
                             for a in json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)),
                 timeout=120, what="every delivery sent")
    # a third worker run: nothing is sent again
    sent_before = len(json_receiver.received)
    with remon_worker(env, tmp_path / "worker3.log", ready=True):
        assert worker_ready(tmp_path / "worker3.log")
        wait_for(lambda: len(json.loads(run_cli(env, "alerts", "list", "--format", "json").stdout)) > 0,
                 timeout=30)
    confirmations = [m for m in json_receiver.received if "Confirmed by 2 sources" in m.get("message", "")]
    assert len(confirmations) == 1 and confirmations[0]["title"] == "EU · stance: countering"
    assert daily.base in confirmations[0]["message"] and wire.base in confirmations[0]["message"]
    titles = [m["title"] for m in json_receiver.received]
    assert len(titles) == len(set(titles)) == sent_before
    assert [r["status"] for r in _held(env) if r["payload"]["stance"]] == ["confirmed"]
    # the Chinese channel: the same confirmation once, its words in Chinese, the keys never raw
    wait_for(lambda: any("经 2 个来源证实" in m.get("message", "") for m in zh.received), timeout=60,
             what="the Chinese confirmation")
    zh_confirmations = [m for m in zh.received if "经 2 个来源证实" in m.get("message", "")]
    assert len(zh_confirmations) == 1 and "欧盟" in zh_confirmations[0]["title"]
    assert not any("european_union" in m["title"] or "Confirmed by" in m.get("message", "") for m in zh.received)
    assert len(zh.received) == len(json_receiver.received)

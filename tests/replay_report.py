"""The table in docs/alerts.md: replays with the confidence gate on and off (issue 15).

    . scripts/test-env.sh && PYTHONPATH=. .venv/bin/python -m tests.replay_report ../shared/eval

For the gate replay (tests/replays/gate, built from dev2.jsonl) and timeline-dev, each with the gate
off (REMON_ALERT_MIN_CONFIDENCE=0) and on (0.8): expected alerts, missed, noise (SCHEMA.md's
matching; statistic and stance alerts), held items, and the share of sent alerts that were right by
confidence band. Each feed is its own publisher (its own loopback site).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests import replay_harness as h
from tests.servers import Site, free_port

BANDS = ("0.0–0.5", "0.5–0.7", "0.7–0.8", "0.8–1.0")


def run(timeline: Path, gate: str, tmp: Path) -> dict:
    feeds = json.loads((timeline / "timeline.json").read_text(encoding="utf-8"))["feeds"]
    sites = {f: Site(port=free_port()) for f in feeds}
    for s in sites.values():
        s.start()
    try:
        report = h.replay(timeline, sites, tmp, REMON_ALERT_MIN_CONFIDENCE=gate)
    finally:
        for s in sites.values():
            s.stop()
    out = h.score(report)
    out["held"] = len(report[-1]["final_held"])
    out["confirmed"] = sum(r["status"] == "confirmed" for r in report[-1]["final_held"])
    return out


def main(shared: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="remon-replay-"))
    gate = h.build(Path(__file__).parent / "replays" / "gate" / "replay.json", shared / "dev2.jsonl", tmp / "gate")
    rows = []
    for name, timeline in (("gate replay", gate), ("timeline-dev", shared / "timeline-dev")):
        for setting in ("0", "0.8"):
            r = run(timeline, setting, tmp / f"{name.replace(' ', '-')}-{setting}")
            rows.append((name, setting, r))
    print("| replay | gate | expected | missed | noise | held (confirmed) | "
          + " | ".join(f"right {b}" for b in BANDS) + " |")
    print("|---|---|---|---|---|---|" + "---|" * len(BANDS))
    for name, setting, r in rows:
        bands = [f"{r['bands'][b][1]}/{r['bands'][b][0]}" if b in r["bands"] else "–" for b in BANDS]
        print(f"| {name} | {'off' if setting == '0' else setting} | {r['expected']} | {r['missed']} | {r['noise']} | "
              f"{r['held']} ({r['confirmed']}) | " + " | ".join(bands) + " |")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/eval"))

"""Issue 15: a digest lists the alerts, then the items held unconfirmed in a section of their own."""

from __future__ import annotations

from worker.alert.render import render_digest


def test_held_items_come_in_their_own_section_after_the_alerts() -> None:
    title, body = render_digest([("China · refining share · rare earths: 90% (new)", "“…”")], "text",
                                held=[("EU · stance: countering", "“The EU's <b>Act</b>”")])
    assert title == "remon digest: 1 alert, 1 unconfirmed"
    assert body.index("90% (new)") < body.index("Unconfirmed (waiting for a second source)") < body.index("EU ·")
    _, html_body = render_digest([], "html", held=[("EU · stance: countering", "“The EU's <b>Act</b>”")])
    assert "<h2>Unconfirmed (waiting for a second source)</h2>" in html_body
    assert "&lt;b&gt;Act&lt;/b&gt;" in html_body and "<b>Act</b>" not in html_body
    assert render_digest([], "text") == ("remon digest: 0 alerts", "No alerts in this period.")


def test_source_health_comes_last_after_the_unconfirmed_section() -> None:
    title, body = render_digest([("China: 90% (new)", "a")], "text", held=[("EU · stance: countering", "b")],
                                health=[("Source failing: wire", "c")])
    assert title == "remon digest: 2 alerts, 1 unconfirmed"
    assert body.index("90% (new)") < body.index("Unconfirmed") < body.index("--- Source health ---") \
        < body.index("Source failing: wire")
    _, only_health = render_digest([], "html", health=[("Source failing: <wire>", "c")])
    assert "<h2>Source health</h2>" in only_health and "&lt;wire&gt;" in only_health

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


def test_a_zh_digest_has_its_title_and_headings_in_chinese() -> None:
    """Issue 15: a channel tagged ``lang: zh`` reads the digest's own words in Chinese too (the alerts
    come already rendered in Chinese; the evidence stays as published)."""
    from worker.alert.render import render_digest

    title, body = render_digest([("中国 · 稀土 · 全球冶炼份额：92%", "来源：Reuters")], "text",
                                held=[("日本 · 稀土 · 进口依赖：60%", "来源：Nikkei")],
                                health=[("source failing", "feed down")], lang="zh")
    assert title == "remon 摘要：2 条提醒，1 条待证实"
    assert "--- 待证实（等待第二个来源） ---" in body and "--- 来源状态 ---" in body
    assert "Unconfirmed" not in body and "Source health" not in body
    assert render_digest([], "text", lang="zh") == ("remon 摘要：0 条提醒", "本期没有提醒。")
    # English stays the default
    assert render_digest([], "text")[1] == "No alerts in this period."

"""Alert messages: titles that name the change, bodies with evidence, escaping, never blank."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from worker.alert.render import AlertView, format_value, render, render_digest, view_from_change
from worker.types import Change, Claim, Stance, Statistic

PUB = datetime(2025, 4, 5, 8, tzinfo=UTC)
ZH = "中國商務部與海關總署昨日發出公告，決定將鎵、鍺相關物項納入出口管制，中國鎵產量約佔全球80%。"

CHANGED = AlertView(
    kind="changed_statistic",
    statistic=Statistic(90.0, "percent", approx=True, subject="china", material="rare_earths",
                        measure="share_of_global_refining"),
    previous={"value": 92.0, "unit": "percent", "article_url": "http://127.0.0.1/a/1",
              "published": datetime(2025, 4, 1, tzinfo=UTC), "source": "daily"},
    sentence="China refines about 90% of rare earths.", article_url="http://127.0.0.1/a/2",
    article_title="Rare earths", source="wire", published=PUB, sources_count=2,
    review_url="http://127.0.0.1:8080/articles/2")


def test_title_names_the_change_and_body_has_the_evidence() -> None:
    title, body = render(CHANGED, "text")
    assert title == "China · refining share · rare earths: 92% → 90%"
    for needle in ("“China refines about 90% of rare earths.”", "wire", "http://127.0.0.1/a/2", "2025-04-05",
                   "Previous: 92% — daily, 2025-04-01", "http://127.0.0.1/a/1", "Carried by 2 sources",
                   "Review: http://127.0.0.1:8080/articles/2"):
        assert needle in body


@pytest.mark.parametrize(("view", "title"), [
    (AlertView(kind="new_statistic", statistic=Statistic(80, "percent", subject="china", material="gallium",
                                                         measure="share_of_global_production")),
     "China · production share · gallium: 80% (new)"),
    (AlertView(kind="stance_shift", stance=Stance("china", "tighten"), previous_position="ease"),
     "China · stance: easing controls → tightening controls"),
    (AlertView(kind="stance_shift", stance=Stance("tesla", "press")), "Tesla · stance: pressing for relief"),
    (AlertView(kind="new_claim", claim=Claim("united_states", "Controls hurt", "s")),
     "United States · new claim: Controls hurt"),
    (AlertView(kind="source_failing", details={"source": "wire", "failures": 5}), "Source failing: wire"),
])
def test_titles(view: AlertView, title: str) -> None:
    assert render(view)[0] == title


@pytest.mark.parametrize(("value", "unit", "high", "approx", "text"), [
    (92000, "tonnes", None, False, "92,000 t"), (70, "percent", 90, True, "~70–90%"),
    (3, "times", None, False, "×3"), (1.25, "usd_per_kg", None, False, "1.25 USD/kg"),
])
def test_format_value(value: float, unit: str, high: float | None, approx: bool, text: str) -> None:
    assert format_value(value, unit, high, approx) == text


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_chinese_is_kept_intact(fmt: str) -> None:
    view = AlertView(kind="stance_shift", stance=Stance("china", "tighten", sentence=ZH), sentence=ZH,
                     article_url="http://127.0.0.1/zh", article_title="中國出口管制", source="cn-daily",
                     published=PUB)
    _, body = render(view, fmt)  # type: ignore[arg-type]
    assert ZH in body and "中國出口管制" in body


def test_html_escapes_untrusted_text_and_refuses_script_links() -> None:
    evil = AlertView(kind="new_claim",
                     claim=Claim("china", "<script>alert(1)</script>", "<img src=x onerror=y>"),
                     sentence="<img src=x onerror=y>", article_url="javascript:alert(1)",
                     article_title="<b>t</b>", source="<i>s</i>")
    _, body = render(evil, "html")
    assert "<script>" not in body and "<img" not in body and "<b>t" not in body
    assert "&lt;img src=x onerror=y&gt;" in body
    assert 'href="javascript' not in body


def test_markdown_escapes_specials() -> None:
    view = AlertView(kind="new_claim", claim=Claim("china", "x", "*bold* [link](http://evil) _u_ # h"),
                     sentence="*bold* [link](http://evil) _u_ # h", article_url="http://127.0.0.1/a (1)")
    _, body = render(view, "markdown")
    assert "\\*bold\\*" in body and "\\[link\\]\\(http://evil\\)" in body and "\\_u\\_" in body
    assert "[link](http" not in body
    assert "(<http://127.0.0.1/a%20%281%29>)" in body


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_never_blank(fmt: str) -> None:
    for view in (AlertView(kind="new_statistic"), AlertView(kind="whatever"),
                 AlertView(kind="source_recovered", details={"source": "wire"})):
        title, body = render(view, fmt)  # type: ignore[arg-type]
        assert title.strip() and body.strip()


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_digest_lists_everything(fmt: str) -> None:
    stance = AlertView(kind="stance_shift", stance=Stance("china", "tighten"), sentence=ZH)
    title, body = render_digest([CHANGED, stance, ("Old alert: <x>", "stored body")], fmt)  # type: ignore[arg-type]
    assert title == "remon digest: 3 alerts"
    assert "refining share" in body and ZH in body and "stored body" in body
    assert "<x>" not in body if fmt == "html" else True
    assert render_digest([], fmt)[1].strip()  # type: ignore[arg-type]


def test_view_from_change() -> None:
    change = Change(kind="stance_shift", key="k",
                    stance=Stance("china", "ease", sentence="Licences granted."),
                    previous_position="tighten", details={"sources_count": 3})
    view = view_from_change(change, article_url="http://127.0.0.1/a", source="wire", published=PUB,
                            review_url="http://127.0.0.1:8080/articles/1")
    title, body = render(view)
    assert title == "China · stance: tightening controls → easing controls"
    assert "“Licences granted.”" in body and "Carried by 3 sources." in body

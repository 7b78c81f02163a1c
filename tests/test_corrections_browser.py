"""Issue 15, acceptance 1 (corrections): the correction forms in headless Chromium against a real
``remon web`` process, on SQLite and PostgreSQL. Log in with REMON_WEB_TOKEN, fix a value and mark
one wrong on the metric page and see its latest value, table and chart change; a form posted from a
page on another origin (another port) and a form posted after logging out are both refused, and
nothing is stored. Pages keep their strict CSP (no script) throughout."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.correctionsdata import SHARE, seed
from tests.servers import Site, background, free_port, remon_cmd, remon_env, wait_port
from tests.test_web_browser import assert_clean, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOKEN = "br0wser-corr-token"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    ids = seed(db_url)
    port = free_port()
    env = remon_env(tmp_path, REMON_DATABASE_URL=db_url, REMON_WEB_TOKEN=TOKEN)
    with background(remon_cmd("web", "--port", str(port)), env, tmp_path / "web.log"):
        wait_port(port, 30)
        yield f"http://127.0.0.1:{port}", ids
    assert TOKEN not in (tmp_path / "web.log").read_text(errors="replace")


def log_in(page: Any, base: str) -> None:
    page.goto(f"{base}/numbers/{SHARE}")
    assert page.locator("form.inline-fix").count() == 0  # no form before logging in
    page.locator("p.login-hint a").click()
    page.wait_for_url(re.compile(r"/login\?next=/numbers/"))
    page.fill("input[name=token]", TOKEN)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"**/numbers/{SHARE}")


def corrections_of(page: Any, base: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(page.context.request.get(f"{base}/api/corrections").text())["items"]
    return items


def chart_labels(page: Any) -> list[str]:
    return [str(t.text_content()) for t in page.locator("svg a.point title").all()]


def test_log_in_correct_values_and_see_the_metric_page_change(app: Any, page: Any) -> None:
    base, ids = app
    page.goto(f"{base}/login")
    page.fill("input[name=token]", "not-it")
    page.click("form.login button[type=submit]")
    assert "That is not the token." in page.locator("main").inner_text()
    page.errors.clear()  # the browser logs the 401 of the refused login
    log_in(page, base)
    assert page.locator(".latest-value").inner_text() == "92%"
    assert [label.split(" · ")[0] for label in chart_labels(page)] == ["90%", "92%"]
    shot(page, "corrections_1_metric_before")

    row = page.locator("form.inline-fix").filter(has=page.locator(f"input[name=target_id][value='{ids['stat2']}']"))
    row.locator("input[name=value]").fill("93.5")
    row.get_by_role("button", name="Fix").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/numbers/{SHARE}?")
    assert page.locator(".latest-value").inner_text() == "93.5%"
    assert [label.split(" · ")[0] for label in chart_labels(page)] == ["90%", "93.5%"]
    assert "extracted 92%" in page.locator("table.series").inner_text()
    shot(page, "corrections_2_metric_fixed")

    row = page.locator("form.inline-fix").filter(has=page.locator(f"input[name=target_id][value='{ids['stat1']}']"))
    row.get_by_role("button", name="Wrong").click()
    page.wait_for_load_state()
    assert [label.split(" · ")[0] for label in chart_labels(page)] == ["93.5%"]
    assert page.locator("table.series tbody tr").count() == 1
    stored = corrections_of(page, base)
    assert [(c["target_id"], c["action"], c["value"]) for c in stored] == [
        (ids["stat1"], "wrong", None), (ids["stat2"], "fix", 93.5)]

    page.goto(f"{base}/corrections")
    assert page.locator("table.corrections tbody tr").count() == 2
    page.goto(f"{base}/stances/{ids['stance2']}")
    page.select_option("select[name=position]", "maintain")
    page.fill("input[name=who]", "Li")
    page.get_by_role("button", name="Save fix").click()
    page.wait_for_url(f"**/stances/{ids['stance2']}")
    assert "fixed: position keeping controls by Li" in page.locator("dd.current").inner_text()
    page.goto(f"{base}/actors/china")
    last = page.locator("ol.timeline li").last.inner_text()
    assert "keeping controls" in last and "corrected; extracted easing controls" in last  # labels, not keys
    shot(page, "corrections_3_stance_fixed")
    assert_clean(page)


def test_a_form_posted_from_another_origin_is_refused(app: Any, page: Any, site: Site) -> None:
    base, ids = app
    log_in(page, base)  # the victim is logged in: the browser holds the session cookie
    action = f"{base}/corrections"
    site.pages["/evil.html"] = ("text/html; charset=utf-8", (
        f'<!doctype html><form method="post" action="{action}">'
        f'<input type="hidden" name="target_kind" value="statistic">'
        f'<input type="hidden" name="target_id" value="{ids["stat2"]}">'
        f'<input type="hidden" name="action" value="fix"><input type="hidden" name="value" value="1">'
        f'<input type="hidden" name="csrf" value="{"0" * 64}">'
        f'<button type="submit">win a prize</button></form>').encode())
    page.goto(site.base + "/evil.html")
    with page.expect_navigation():
        page.click("button")
    assert page.url.startswith(action)
    assert "not posted from this site" in page.locator("main").inner_text()
    assert corrections_of(page, base) == []
    page.goto(f"{base}/numbers/{quote(SHARE)}")
    assert page.locator(".latest-value").inner_text() == "92%"
    shot(page, "corrections_4_csrf_refused")


def test_a_write_without_the_token_is_refused(app: Any, page: Any) -> None:
    base, ids = app
    log_in(page, base)
    other = page.context.new_page()  # a second tab logs out: the first tab's form now has no session
    other.goto(f"{base}/numbers/{SHARE}")
    other.get_by_role("button", name="Log out").click()
    other.wait_for_url(f"{base}/")
    assert other.locator("header a.login").count() == 1
    row = page.locator("form.inline-fix").filter(has=page.locator(f"input[name=target_id][value='{ids['stat2']}']"))
    row.locator("input[name=value]").fill("50")
    with page.expect_navigation():
        row.get_by_role("button", name="Fix").click()
    assert "log in first" in page.locator("main").inner_text()
    resp = page.context.request.post(f"{base}/api/corrections", data={
        "target_kind": "statistic", "target_id": ids["stat2"], "action": "wrong"})
    assert resp.status == 401 and "REMON_WEB_TOKEN" in resp.text()
    assert corrections_of(page, base) == []
    shot(page, "corrections_5_no_token_refused")


def test_hostile_names_and_notes_are_shown_as_text(app: Any, page: Any) -> None:
    base, ids = app
    hostile = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    resp = page.context.request.post(f"{base}/api/corrections", headers={"Authorization": f"Bearer {TOKEN}"},
                                     data={"target_kind": "statistic", "target_id": ids["stat1"], "action": "wrong",
                                           "who": hostile, "note": hostile})
    assert resp.status == 201
    for path in ("/corrections", f"/statistics/{ids['stat1']}"):
        page.goto(base + path)
        assert page.locator("table.corrections tbody tr").first.inner_text().count(hostile) == 2
        assert_clean(page)

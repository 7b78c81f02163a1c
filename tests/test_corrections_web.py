"""Issue 15, corrections through the review app and the API (in-process, on SQLite and PostgreSQL):
the login cookie, the CSRF and origin checks on every form write, the corrected metric page, and
``/api/corrections`` with the bearer token. The same in a real browser: test_corrections_browser.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from storage.db import session_scope
from storage.models import Correction
from tests.correctionsdata import SHARE, seed

TOKEN = "corr-t0ken-value"
OWN = {"Origin": "http://testserver"}


@pytest.fixture
def app(db_url: str) -> Any:
    from remon.web.app import create_app
    from worker.config import Settings

    ids = seed(db_url)
    settings = Settings(database_url=db_url, web_token=TOKEN)  # type: ignore[arg-type]
    with TestClient(create_app(db_url, settings=settings)) as client:
        yield client, ids, db_url


def login(client: TestClient) -> None:
    resp = client.post("/login", data={"token": TOKEN, "next": f"/numbers/{SHARE}"}, headers=OWN,
                       follow_redirects=False)
    assert resp.status_code == 303 and resp.headers["location"] == f"/numbers/{SHARE}"
    cookie = resp.headers["set-cookie"]
    assert "remon_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert TOKEN not in cookie


def csrf_of(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', client.get(path).text)
    assert match, "no CSRF field in the form"
    return match.group(1)


def stored(db_url: str) -> list[Correction]:
    with session_scope(db_url) as s:
        return list(s.exec(select(Correction)).all())


def test_log_in_fix_a_value_and_see_the_metric_change(app: Any) -> None:
    client, ids, db_url = app
    before = client.get(f"/numbers/{SHARE}").text
    assert "Log in" in before and 'name="csrf"' not in before
    bad = client.post("/login", data={"token": "guess"}, headers=OWN)
    assert bad.status_code == 401 and "not the token" in bad.text
    assert "remon_session" not in bad.headers.get("set-cookie", "")
    foreign = client.post("/login", data={"token": TOKEN}, headers={"Origin": "http://127.0.0.1:9999"})
    assert foreign.status_code == 403 and "remon_session" not in foreign.headers.get("set-cookie", "")
    login(client)
    csrf = csrf_of(client, f"/numbers/{SHARE}")
    resp = client.post("/corrections", headers=OWN, follow_redirects=False, data={
        "csrf": csrf, "target_kind": "statistic", "target_id": str(ids["stat2"]), "action": "fix", "value": "93.5",
        "who": "Ana", "next": f"/numbers/{SHARE}"})
    assert resp.status_code == 303, resp.text
    page = client.get(resp.headers["location"]).text
    assert 'class="latest-value">93.5%' in page and "extracted <s>92%</s>" in page
    assert [(c.who, c.value) for c in stored(db_url)] == [("Ana", 93.5)]
    detail = client.get(f"/statistics/{ids['stat2']}").text
    assert re.search(r'fixed: value <b title="93.5">93.5%</b> by Ana', detail)
    article = client.get(f"/articles/{ids['article2']}").text  # the evidence as extracted, with the verdict
    assert "<b>92%</b>" in article and "corrected: value 93.5% (Ana)" in article
    stats = client.get(f"/api/articles/{ids['article2']}").json()["statistics"]
    assert [(s["value"], s["correction"]["value"]) for s in stats] == [(92.0, 93.5)]
    away = client.post("/corrections", headers=OWN, follow_redirects=False, data={
        "csrf": csrf, "target_kind": "statistic", "target_id": str(ids["stat1"]), "action": "wrong",
        "next": "//evil.example/x"})
    assert away.status_code == 303 and away.headers["location"] == f"/statistics/{ids['stat1']}"  # no open redirect
    refused = client.post("/corrections", headers=OWN, data={
        "csrf": csrf, "target_kind": "stance", "target_id": str(ids["stance2"]), "action": "fix", "position": "loosen"})
    assert refused.status_code == 400 and "position must be one of" in refused.text


@pytest.mark.parametrize("case", ["no csrf", "wrong csrf", "other origin", "null origin", "no origin",
                                  "no session"])
def test_form_writes_without_every_check_are_refused(app: Any, case: str) -> None:
    client, ids, db_url = app
    login(client)
    csrf = csrf_of(client, f"/statistics/{ids['stat1']}")
    data = {"csrf": csrf, "target_kind": "statistic", "target_id": str(ids["stat1"]), "action": "wrong"}
    headers = dict(OWN)
    if case == "no csrf":
        del data["csrf"]
    elif case == "wrong csrf":
        data["csrf"] = "0" * 64
    elif case == "other origin":
        headers = {"Origin": "http://127.0.0.1:9999"}
    elif case == "null origin":
        headers = {"Origin": "null"}
    elif case == "no origin":
        headers = {}
    elif case == "no session":
        client.cookies.clear()
    resp = client.post("/corrections", data=data, headers=headers)
    assert resp.status_code in (401, 403) and "refused" in resp.text
    assert stored(db_url) == []
    ok = client.post("/corrections", data={**data, "csrf": csrf}, headers=OWN) if case != "no session" else None
    if ok is not None:  # the same form with every check passing goes through
        assert ok.status_code == 200 and len(stored(db_url)) == 1


def test_api_lists_and_takes_corrections_with_the_bearer_token(app: Any) -> None:
    client, ids, _ = app
    body = {"target_kind": "alert", "target_id": ids["alert"], "action": "wrong", "note": "not a change"}
    assert client.post("/api/corrections", json=body).status_code == 401
    assert client.post("/api/corrections", json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    made = client.post("/api/corrections", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert made.status_code == 201 and made.json()["who"] == "api"
    listed = client.get("/api/corrections").json()
    assert [(c["target_kind"], c["action"], c["note"]) for c in listed["items"]] == [("alert", "wrong", "not a change")]
    assert "/api/corrections" in client.get("/api/openapi.json").json()["paths"]
    alert_page = client.get(f"/alerts/{ids['alert']}").text
    assert "marked <b>wrong</b>" in alert_page and f'href="/statistics/{ids["stat2"]}"' in alert_page


def test_without_a_configured_token_writes_are_refused_with_the_setting_named(tmp_path: Any) -> None:
    from remon.web.app import create_app
    from storage.db import migrate

    url = f"sqlite:///{tmp_path}/remon.db"
    migrate(url)
    ids = seed(url)
    client = TestClient(create_app(url))
    for resp in (client.post("/login", data={"token": "x"}, headers=OWN),
                 client.post("/corrections", data={"target_kind": "statistic", "target_id": str(ids["stat1"]),
                                                   "action": "wrong"}, headers=OWN),
                 client.post("/api/corrections", json={"target_kind": "statistic", "target_id": ids["stat1"],
                                                       "action": "wrong"}, headers={"Authorization": "Bearer x"})):
        assert resp.status_code == 403 and "set REMON_WEB_TOKEN" in resp.text
    assert "Corrections are disabled" in client.get(f"/statistics/{ids['stat1']}").text
    assert stored(url) == []

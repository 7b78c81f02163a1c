"""Measures in the review app: ``/measures`` (in force today per material and a timeline of every
measure), ``/measures/{id}`` (events with evidence, sources), ``/api/measures`` and
``/api/measures/{id}``, and ``/measures.ics``, an iCalendar feed of upcoming dates that calendar
applications can subscribe to.

No ``from __future__ import annotations`` here: FastAPI resolves the route signatures at runtime.
"""

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from remon.web import measure_chart
from storage import measures as store
from worker.measures.render import measure_name

UPCOMING = {("in_force", "start"): "takes effect", ("suspended", "start"): "suspension begins",
            ("in_force", "end"): "suspension ends, the controls apply again", ("lifted", "end"): "expires",
            ("lifted", "start"): "is lifted", ("announced", "start"): "is announced"}


def name_of(m: dict[str, Any]) -> str:
    from worker.alert.render import label

    return measure_name({"issuer": m["issuer"], "identifier": (m["identifiers"] or [None])[0],
                         "materials": m["materials"], "items": m["items"]}, lambda g, k: label(g, k))


def _today() -> date:
    return datetime.now(UTC).date()


def calendar(measures: list[dict[str, Any]], *, base_url: str) -> bytes:
    """The iCalendar document: one all-day event per upcoming date of each measure."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//remon//measures//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "remon: export-control measures")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for m in measures:
        for up in m["upcoming"]:
            what = UPCOMING.get((up["status"], up["kind"]), up["status"].replace("_", " "))
            event = Event()
            event.add("uid", f"remon-measure-{m['id']}-{up['kind']}-{up['status']}-{up['date']}@remon")
            event.add("dtstamp", stamp)
            event.add("dtstart", date.fromisoformat(up["date"]))
            event.add("summary", f"{name_of(m)}: {what}")
            event.add("description", f"Status today: {(m['status'] or 'unknown').replace('_', ' ')}. "
                                     f"Sources: {', '.join(m['sources']) or 'unknown'}.")
            event.add("url", f"{base_url.rstrip('/')}/measures/{m['id']}")
            cal.add_component(event)
    return bytes(cal.to_ical())


def router(web: Any) -> APIRouter:
    r = APIRouter()
    Db = Annotated[Session, Depends(web.session)]

    def render(request: Request, template: str, **ctx: Any) -> HTMLResponse:
        response: HTMLResponse = web.templates.TemplateResponse(request, template, ctx)
        return response

    @r.get("/api/measures", tags=["api"])
    def api_measures(db: Db, material: str | None = None, in_force_on: date | None = None) -> dict[str, Any]:
        """Export-control measures (merged from every article that reported them) with their status today."""
        items = store.list_measures(db, today=_today(), material=material, in_force_on=in_force_on)
        return {"items": items, "count": len(items)}

    @r.get("/api/measures/{measure_id}", tags=["api"])
    def api_measure(db: Db, measure_id: int) -> dict[str, Any]:
        """One measure with its events, their evidence sentences, articles and sources."""
        found = store.get_measure(db, measure_id)
        if found is None:
            raise HTTPException(404, f"no measure {measure_id}")
        return store.measure_json(db, found[0], found[1], today=_today(), with_events=True)

    @r.get("/measures.ics", include_in_schema=False)
    def ics(db: Db) -> Response:
        base = web.settings.base_url if web.settings else "http://127.0.0.1:8080"
        body = calendar(store.list_measures(db, today=_today()), base_url=base)
        return Response(body, media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": 'inline; filename="remon-measures.ics"'})

    @r.get("/measures", response_class=HTMLResponse, include_in_schema=False)
    def measures(request: Request, db: Db) -> HTMLResponse:
        today = _today()
        items = sorted(store.list_measures(db, today=today), key=lambda m: (m["effective"] or "9999", m["id"]))
        names = {m["id"]: name_of(m) for m in items}
        in_force: dict[str, list[dict[str, Any]]] = {}
        for m in items:
            if m["status"] == "in_force":
                for material in m["materials"] or ["(items only)"]:
                    in_force.setdefault(material, []).append(m)
        return render(request, "measures.html", items=items, names=names, today=today.isoformat(),
                      in_force=sorted(in_force.items()), chart=measure_chart.build(items, today=today, names=names))

    @r.get("/measures/{measure_id}", response_class=HTMLResponse, include_in_schema=False)
    def measure(request: Request, db: Db, measure_id: int) -> HTMLResponse:
        found = store.get_measure(db, measure_id)
        if found is None:
            raise HTTPException(404, f"no measure {measure_id}")
        m = store.measure_json(db, found[0], found[1], today=_today(), with_events=True)
        return render(request, "measure.html", m=m, title=name_of(m))

    return r

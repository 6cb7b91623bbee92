"""Pages for the people's congress: figures, ranking, charts, traceability, log integrity;
draft intake and each draft's readings."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from liaison.exports import cell
from liaison.rights import Role
from liaison.sessions import PageSession
from projections.listings import list_contact_points
from web.deps import LiaisonDep, ReadDep
from web.i18n import language, translator
from web.pages import congress_inbox, congress_intake, congress_manage, congress_trace
from web.pages.congress_charts import (
    drafts_chart,
    drafts_summary,
    monthly_chart,
    monthly_summary,
)
from web.pages.congress_figures import integrity_rows, overview, read_filters, scope_rows
from web.pages.rendering import render, signed_in

router = APIRouter(include_in_schema=False)
router.include_router(congress_intake.router)  # before the trace's /congress/drafts/{id}
router.include_router(congress_manage.router)
router.include_router(congress_trace.router)
router.include_router(congress_inbox.router)
Congress = signed_in(Role.CONGRESS)


def _query(values: dict[str, str], **changes: str) -> str:
    return urlencode({**values, **changes})


@router.get("/congress", response_class=HTMLResponse)
def congress_overview(
    request: Request, liaison: LiaisonDep, conn: ReadDep, session: PageSession = Congress
) -> HTMLResponse:
    """Figures for any period and contact point, the ranking, charts and the log's integrity."""
    _ = translator(language(request))
    points = list_contact_points(conn)
    filters = read_filters(dict(request.query_params), points, liaison.app.clock.today())
    liaison.projector.try_catch_up()  # every event is chained before the chain is checked
    context = {
        "filters": filters,
        "contact_points": points,
        "integrity": liaison.chain.verify(),
        "errors": {k: _(v) for k, v in filters.errors.items()},
    }
    if filters.errors:
        return render(request, "congress_overview.html", context, 422, session)
    shown = overview(
        conn,
        filters,
        _,
        lambda cp_id: "/congress?" + _query(filters.values, contact_point=cp_id),
    )
    context |= {
        "shown": shown,
        "scope": scope_rows(filters, _),
        "csv_query": _query(filters.values, lang=language(request)),
        "monthly": monthly_chart(shown.months, _),
        "monthly_desc": monthly_summary(shown.months, _),
        "by_draft": drafts_chart(shown.drafts, _),
        "drafts_desc": drafts_summary(shown.drafts, _),
    }
    return render(request, "congress_overview.html", context, session=session)


@router.get("/congress/figures.csv")
def congress_csv(
    request: Request, liaison: LiaisonDep, conn: ReadDep, session: PageSession = Congress
) -> Response:
    """The overview's tables and the log's integrity as CSV (UTF-8 with a BOM for Excel)."""
    _ = translator(language(request))
    filters = read_filters(
        dict(request.query_params), list_contact_points(conn), liaison.app.clock.today()
    )
    if filters.errors:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "check the filters")
    shown = overview(conn, filters, _, lambda _cp: "")
    liaison.projector.try_catch_up()
    lines = [*scope_rows(filters, _)]
    for table in shown.tables:
        lines += [[], [table.caption], table.header, *table.rows]
    lines += [[], *integrity_rows(liaison.chain.verify(), _)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[cell(c) for c in line] for line in lines])
    name = "figures-{}-{}.csv".format(
        filters.values["from"] or "start", filters.values["to"] or "now"
    )
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

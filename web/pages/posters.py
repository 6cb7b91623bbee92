"""Posters for notice boards: a draft, its deadline, the contact point collecting opinions on
it, and a QR code that opens the draft's page with that point chosen in the comment form.

The code is drawn by segno as inline SVG (no script, no image request: it prints as sharp as
the printer allows and passes the strict Content-Security-Policy). It encodes the absolute
address as this request reached the site, so a poster printed from the public address leads
back to it.
"""

from __future__ import annotations

import io
from typing import Annotated
from uuid import UUID

import segno
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from liaison.collecting import Poster, poster
from liaison.rights import PUBLIC
from web.deps import LiaisonDep
from web.i18n import language, translator
from web.pages.rendering import MaybeSignedIn, render

router = APIRouter(include_in_schema=False)
PointId = Annotated[UUID, Query()]


def draft_address(request: Request, found: Poster) -> str:
    """The public draft page with the point preselected, absolute (a phone scans it)."""
    base = str(request.base_url).rstrip("/")
    return f"{base}/drafts/{found.draft.id}?contact_point_id={found.contact_point.id}"


def qr_svg(address: str, title: str) -> str:
    """The address as a QR code in SVG: error correction M (a poster may get a smudge),
    scalable (no width or height: the page's CSS sizes it)."""
    out = io.BytesIO()
    segno.make_qr(address, error="m").save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        title=title,
        svgclass="qr",
        lineclass=None,
    )
    return out.getvalue().decode()


@router.get("/drafts/{draft_id}/poster", response_class=HTMLResponse)
def poster_page(
    request: Request,
    draft_id: UUID,
    contact_point_id: PointId,
    liaison: LiaisonDep,
    session: MaybeSignedIn,
) -> HTMLResponse:
    """An A4 poster: title, deadline, the contact point and a QR code to comment."""
    found = poster(liaison, PUBLIC, draft_id, contact_point_id)
    address = draft_address(request, found)
    _ = translator(language(request))
    svg = qr_svg(address, _("Scan to give your opinion"))
    return render(
        request,
        "poster.html",
        {"poster": found, "address": address, "qr": Markup(svg)},  # noqa: S704 - segno's own SVG
        session=session,
    )


@router.get("/drafts/{draft_id}/qr.svg")
def poster_qr(
    request: Request, draft_id: UUID, contact_point_id: PointId, liaison: LiaisonDep
) -> Response:
    """The poster's QR code alone, to put in a newsletter or on a screen."""
    found = poster(liaison, PUBLIC, draft_id, contact_point_id)
    svg = qr_svg(draft_address(request, found), found.draft.title)
    return Response(svg, media_type="image/svg+xml")

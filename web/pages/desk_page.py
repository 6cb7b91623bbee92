"""A staff page's working set, taken as one dependency: the request, the desk, the read
models and the application, and the few things every desk page does with them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Connection

from liaison.bootstrap import Liaison
from web.deps import LiaisonDep, ReadDep
from web.pages.rendering import redirect
from web.pages.staff_desk import (
    Desk,
    DeskDep,
    choose_contact_point,
    record_desk,
    refusal,
    show,
    show_form,
)


@dataclass(frozen=True)
class DeskPage:
    """One request to a desk page."""

    request: Request
    desk: Desk
    conn: Connection
    liaison: Liaison

    def at(self, contact_point_id: UUID) -> DeskPage:
        """The same page at the desk a record belongs to, once the application has let the
        user see the record (see ``record_desk``)."""
        return replace(self, desk=record_desk(self.desk, self.liaison, contact_point_id))

    def show(
        self, template: str, context: dict[str, Any] | None = None, status_code: int = 200
    ) -> HTMLResponse:
        return show(self.request, self.desk, template, context, status_code)

    def form(
        self,
        template: str,
        context: dict[str, Any],
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
    ) -> HTMLResponse:
        return show_form(self.request, self.desk, template, context, values, errors)

    def choose(self) -> HTMLResponse:
        """An admin first picks the contact point whose desk to open."""
        return choose_contact_point(self.request, self.desk, self.conn)

    def go(self, path: str, anchor: str = "", **params: Any) -> RedirectResponse:
        """See Other: a page of the desk (an admin's choice of contact point goes along)."""
        return redirect(self.desk.link(path, **params) + anchor)


def note_refusal(errors: dict[str, str], error: Exception, default_field: str) -> None:
    """Adds what a refused command was wrong in to ``errors`` (see ``refusal``)."""
    field, message = refusal(error, default_field)
    errors[field] = message


def _desk_page(request: Request, desk: DeskDep, conn: ReadDep, liaison: LiaisonDep) -> DeskPage:
    return DeskPage(request, desk, conn, liaison)


PageDep = Annotated[DeskPage, Depends(_desk_page)]

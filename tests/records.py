"""Records many tests start from, made through the application's own commands."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from liaison.application import LiaisonApplication
from liaison.bootstrap import Liaison
from liaison.rights import Actor, operator
from projections.tables import suggestions

PASSWORD = "a-long-test-password"
TEXT = "第一条　为了保护个人信息权益，制定本法。\n第二条　自然人的个人信息受法律保护。"
CHAPTERED = "第一章　总则\n" + TEXT
CAOYANG = ("曹杨新村街道基层立法联系点", "普陀区")
HONGQIAO = ("虹桥街道基层立法联系点", "长宁区")
ADMIN = operator("admin")


def draft_received(
    app: LiaisonApplication,
    text: str = TEXT,
    *,
    title: str = "个人信息保护法（草案）",
    level: str = "national",
    issuer: str = "法工委",
    received_on: date = date(2021, 3, 1),
    deadline: date = date(2021, 3, 31),
    opened_on: date | None = None,
    open_it: bool = True,
    by: Actor = ADMIN,
) -> UUID:
    """A draft registered ``by`` the admin (or whom the test names) and, unless ``open_it``
    is false, opened for comments by the same (on ``opened_on``, else today by the
    application's clock)."""
    draft = app.receive_draft(title, level, issuer, received_on, deadline, text, by).id
    if open_it:
        app.open_draft(draft, by, on=opened_on)
    return draft


def draft_opened(app: LiaisonApplication, text: str, on: date, until: date, **more: Any) -> UUID:
    """A draft received and opened for comments ``on`` one day, open ``until`` its deadline."""
    return draft_received(app, text, received_on=on, deadline=until, opened_on=on, **more)


def municipal_draft(
    app: LiaisonApplication,
    text: str,
    title: str = "数据条例（草案）",
    issuer: str = "市人大",
    **more: Any,
) -> UUID:
    """A city's regulation (by default the data regulation several scenes keep beside the
    national law), otherwise as ``draft_received``."""
    return draft_received(app, text, title=title, level="municipal", issuer=issuer, **more)


def consultation(app: LiaisonApplication, text: str = TEXT) -> tuple[UUID, UUID]:
    """One contact point and a draft open for comments: (contact point id, draft id)."""
    cp = app.designate_contact_point(*CAOYANG, operator("admin")).id
    return cp, draft_received(app, text)


def two_contact_points(app: LiaisonApplication) -> tuple[UUID, UUID]:
    return (
        app.designate_contact_point(*CAOYANG, operator("admin")).id,
        app.designate_contact_point(*HONGQIAO, operator("admin")).id,
    )


def add_users(liaison: Liaison, *users: tuple[str, str, UUID | None]) -> None:
    """Accounts ``(name, role, contact point)``, all with ``PASSWORD``."""
    for name, role, cp in users:
        liaison.users.add(name, role, PASSWORD, cp)


def word_file(text: str) -> bytes:
    """A .docx file with one paragraph per line of ``text``, as a clerk's Word draft comes."""
    from docx import Document  # only the tests of uploads need it

    document = Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def projected(liaison: Liaison, draft_id: UUID) -> int:
    """How many of the draft's suggestions the read models show."""
    with liaison.engine.connect() as conn:
        return conn.execute(
            select(func.count())
            .select_from(suggestions)
            .where(suggestions.c.draft_id == draft_id.hex)
        ).scalar_one()

"""A poster printed for a notice board: one A4 page, the QR code large on it."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.records import CAOYANG, draft_received

pytestmark = pytest.mark.e2e

LONG_TITLE = (
    "上海市住宅小区物业管理、业主大会和业主委员会工作"
    "及电动自行车停放充电安全管理若干规定（修订草案征求意见稿）"
)


@pytest.fixture
def poster_path(liaison: Liaison) -> str:
    app = liaison.app
    point: UUID = app.designate_contact_point(*CAOYANG, operator("admin")).id
    draft = draft_received(app, title=LONG_TITLE)
    return f"/drafts/{draft}/poster?contact_point_id={point}"


def pages_in(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_a_poster_prints_on_one_a4_page_with_a_large_code(
    browser: Any, site: str, poster_path: str, tmp_path: Any
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site + poster_path)
    page.emulate_media(media="print")

    pdf = page.pdf(format="A4", print_background=True)
    page.set_viewport_size({"width": 680, "height": 1032})  # A4 less margins, to look at
    page.screenshot(path=str(tmp_path / "poster.png"), full_page=True)
    code = page.locator("#poster svg.qr").bounding_box()
    context.close()

    assert pages_in(pdf) == 1
    assert code is not None and code["width"] >= 340  # about 9 cm: scanned from a step away

"""Name, phone and neighbourhood go with an opinion from /collect only when the resident
agreed: ticked, they are kept (sealed); unticked, what was typed stays on the phone."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import expect

from liaison.bootstrap import Liaison
from tests.e2e.test_collector_offline import opened_for_offline, recorded
from tests.records import PASSWORD, draft_received, two_contact_points

pytestmark = pytest.mark.e2e


@pytest.fixture
def point(liaison: Liaison) -> UUID:
    cp, _other = two_contact_points(liaison.app)
    draft_received(liaison.app, title="上海市消防条例（修订草案）")
    liaison.users.add("lao_li", "collector", PASSWORD, cp)
    return cp


def save(page: Any, words: str, consent: bool) -> None:
    page.fill("#said_by", words)
    page.fill("#name", "陈阿姨")
    page.fill("#neighbourhood", "曹杨一村")
    page.set_checked("#consent", consent)
    page.click("#collect-save")


def test_the_neighbourhood_goes_only_with_the_residents_consent(
    browser: Any, site: str, liaison: Liaison, point: UUID
) -> None:
    context, page = opened_for_offline(browser, site)

    save(page, "同意留下住址的居民说：消防通道要畅通。", consent=True)
    save(page, "不愿留下住址的居民说：楼道不要堆杂物。", consent=False)

    expect(page.locator("#collect-queue li[data-state='sent']")).to_have_count(2, timeout=15000)
    context.close()
    kept = {s.content[:2]: liaison.app.commenter(s) for s in recorded(liaison, point)}
    assert kept == {
        "同意": {"name": "陈阿姨", "phone": None, "neighbourhood": "曹杨一村"},
        "不愿": {"name": None, "phone": None},
    }

"""A resident on a phone reads the wall of a law read twice: each article an opinion shaped
shows its journey through the readings (征求意见稿第四条 → 二审稿第五条 → 通过稿第六条),
fits the screen, and passes axe."""

from __future__ import annotations

import random
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from liaison.bootstrap import Liaison
from liaison.demo import catalog
from liaison.demo.readings import read_twice
from liaison.rights import operator
from tests.e2e.conftest import PHONE
from tests.e2e.test_accessibility import serious_violations, test_axe_is_installed

pytestmark = pytest.mark.e2e


@pytest.fixture
def law(liaison: Liaison) -> UUID:
    point = liaison.app.designate_contact_point(
        catalog.CAOYANG, "普陀区", operator("admin"), on=date(2020, 1, 1)
    ).id
    return read_twice(liaison.app, random.Random(1), {catalog.CAOYANG: point})


def test_a_resident_on_a_phone_follows_an_article_through_the_readings_on_the_wall(
    browser: Any, site: str, law: UUID
) -> None:
    test_axe_is_installed()
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # bypass: axe is a script
    page = context.new_page()
    page.set_default_timeout(5000)

    page.goto(f"{site}/drafts/{law}/wall")

    facilities = page.locator("#final-6")
    journey = facilities.locator(".journey")
    assert journey.is_visible()
    assert [t.strip() for t in journey.locator("li").all_inner_texts()] == [
        "征求意见稿第四条",
        "→ 二审稿第五条",
        "→ 通过稿第六条",
    ]
    assert "老旧小区物业没有能力单独建充电设施" in facilities.inner_text()
    # the journey wraps within the phone's width: nothing to scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = journey.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path="/tmp/lineage-wall-phone.png", full_page=True)
    assert serious_violations(page) == []

    page.goto(f"{site}/drafts/{law}/wall?lang=en")
    assert [t.strip() for t in page.locator("#final-6 .journey li").all_inner_texts()] == [
        "征求意见稿, article 4",
        "→ 二审稿, article 5",
        "→ as passed, article 6",
    ]
    context.close()

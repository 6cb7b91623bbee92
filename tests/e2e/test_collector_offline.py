"""A collector (信息员) in a courtyard with no signal: opinions saved on the phone survive a
reload and go, each once, when the network is back, each then with its receipt."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

import pytest
from playwright.sync_api import expect

from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from liaison.rights import operator
from tests.e2e.conftest import PHONE, sign_in
from tests.records import PASSWORD, draft_received, two_contact_points

pytestmark = pytest.mark.e2e

WORDS = [f"第{n}位居民：楼道里不要堆放杂物，消防通道要畅通。" for n in range(1, 6)]


@pytest.fixture
def point(liaison: Liaison) -> UUID:
    app = liaison.app
    cp, _other = two_contact_points(app)
    draft_received(app, title="上海市消防条例（修订草案）")
    liaison.users.add("lao_li", "collector", PASSWORD, cp)
    return cp


def opened_for_offline(browser: Any, site: str) -> tuple[Any, Any]:
    """A phone that signed in and opened /collect once, its service worker in control."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    # the phone's calendar agrees with the site's business day (the tests' fixed clock): an
    # opinion is dated the day the collector heard it, and the server refuses a future date
    context.clock.set_fixed_time("2021-03-15T10:00:00+08:00")
    page = context.new_page()
    page.set_default_timeout(10000)
    sign_in(page, site, "lao_li", lands_on="/collect")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker: the page and its files are kept
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#collect[data-ready='1']")
    return context, page


def save(page: Any, words: str, article: int = 1) -> None:
    page.fill("#article", str(article))
    page.fill("#said_by", words)
    page.click("#collect-save")
    page.wait_for_function(
        "w => [...document.querySelectorAll('#collect-queue li')]"
        ".some(li => li.textContent.includes(w.slice(0, 30)))",
        arg=words,
    )


def recorded(liaison: Liaison, cp: UUID) -> list[Suggestion]:
    liaison.projector.catch_up()  # a batch's answer need not wait for the read models
    rows = liaison.queries.suggestions(operator("admin"), contact_point_id=cp)
    return [liaison.app.get(UUID(row["id"]), Suggestion) for row in rows]


def test_opinions_saved_offline_survive_a_reload_and_are_recorded_once_when_online(
    browser: Any, site: str, liaison: Liaison, point: UUID
) -> None:
    context, page = opened_for_offline(browser, site)

    # no signal: five opinions are kept on the phone
    context.set_offline(True)
    for words in WORDS:
        save(page, words)
    assert page.locator("#collect-queue li[data-state='waiting']").count() == 5
    assert recorded(liaison, point) == []

    # the page is reloaded without a network: it opens, and the five still wait
    page.reload()
    page.wait_for_selector("#collect[data-ready='1']")
    assert page.locator("#collect-queue li[data-state='waiting']").count() == 5

    # the network is back: they go by themselves, each shows its receipt
    context.set_offline(False)
    expect(page.locator("#collect-queue li[data-state='sent']")).to_have_count(5, timeout=15000)
    shown = page.locator("#collect-queue li .receipt").all_inner_texts()
    saved = recorded(liaison, point)
    assert sorted(s.content for s in saved) == sorted(WORDS)
    assert sorted(shown) == sorted(s.receipt for s in saved)
    assert {s.channel for s in saved} == {"collector"}

    # sent again (the button, another tab): nothing twice
    page.click("#collect-send")
    page.evaluate(
        "() => fetch('/collect/batch', {method: 'POST', headers: {'Content-Type': "
        "'application/json', 'X-CSRF-Token': document.getElementById('collect').dataset.csrf},"
        " body: JSON.stringify({items: []})})"
    )
    assert len(recorded(liaison, point)) == 5
    context.close()


def test_a_send_cut_off_mid_way_is_retried_and_recorded_once(
    browser: Any, site: str, liaison: Liaison, point: UUID
) -> None:
    context, page = opened_for_offline(browser, site)
    context.set_offline(True)
    for words in WORDS[:3]:
        save(page, words)

    # the server records the batch, but the answer never reaches the phone
    cut = {"done": False}

    def lose_the_answer(route: Any) -> None:
        if cut["done"]:
            route.continue_()
            return
        cut["done"] = True
        route.fetch()  # the server did the work...
        route.abort("connectionreset")  # ...and the connection dropped before the answer

    page.route("**/collect/batch", lose_the_answer)
    context.set_offline(False)
    page.click("#collect-send")
    expect(page.locator("#collect-network")).to_be_visible()
    assert cut["done"]
    # recorded, though the phone never heard (a send the page started meanwhile may still be
    # finishing: it waits for the first one's keys, so the count settles at three)
    deadline = time.monotonic() + 10
    while len(recorded(liaison, point)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(recorded(liaison, point)) == 3

    # the retry: answered with the first receipts, nothing recorded twice
    page.click("#collect-send")
    expect(page.locator("#collect-queue li[data-state='sent']")).to_have_count(3)
    saved = recorded(liaison, point)
    assert len(saved) == 3
    shown = page.locator("#collect-queue li .receipt").all_inner_texts()
    assert sorted(shown) == sorted(s.receipt for s in saved)
    context.close()

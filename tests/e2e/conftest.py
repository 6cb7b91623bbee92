"""Browser tests: Debian's Chromium driven by Playwright against a server the tests start.

Never downloads a browser: Playwright launches /usr/bin/chromium. Pages keep their strict CSP;
only the accessibility check injects axe-core with CSP bypassed in its own context.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from liaison.bootstrap import Liaison
from tests.live_server import serving
from tests.records import PASSWORD
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # npm ci (package.json pins it)
SERIOUS = ("serious", "critical")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 780}
DESK = {"width": 1280, "height": 900}

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def site(liaison: Liaison) -> Iterator[str]:
    """The whole site over the test's Liaison, on a free loopback port."""
    with serving(create_app(liaison=liaison)) as base:
        yield base


def new_page(browser: Any, viewport: dict[str, int] = DESK, **options: Any) -> Any:
    """A page in a context of its own (closed with ``page.context.close()``), of this size
    and these options, waiting at most 5 s for what should come at once."""
    page = browser.new_context(viewport=viewport, **options).new_page()
    page.set_default_timeout(5000)
    return page


def sign_in(page: Any, site: str, username: str, lands_on: str | None = None) -> None:
    """Sign in through the login form (with ``PASSWORD``); ``lands_on``, the page the user
    is sent to, is asked for as ``next`` and waited for."""
    page.goto(f"{site}/login" + (f"?next={lands_on}" if lands_on else ""))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    if lands_on:
        page.wait_for_url(site + lands_on)
    else:
        page.wait_for_load_state()
        assert "/login" not in page.url


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page, touch targets held to 44 px
    (axe's WCAG 2.2 rule, off by default, asks for 24). Needs a context with CSP bypassed."""
    page.add_script_tag(path=str(AXE))
    page.evaluate("axe.configure({checks: [{id: 'target-size', options: {minSize: 44}}]})")
    results = page.evaluate(
        """async () => await axe.run(document, {
            resultTypes: ['violations'], rules: {'target-size': {enabled: true}}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]

"""Browser tests: Debian's Chromium driven by Playwright against a server the tests start.

Never downloads a browser: Playwright launches /usr/bin/chromium. Pages keep their strict CSP;
only the accessibility check injects axe-core with CSP bypassed in its own context.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.bootstrap import Liaison
from tests.live_server import serving
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
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

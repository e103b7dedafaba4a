"""Headless Chromium with every outside request blocked, for tests that check pages draw offline.

Shared by the browser tests (notebook HTML exports, the built site). Uses the
system Chromium through playwright (``playwright install`` downloads its own
browser, which needs network we do not have); ``make browser`` installs one on Debian.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass, field

# Checked in this order; the first that exists is used.
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_REASON = "no Chromium found: run `make browser` (Debian: apt-get install chromium)"


def find_chromium() -> str | None:
    """Path of an installed Chromium/Chrome executable, or None."""
    for path in CHROMIUM_CANDIDATES:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """Return the Chromium path, or skip the calling test with instructions to install one."""
    import pytest

    path = find_chromium()
    if path is None:
        pytest.skip(SKIP_REASON)
    pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    return path


@dataclass
class OfflinePage:
    """One browser page whose outside requests are refused."""

    page: object  # playwright.sync_api.Page
    errors: list[str] = field(default_factory=list)  # messages of uncaught page errors (pageerror events)
    blocked_requests: list[str] = field(default_factory=list)  # http(s) URLs the page tried to fetch (all aborted)
    console: list[str] = field(default_factory=list)  # console messages, "type: text", to help debugging


@contextlib.contextmanager
def offline_page(executable_path: str | None = None, viewport: dict | None = None):
    """Launch headless Chromium, block every http(s) request, and yield an :class:`OfflinePage`.

    ``file://`` and ``data:`` URLs still load, so a saved page must carry all it needs.
    """
    from playwright.sync_api import sync_playwright

    executable_path = executable_path or find_chromium()
    if executable_path is None:
        raise RuntimeError(SKIP_REASON)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable_path, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, service_workers="block")
            page = context.new_page()
            result = OfflinePage(page)

            def block(route):
                result.blocked_requests.append(route.request.url)
                route.abort("internetdisconnected")

            context.route(re.compile(r"^(https?|wss?)://"), block)
            page.on("pageerror", lambda error: result.errors.append(str(error)))
            page.on("console", lambda message: result.console.append(f"{message.type}: {message.text}"))
            yield result
            context.close()
        finally:
            browser.close()

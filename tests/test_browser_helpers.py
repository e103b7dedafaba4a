"""The shared headless-browser helper: finding Chromium, skipping cleanly without it, blocking the network."""

import _browser
import pytest


def test_without_chromium_tests_skip_with_instructions(monkeypatch):
    monkeypatch.setattr(_browser, "find_chromium", lambda: None)
    with pytest.raises(pytest.skip.Exception, match=r"no Chromium found: run `make browser` \(Debian: apt-get install"):
        _browser.require_chromium()


def test_find_chromium_returns_an_executable_or_none():
    path = _browser.find_chromium()
    assert path is None or path.endswith(("chromium", "chromium-browser", "google-chrome"))


def test_offline_page_blocks_outside_requests_and_records_errors(tmp_path):
    chromium = _browser.require_chromium()
    page_file = tmp_path / "page.html"
    page_file.write_text(
        '<html><body><img src="https://example.org/x.png"><script>throw new Error("boom")</script></body></html>'
    )
    with _browser.offline_page(chromium) as offline:
        offline.page.goto(page_file.as_uri(), wait_until="load")
        offline.page.wait_for_timeout(200)
        assert offline.blocked_requests == ["https://example.org/x.png"]
        assert len(offline.errors) == 1 and "boom" in offline.errors[0]

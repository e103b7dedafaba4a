"""Notebook 08 exported to HTML draws its bertviz views in headless Chromium with every outside request blocked."""

import subprocess
import sys
from pathlib import Path

import pytest
from _browser import offline_page, require_chromium

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "08_real_attention.ipynb"
# nbconvert's own page template asks for these (they are optional for the page); nothing else may be requested.
TEMPLATE_ASSETS = ("require.min.js", "MathJax", "mathjax")


@pytest.fixture(scope="module")
def exported_html(tmp_path_factory) -> Path:
    """The notebook as stored (executed, with outputs) converted to one HTML file."""
    require_chromium()  # skip before spending time on the export
    out = tmp_path_factory.mktemp("html")
    subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(out), str(NOTEBOOK)],
        check=True,
        capture_output=True,
    )
    return out / "08_real_attention.html"


def test_bertviz_views_draw_offline(exported_html):
    chromium = require_chromium()
    with offline_page(chromium) as offline:
        offline.page.goto(exported_html.as_uri(), wait_until="load")
        views = offline.page.locator("div[id^='bertviz-']")
        offline.page.wait_for_function(
            "() => [...document.querySelectorAll(\"div[id^='bertviz-']\")].every(d => d.querySelectorAll('svg *').length > 0)",
            timeout=20_000,
        )
        drawn = offline.page.evaluate(
            "() => [...document.querySelectorAll(\"div[id^='bertviz-']\")].map(d => d.querySelectorAll('svg *').length)"
        )
        assert views.count() == 2, "expected the head view and the model view"
        assert all(n > 100 for n in drawn), f"SVG elements per view: {drawn}"
        assert offline.errors == [], f"page errors: {offline.errors}"
        from_views = [url for url in offline.blocked_requests if not any(asset in url for asset in TEMPLATE_ASSETS)]
        assert from_views == [], f"the page asked the network for {from_views}"

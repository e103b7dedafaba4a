"""scripts/build_site.py: the executed course as a static site that works offline.

Static checks run everywhere; the page checks run in headless Chromium with every
outside request blocked (skipped, with the reason, where no Chromium is installed).
"""

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from _browser import offline_page, require_chromium

from scripts import build_site

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
pytestmark = pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in notebooks/ yet")
# Every element that makes the browser fetch something, or that a reader follows.
LINKS_JS = """() => [...document.querySelectorAll('a[href], img[src], script[src], link[href], iframe[src], source[src]')]
    .map(el => el.href || el.src)"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site.build(out, NOTEBOOKS)
    return out


def test_index_lists_the_lessons_in_order_with_their_headings(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', index)
    assert [href for href, _ in links] == [nb.stem + ".html" for nb in NOTEBOOKS]
    for (href, title), notebook in zip(links, NOTEBOOKS, strict=True):
        heading = build_site.first_heading(nbformat.read(notebook, as_version=4))
        assert heading and title == build_site.html.escape(heading), f"{href}: title {title!r}, heading {heading!r}"
        assert (site / href).is_file()


def test_pages_link_to_previous_next_and_index(site):
    pages = [nb.stem + ".html" for nb in NOTEBOOKS]
    for i, page in enumerate(pages):
        text = (site / page).read_text(encoding="utf-8")
        navs = re.findall(r'<nav class="course-nav (?:top|bottom)">(.*?)</nav>', text, re.S)
        assert len(navs) == 2, f"{page}: expected a navigation bar at the top and the bottom"
        for nav in navs:
            assert 'href="index.html"' in nav
            prev = re.findall(r'<a href="([^"]+)" rel="prev"', nav)
            nxt = re.findall(r'<a href="([^"]+)" rel="next"', nav)
            assert prev == ([pages[i - 1]] if i > 0 else []), f"{page}: previous link {prev}"
            assert nxt == pages[i + 1 : i + 2], f"{page}: next link {nxt}"


def test_no_page_asks_a_cdn_for_anything(site):
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        fetched = re.findall(r"<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)=[\"']((?:https?:)?//[^\"']*)", text)
        assert fetched == [], f"{page.name} loads {fetched}"
        assert "cdnjs.cloudflare.com/ajax/libs/mathjax" not in text and "require.min.js" not in text


def test_math_is_typeset_by_a_local_mathjax(site):
    assert (site / build_site.MATHJAX_DIR / "MathJax.js").is_file()
    assert (site / build_site.MATHJAX_DIR / "jax" / "output" / "SVG" / "jax.js").is_file()


def test_links_to_notebooks_become_pages_and_repository_files_go_to_github(tmp_path):
    page = (
        '<a href="02_scaled_dot_product.ipynb#Masks">next</a> <a href="../src/attention/softmax.py">code</a> '
        '<a href="https://example.org/">paper</a> <a href="#Recap">recap</a> <a href="missing.txt">gone</a> '
        "<a class='x' href='01_a.ipynb#don&#x27;t'>apostrophe</a>"
    )
    out = build_site.rewrite_links(page, {"02_scaled_dot_product", "01_a"}, ROOT / "notebooks")
    hrefs = re.findall(r"""href=(?:"([^"]*)"|'([^']*)')""", out)
    hrefs = [double or single for double, single in hrefs]
    assert hrefs == [
        "02_scaled_dot_product.html#Masks",
        f"{build_site.REPO_URL}/blob/main/src/attention/softmax.py",
        "https://example.org/",
        "#Recap",
        "missing.txt",
        "01_a.html#don&#x27;t",
    ]


def test_first_heading_drops_markdown_marks():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Intro\n\n# 01 · *Ordering* `food`\n## More")])
    assert build_site.first_heading(nb) == "01 · Ordering food"


def _fragment_exists(path: Path, fragment: str) -> bool:
    found = re.findall(r"""\b(?:id|name)=(?:"([^"]*)"|'([^']*)')""", path.read_text(encoding="utf-8"))
    ids = {build_site.html.unescape(double or single) for double, single in found}
    return fragment in ids or unquote(fragment) in ids  # as browsers do: the raw fragment, then decoded


def test_every_page_loads_offline_without_errors_and_its_links_resolve(site):
    chromium = require_chromium()
    pages = [site / "index.html"] + [site / (nb.stem + ".html") for nb in NOTEBOOKS]
    problems = []
    with offline_page(chromium) as offline:
        for page in pages:
            errors, blocked = len(offline.errors), len(offline.blocked_requests)
            offline.page.goto(page.as_uri(), wait_until="load")
            if page.name != "index.html":
                offline.page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=20_000)
            offline.page.wait_for_timeout(300)
            problems += [f"{page.name}: page error {e}" for e in offline.errors[errors:]]
            problems += [f"{page.name}: asked the network for {url}" for url in offline.blocked_requests[blocked:]]
            for url in offline.page.evaluate(LINKS_JS):
                parsed = urlparse(url)
                if parsed.scheme != "file":
                    continue  # data: URLs are inline; http(s) links are for the reader to follow, never loaded
                target = Path(unquote(parsed.path))
                if not target.exists():
                    problems.append(f"{page.name}: broken link {url}")
                elif parsed.fragment and target.suffix == ".html" and not _fragment_exists(target, parsed.fragment):
                    problems.append(f"{page.name}: link {url} has no #{parsed.fragment} to go to")
    assert problems == []


@pytest.mark.skipif(not (ROOT / "notebooks" / "08_real_attention.ipynb").exists(), reason="notebook 08 not written yet")
def test_bertviz_views_draw_on_the_site(site):
    chromium = require_chromium()
    with offline_page(chromium) as offline:
        offline.page.goto((site / "08_real_attention.html").as_uri(), wait_until="load")
        views = "[...document.querySelectorAll(\"div[id^='bertviz-']\")]"
        offline.page.wait_for_function(f"() => {views}.every(d => d.querySelectorAll('svg *').length > 0)", timeout=20_000)
        drawn = offline.page.evaluate(f"() => {views}.map(d => d.querySelectorAll('svg *').length)")
        assert len(drawn) >= 1 and all(n > 100 for n in drawn), f"SVG elements per bertviz view: {drawn}"
        assert offline.errors == [] and offline.blocked_requests == []


def test_markdown_images_are_embedded_and_lesson_links_become_pages(tmp_path):
    notebooks = tmp_path / "notebooks"
    (tmp_path / "data").mkdir()
    notebooks.mkdir()
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(24)
    (tmp_path / "data" / "dot.png").write_bytes(png)
    first = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 01 · One\n![a dot](../data/dot.png) then [lesson two](02_two.ipynb).")]
    )
    second = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 02 · Two\nThe end.")])
    nbformat.write(first, notebooks / "01_one.ipynb")
    nbformat.write(second, notebooks / "02_two.ipynb")
    build_site.build(tmp_path / "site", sorted(notebooks.glob("*.ipynb")))
    page = (tmp_path / "site" / "01_one.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in page and "../data/dot.png" not in page
    assert 'href="02_two.html"' in page


def test_a_progress_bar_shows_once_not_once_per_redraw(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    redraws = [f"\rtraining:  {p:3d}%|{'#' * (p // 10):10s}| {p}/100" for p in range(0, 101, 10)]
    outputs = [nbformat.v4.new_output("stream", name="stdout", text=r) for r in redraws]
    outputs.append(nbformat.v4.new_output("stream", name="stdout", text="\ntrained in 1.0 s\n"))
    cell = nbformat.v4.new_code_cell("losses = train(model, ...)", execution_count=1, outputs=outputs)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 07 · Bars"), cell])
    nbformat.write(nb, notebooks / "05_bars.ipynb")
    build_site.build(tmp_path / "site", [notebooks / "05_bars.ipynb"])
    page = (tmp_path / "site" / "05_bars.html").read_text(encoding="utf-8")
    assert page.count("training:") == 1 and "100/100" in page and "trained in 1.0 s" in page

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
    for page in site.rglob("*.html"):
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
    pages += sorted((site / build_site.ZH_DIR).glob("*.html"))  # the Chinese edition, once notebooks/zh/ has lessons
    problems = []
    with offline_page(chromium) as offline:
        for page in pages:
            errors, blocked = len(offline.errors), len(offline.blocked_requests)
            offline.page.goto(page.as_uri(), wait_until="load")
            if page.name != "index.html" and "MathJax.js" in page.read_text(encoding="utf-8"):
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


# ---- the Chinese edition: site/zh/, the language switch, the course's CJK web font ----


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory) -> Path:
    """A two-lesson course whose first lesson has a Chinese twin in notebooks/zh/; returns the built site."""
    root = tmp_path_factory.mktemp("course")
    notebooks = root / "notebooks"
    (notebooks / "zh").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "menu.py").write_text("MENU = []\n")
    new = nbformat.v4
    dish = new.new_code_cell(
        "print(dish)", execution_count=1, outputs=[new.new_output("stream", name="stdout", text="辣子鸡 80%\n")]
    )
    english = [
        new.new_notebook(cells=[new.new_markdown_cell("# 01 · Ordering food\nThe dish 辣子鸡 (spicy chicken)."), dish]),
        new.new_notebook(cells=[new.new_markdown_cell("# 02 · Scaled dot-product\nThe end.")]),
    ]
    chinese = new.new_notebook(
        cells=[
            new.new_markdown_cell(
                "# 01 · 点菜：注意力是一次*软查找*\n下一课是[缩放点积注意力](02_two.ipynb#Masks)，"
                "代码在 [menu.py](../../src/menu.py)。"
            ),
            dish,
        ]
    )
    nbformat.write(english[0], notebooks / "01_one.ipynb")
    nbformat.write(english[1], notebooks / "02_two.ipynb")
    nbformat.write(chinese, notebooks / "zh" / "01_one.ipynb")
    out = root / "site"
    build_site.build(out, sorted(notebooks.glob("*.ipynb")))  # the Chinese twins are found next to them
    return out


def _switch(page: Path) -> list[tuple[str, str]]:
    """(href, label) of each language-switch link on a page."""
    text = page.read_text(encoding="utf-8")
    found = re.findall(r'<a (?=[^>]*class="course-lang")[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', text)
    return found


def test_chinese_edition_has_its_own_index_in_chinese(bilingual):
    index = (bilingual / "zh" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index and "<h2>课程目录</h2>" in index
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', index)
    assert links == [("01_one.html", "01 · 点菜：注意力是一次软查找")]  # the Chinese heading, markdown marks removed
    page = (bilingual / "zh" / "01_one.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert '<a href="index.html">课程目录</a>' in page
    assert (bilingual / "index.html").read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="en">')


def test_language_switch_links_each_page_to_its_twin_and_is_hidden_without_one(bilingual):
    assert _switch(bilingual / "index.html") == [("zh/index.html", "中文")]
    assert _switch(bilingual / "zh" / "index.html") == [("../index.html", "English")]
    assert _switch(bilingual / "01_one.html") == [("zh/01_one.html", "中文")] * 2  # top and bottom bars
    assert _switch(bilingual / "zh" / "01_one.html") == [("../01_one.html", "English")] * 2
    assert _switch(bilingual / "02_two.html") == []  # not translated yet: no switch to a missing page


def test_chinese_pages_link_lessons_and_repository_files(bilingual):
    page = (bilingual / "zh" / "01_one.html").read_text(encoding="utf-8")
    assert 'href="../02_two.html#Masks"' in page  # an untranslated lesson: its English page
    assert f'href="{build_site.REPO_URL}/blob/main/src/menu.py"' in page  # ../../src/ from notebooks/zh/
    assert 'src="../static/mathjax/MathJax.js"' in page


def test_the_cjk_font_is_served_once_from_static_and_every_page_uses_it(bilingual):
    from attention.fonts import FONT_FAMILY, FONT_FILE, chinese_font_path

    fonts = [p for p in bilingual.rglob("*") if p.suffix in {".otf", ".ttf", ".woff", ".woff2"} and FONT_FILE in p.name]
    assert fonts == [bilingual / build_site.FONT_DIR / FONT_FILE]
    assert fonts[0].read_bytes() == chinese_font_path().read_bytes()
    css = (bilingual / build_site.STYLESHEET).read_text(encoding="utf-8")
    assert f'font-family: "{FONT_FAMILY}";' in css and f'src: url("fonts/{FONT_FILE}")' in css
    for page, css_href in [
        ("index.html", "static/course.css"),
        ("01_one.html", "static/course.css"),
        ("zh/index.html", "../static/course.css"),
        ("zh/01_one.html", "../static/course.css"),
    ]:
        text = (bilingual / page).read_text(encoding="utf-8")
        assert re.search(rf'<link [^>]*href="{re.escape(css_href)}"', text), f"{page} does not link {css_href}"
        assert "@font-face" not in text and "font/otf;base64" not in text, f"{page} carries its own copy of the font"


# Draws text on a canvas with the given font and returns its width and a fingerprint of its pixels.
GLYPHS_JS = r"""async ([family, texts]) => {
  await document.fonts.load(`48px ${family}`, texts.join(''));
  const draw = text => {
    const canvas = document.createElement('canvas');
    canvas.width = 160; canvas.height = 64;
    const g = canvas.getContext('2d');
    g.font = `48px ${family}`;
    g.fillText(text, 0, 52);
    const alpha = [...g.getImageData(0, 0, 160, 64).data].filter((_, i) => i % 4 === 3);
    return {width: g.measureText(text).width, ink: alpha.filter(a => a > 0).length, pixels: alpha.join(',')};
  };
  return texts.map(draw);
}"""


def _platform_fonts(page, selector: str) -> dict[str, int]:
    """The fonts Chromium really drew a node's text with: family -> glyph count (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no {selector} on the page"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"]: font["glyphCount"] for font in fonts}


def test_chinese_page_draws_hanzi_with_the_course_font_offline(bilingual):
    from attention.fonts import FONT_FAMILY

    chromium = require_chromium()
    family = f'"{FONT_FAMILY}"'
    with offline_page(chromium) as offline:
        offline.page.goto((bilingual / "zh" / "01_one.html").as_uri(), wait_until="load")
        offline.page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=20_000)
        offline.page.evaluate("() => document.fonts.ready")
        assert offline.page.evaluate(f"() => document.fonts.check('16px {family}', '注意力是一次软查找')")
        # The heading and the printed output (monospace) were drawn with the web font: every hanzi came from it.
        heading = _platform_fonts(offline.page, "h1")
        assert heading.get(FONT_FAMILY, 0) >= len("点菜注意力是一次软查找"), heading
        output = _platform_fonts(offline.page, ".jp-OutputArea-output pre")
        assert output.get(FONT_FAMILY, 0) >= len("辣子鸡"), output
        # Glyphs, not boxes: two hanzi give two different pictures, each a full em wide, and neither is the box
        # drawn for U+E000 / U+E001 (private use, in no font), which are identical to each other.
        zhu, yi, box, box2 = offline.page.evaluate(GLYPHS_JS, [family, ["注", "意", "\ue000", "\ue001"]])
        assert box["pixels"] == box2["pixels"]  # the missing-glyph box: the same whatever the code point
        for glyph in (zhu, yi):
            assert glyph["ink"] > 0 and glyph["pixels"] != box["pixels"]
            assert glyph["width"] == pytest.approx(48, abs=0.5) and glyph["width"] != pytest.approx(box["width"])
        assert zhu["pixels"] != yi["pixels"]
        assert offline.errors == [] and offline.blocked_requests == []


def test_english_page_draws_chinese_dish_names_with_the_course_font(bilingual):
    from attention.fonts import FONT_FAMILY

    chromium = require_chromium()
    with offline_page(chromium) as offline:
        offline.page.goto((bilingual / "01_one.html").as_uri(), wait_until="load")
        offline.page.evaluate("() => document.fonts.ready")
        paragraph = _platform_fonts(offline.page, ".jp-RenderedMarkdown p")
        assert paragraph.get(FONT_FAMILY, 0) == len("辣子鸡"), paragraph  # the Latin words keep the English font
        assert len(paragraph) > 1
        offline.page.goto((bilingual / "02_two.html").as_uri(), wait_until="load")  # no Chinese on it
        assert offline.page.evaluate("() => [...document.fonts].map(f => f.status)") == ["unloaded", "unloaded"]
        assert offline.errors == [] and offline.blocked_requests == []

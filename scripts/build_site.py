"""Render the executed course (notebooks/ as committed) to a static site that works offline.

``site/index.html`` lists the lessons in order (titles from each notebook's first
heading); ``site/NN_name.html`` is each notebook with its stored outputs, rendered by
nbconvert's HTML exporter (lab template) with previous/next links. The Chinese edition
(``notebooks/zh/NN_name.ipynb``, where it exists) becomes ``site/zh/`` the same way, with
its own index (课程目录); every page links to its twin in the other language (English ↔ 中文)
when the twin exists. Chinese text is drawn with the course's own CJK font
(``attention/fonts/CourseSansSC-Regular.otf``), copied once to ``site/static/fonts/`` and
declared with ``@font-face`` in ``site/static/course.css``, which every page links to:
browsers on machines without a CJK font would otherwise show empty boxes. Nothing is loaded
from a CDN: the template's require.js and mermaid loaders are left out (no output
needs them; bertviz views carry their own libraries), and math is typeset by the
MathJax 2 that the nbclassic package ships, copied to ``site/static/mathjax/``.
Links between notebooks (``02_x.ipynb``) become links between pages; links to other
files of the repository point to them on GitHub (``REPO_URL``).

Usage: python -m scripts.build_site [--out site] [notebooks/NN_name.ipynb ...]
"""

from __future__ import annotations

import argparse
import base64
import html
import importlib.resources
import mimetypes
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from scripts.setup_cell import REPO_URL  # one place for the published address

ROOT = Path(__file__).resolve().parents[1]

MATHJAX_DIR = "static/mathjax"  # where MathJax goes inside the site
STYLESHEET = "static/course.css"  # the course's own CSS: navigation bars, language switch, the CJK web font
FONT_DIR = "static/fonts"
ZH_DIR = "zh"  # the Chinese edition's folder, in notebooks/ and in the site
LESSON_FILE = re.compile(r"^(?:\.\./notebooks/|\./)?(?P<stem>\d\d_\w+)\.ipynb(?P<fragment>#.*)?$")

# Extends the lab template: no CDN scripts, local MathJax (SVG output needs no web fonts), navigation bars.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  jax: ["input/TeX", "output/SVG"],
  extensions: ["tex2jax.js"],
  TeX: {extensions: ["AMSmath.js", "AMSsymbols.js", "noErrors.js", "noUndefined.js"]},
  tex2jax: {inlineMath: [["$", "$"], ["\\\\(", "\\\\)"]], displayMath: [["$$", "$$"], ["\\\\[", "\\\\]"]],
            processEscapes: true, processEnvironments: true},
  SVG: {font: "STIX-Web"},
  showMathMenu: false,
  messageStyle: "none"
});
</script>
<script src="{{ resources.course_mathjax }}"></script>
<link rel="stylesheet" href="{{ resources.course_css }}">
{%- endblock html_head_js_mathjax -%}
{%- block body_header -%}
{{ super() }}{{ resources.course_nav | replace('class="course-nav"', 'class="course-nav top"') }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.course_nav | replace('class="course-nav"', 'class="course-nav bottom"') }}{{ super() }}
{%- endblock body_footer -%}
"""


# The web font, declared twice from the one file. "Course Sans SC" (everything the font has: hanzi, full-width and
# CJK punctuation) leads the text fonts of Chinese pages. "Course Sans SC Han" (hanzi and CJK symbols only) leads
# every other font list: its unicode-range leaves Latin letters, digits and English punctuation (“ ” —) to the fonts
# after it, so English pages look as before and only their Chinese dish names use it. Leading the list, not
# trailing it, matters: Chromium did not redraw text already laid out with a trailing web font once it had loaded.
# A page with no Chinese never loads the file.
FONT_FACE = """@font-face {{
  font-family: "{family}";
  src: url("fonts/{file}") format("opentype");
  font-display: block;
  unicode-range: U+00B7, U+2000-206F, U+2100-26FF, U+3000-33FF, U+4E00-9FFF, U+FE30-FE4F, U+FF00-FFEF;
}}
@font-face {{
  font-family: "{family} Han";
  src: url("fonts/{file}") format("opentype");
  font-display: block;
  unicode-range: U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+FF01-FF5E;
}}
"""
UI_FONTS = "system-ui, -apple-system, blinkmacsystemfont, 'Segoe UI', helvetica, arial, sans-serif"
CODE_FONTS = "menlo, consolas, 'DejaVu Sans Mono', monospace"
COURSE_CSS = """body {{
  --jp-ui-font-family: "{family} Han", {ui_fonts};
  --jp-content-font-family: "{family} Han", {ui_fonts};
  --jp-code-font-family: "{family} Han", {code_fonts};
  --jp-cell-prompt-font-family: var(--jp-code-font-family);
}}
html:lang(zh-CN) body {{
  --jp-ui-font-family: "{family}", {ui_fonts};
  --jp-content-font-family: "{family}", {ui_fonts};
}}
.course-nav {{ display: flex; justify-content: space-between; gap: 1em; max-width: 1000px; margin: 0.5em auto;
              padding: 0.5em 1em; font-family: var(--jp-ui-font-family); border-bottom: 1px solid #ddd; }}
.course-nav.bottom {{ border-bottom: none; border-top: 1px solid #ddd; }}
.course-nav .course-home {{ white-space: nowrap; }}
.course-lang {{ margin-left: 1em; }}
"""


@dataclass(frozen=True)
class Edition:
    """One language of the course on the site: where its pages go and the words around them."""

    code: str  # "en" or "zh"
    html_lang: str  # the pages' <html lang>
    folder: str  # inside the site: "" or "zh/"
    name: str  # how the language calls itself, the label of a link to this edition
    all_lessons: str
    title: str
    contents: str  # the index's heading above the list
    intro: str  # the index's paragraph (HTML)

    def to_root(self) -> str:
        """Relative path from one of this edition's pages to the site's root folder."""
        return "../" * self.folder.count("/")


ENGLISH = Edition(
    code="en",
    html_lang="en",
    folder="",
    name="English",
    all_lessons="All lessons",
    title="Attention, from ordering food to Transformers",
    contents="Lessons",
    intro="The course's notebooks with their outputs, as they run. This site works offline. To run the notebooks and "
    "do the exercises yourself, follow the README: <code>make lab</code>.",
)
CHINESE = Edition(
    code="zh",
    html_lang="zh-CN",
    folder=f"{ZH_DIR}/",
    name="中文",
    all_lessons="课程目录",
    title="注意力：从点菜到 Transformer",
    contents="课程目录",
    intro="这里是课程的全部 notebook 和它们运行后的输出，不联网也能浏览。想自己运行 notebook、做练习，"
    "请按 README.zh-CN.md 的说明执行 <code>make lab</code>。",
)


@dataclass(frozen=True)
class Lesson:
    """One notebook of the course, as it appears on the site."""

    source: Path  # the executed notebook
    title: str  # its first heading, without the leading #

    @property
    def page(self) -> str:
        return self.source.stem + ".html"


def first_heading(nb) -> str | None:
    """Text of the first markdown heading in the notebook (markdown emphasis and code marks removed)."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^#{1,6}\s+(.+?)\s*#*\s*$", line)
            if match:
                return re.sub(r"[*_`]", "", match[1]).strip()
    return None


def _inside_course(target: str, notebooks_dir: Path, course: Path | None = None) -> Path | None:
    """The file a relative link from a notebook points at, if it exists inside the course folder."""
    if not target or re.match(r"^([a-z][a-z0-9+.-]*:|#|//|/)", target, re.IGNORECASE):
        return None  # absolute URL, data:, mailto:, same-page anchor, absolute path
    course = (course or notebooks_dir.parent).resolve()
    resolved = (notebooks_dir / unquote(target)).resolve()
    return resolved if resolved.exists() and course in resolved.parents else None


def rewrite_links(page: str, lesson_stems: set[str] | dict[str, str], notebooks_dir: Path, course: Path | None = None) -> str:
    """Point links to notebooks at their pages and links to other course files at GitHub; embed local images.

    ``lesson_stems``: the lessons on the site, or a dict from each lesson's stem to the page a link should open.
    ``course`` is the repository's folder (default: the parent of ``notebooks_dir``; notebooks/zh/ is one deeper).
    """
    pages = lesson_stems if isinstance(lesson_stems, dict) else {stem: stem + ".html" for stem in lesson_stems}
    course = (course or notebooks_dir.parent).resolve()

    def link(match: re.Match) -> str:
        quote, target = match["value"][0], html.unescape(match["value"][1:-1])
        lesson = LESSON_FILE.match(target)
        if lesson and lesson["stem"] in pages:
            new = pages[lesson["stem"]] + (lesson["fragment"] or "")
        else:
            path, _, fragment = target.partition("#")
            resolved = _inside_course(path, notebooks_dir, course)
            if resolved is None:
                return match[0]  # external, or missing: left for the link test to report
            kind = "tree" if resolved.is_dir() else "blob"
            new = f"{REPO_URL}/{kind}/main/{resolved.relative_to(course).as_posix()}" + (f"#{fragment}" if fragment else "")
        return f"{match['before']}{quote}{html.escape(new, quote=True)}{quote}"

    def image(match: re.Match) -> str:
        quote, target = match["value"][0], html.unescape(match["value"][1:-1])
        resolved = _inside_course(target, notebooks_dir, course)
        if resolved is None or not resolved.is_file():
            return match[0]
        mime = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        data = base64.b64encode(resolved.read_bytes()).decode("ascii")
        return f"{match['before']}{quote}data:{mime};base64,{data}{quote}"

    def attribute(tag: str, name: str) -> str:  # <tag ... name="value": the part before the value, the quoted value
        return rf"""(?P<before><{tag}\s[^>]*?\b{name}=)(?P<value>"[^"]*"|'[^']*')"""

    return re.sub(attribute("img", "src"), image, re.sub(attribute("a", "href"), link, page))


def language_switch(edition: Edition, other: Edition, page: str | None) -> str:
    """A link from a page of ``edition`` to its twin ``page`` in the ``other`` edition; empty when there is no twin."""
    if page is None:
        return ""
    href = edition.to_root() + other.folder + page
    return (
        f'<a class="course-lang" href="{html.escape(href, quote=True)}" hreflang="{other.html_lang}" '
        f'lang="{other.html_lang}">{html.escape(other.name)}</a>'
    )


def nav_bar(lessons: list[Lesson], index: int, edition: Edition = ENGLISH, switch: str = "") -> str:
    """Previous / index (and the language switch) / next links for lesson ``index``."""
    parts = []
    if index > 0:
        prev = lessons[index - 1]
        parts.append(f'<a rel="prev" href="{prev.page}">← {html.escape(prev.title)}</a>')
    else:
        parts.append("<span></span>")
    parts.append(f'<span class="course-home"><a href="index.html">{html.escape(edition.all_lessons)}</a>{switch}</span>')
    if index + 1 < len(lessons):
        nxt = lessons[index + 1]
        parts.append(f'<a rel="next" href="{nxt.page}">{html.escape(nxt.title)} →</a>')
    else:
        parts.append("<span></span>")
    return '<nav class="course-nav">' + "".join(parts) + "</nav>"


def index_page(lessons: list[Lesson], edition: Edition = ENGLISH, switch: str = "") -> str:
    """An edition's front page: the lessons in order, and a link to the other language's front page."""
    items = "\n".join(f'    <li><a href="{lesson.page}">{html.escape(lesson.title)}</a></li>' for lesson in lessons)
    return f"""<!DOCTYPE html>
<html lang="{edition.html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(edition.title)}</title>
<link rel="stylesheet" href="{edition.to_root()}{STYLESHEET}">
<style>
body {{ font-family: var(--jp-content-font-family); max-width: 46em; margin: 2em auto; padding: 0 1em;
       line-height: 1.5; color: #222; }}
li {{ margin: 0.4em 0; }}
code {{ background: #f3f3f3; padding: 0 0.2em; font-family: var(--jp-code-font-family); }}
.course-lang {{ float: right; }}
</style>
</head>
<body>
{switch}
<h1>{html.escape(edition.title)}</h1>
<p>{edition.intro}</p>
<h2>{html.escape(edition.contents)}</h2>
<ol class="lessons">
{items}
</ol>
</body>
</html>
"""


def copy_mathjax(out: Path) -> None:
    """Copy nbclassic's MathJax 2 (without the translations we do not use) into the site."""
    source = importlib.resources.files("nbclassic") / "static" / "components" / "MathJax"
    target = out / MATHJAX_DIR
    if target.exists():
        shutil.rmtree(target)

    def skip(directory: str, names: list[str]) -> list[str]:
        if Path(directory).name == "localization":
            return [n for n in names if n != "en"]
        return [n for n in names if n.endswith((".md", ".json"))]

    shutil.copytree(Path(str(source)), target, ignore=skip)


def write_static(out: Path) -> None:
    """The course's stylesheet and its CJK web font, once for the whole site."""
    from attention.fonts import FONT_FAMILY, FONT_FILE, chinese_font_path

    (out / FONT_DIR).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(chinese_font_path(), out / FONT_DIR / FONT_FILE)
    css = FONT_FACE.format(family=FONT_FAMILY, file=FONT_FILE)
    css += COURSE_CSS.format(family=FONT_FAMILY, ui_fonts=UI_FONTS, code_fonts=CODE_FONTS)
    (out / STYLESHEET).write_text(css, encoding="utf-8")


def chinese_twins(sources: list[Path]) -> list[Path]:
    """The Chinese edition's notebooks (``<folder>/zh/NN_name.ipynb``) of the given English ones, where they exist."""
    return [twin for source in sources if (twin := source.parent / ZH_DIR / source.name).is_file()]


def load_lessons(sources: list[Path]) -> list[Lesson]:
    lessons = []
    for source in sorted(sources, key=lambda p: p.name):
        nb = nbformat.read(source, as_version=4)
        lessons.append(Lesson(source, first_heading(nb) or source.stem.replace("_", " ")))
    return lessons


def build(out: Path, sources: list[Path] | None = None, zh_sources: list[Path] | None = None) -> list[Path]:
    """Build the site into ``out``; return the pages written (English index first, then the Chinese edition's).

    ``zh_sources`` defaults to the Chinese twins of ``sources`` (``notebooks/zh/`` next to them) that exist.
    """
    sources = sources if sources is not None else sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    zh_sources = zh_sources if zh_sources is not None else chinese_twins(sources)
    editions = [(ENGLISH, load_lessons(sources))]
    if zh_sources:
        editions.append((CHINESE, load_lessons(zh_sources)))
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out)
    write_static(out)
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"course.html.j2": TEMPLATE})],
        template_file="course.html.j2",
        embed_images=True,  # images that markdown cells link to (../data/x.png) travel inside the page
    )
    # A progress bar redraws its line with "\r": keep only what it shows last, as JupyterLab does, instead of every
    # redraw stacked as its own line.
    exporter.register_preprocessor(CoalesceStreamsPreprocessor, enabled=True)
    pages_of = {edition.code: {"index.html"} | {lesson.page for lesson in lessons} for edition, lessons in editions}
    written = []
    for edition, lessons in editions:
        others = [other for other, _ in editions if other is not edition]

        def switch(page: str, edition: Edition = edition, others: list[Edition] = others) -> str:
            return "".join(language_switch(edition, other, page if page in pages_of[other.code] else None) for other in others)

        folder = out / edition.folder
        folder.mkdir(parents=True, exist_ok=True)
        # Links to other lessons go to this edition's page, or to the English one while a lesson is not translated.
        targets = {page.removesuffix(".html"): edition.to_root() + page for page in pages_of[ENGLISH.code]}
        targets |= {lesson.source.stem: lesson.page for lesson in lessons}
        index = folder / "index.html"
        index.write_text(index_page(lessons, edition, switch("index.html")), encoding="utf-8")
        written.append(index)
        for number, lesson in enumerate(lessons):
            resources = {
                "metadata": {"name": lesson.title, "path": str(lesson.source.parent)},
                "course_nav": nav_bar(lessons, number, edition, switch(lesson.page)),
                "course_mathjax": f"{edition.to_root()}{MATHJAX_DIR}/MathJax.js",
                "course_css": f"{edition.to_root()}{STYLESHEET}",
            }
            body, _ = exporter.from_filename(str(lesson.source), resources=resources)
            body = body.replace('<html lang="en">', f'<html lang="{edition.html_lang}">', 1)  # nbconvert allows ISO 639-1 only
            page = folder / lesson.page
            course = lesson.source.parents[edition.folder.count("/") + 1]  # the repository: links to its files
            page.write_text(rewrite_links(body, targets, lesson.source.parent, course), encoding="utf-8")
            written.append(page)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the executed notebooks to a static site that works offline.")
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="notebooks (default: notebooks/NN_*.ipynb, and their twins in notebooks/zh/)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    args = parser.parse_args(argv)
    pages = build(args.out.resolve(), args.notebooks or None)
    for page in pages:
        print(f"wrote {page}")
    print(f"open {pages[0].as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

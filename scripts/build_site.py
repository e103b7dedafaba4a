"""Render the executed course (notebooks/ as committed) to a static site that works offline.

``site/index.html`` lists the lessons in order (titles from each notebook's first
heading); ``site/NN_name.html`` is each notebook with its stored outputs, rendered by
nbconvert's HTML exporter (lab template) with previous/next links. Nothing is loaded
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
<style>
.course-nav { display: flex; justify-content: space-between; gap: 1em; max-width: 1000px; margin: 0.5em auto;
              padding: 0.5em 1em; font-family: var(--jp-ui-font-family); border-bottom: 1px solid #ddd; }
.course-nav.bottom { border-bottom: none; border-top: 1px solid #ddd; }
</style>
{%- endblock html_head_js_mathjax -%}
{%- block body_header -%}
{{ super() }}{{ resources.course_nav | replace('class="course-nav"', 'class="course-nav top"') }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.course_nav | replace('class="course-nav"', 'class="course-nav bottom"') }}{{ super() }}
{%- endblock body_footer -%}
"""


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


def _inside_course(target: str, notebooks_dir: Path) -> Path | None:
    """The file a relative link from a notebook points at, if it exists inside the course folder."""
    if not target or re.match(r"^([a-z][a-z0-9+.-]*:|#|//|/)", target, re.IGNORECASE):
        return None  # absolute URL, data:, mailto:, same-page anchor, absolute path
    course = notebooks_dir.resolve().parent
    resolved = (notebooks_dir / unquote(target)).resolve()
    return resolved if resolved.exists() and course in resolved.parents else None


def rewrite_links(page: str, lesson_stems: set[str], notebooks_dir: Path) -> str:
    """Point links to notebooks at their pages and links to other course files at GitHub; embed local images."""
    course = notebooks_dir.resolve().parent

    def link(match: re.Match) -> str:
        quote, target = match["value"][0], html.unescape(match["value"][1:-1])
        lesson = LESSON_FILE.match(target)
        if lesson and lesson["stem"] in lesson_stems:
            new = lesson["stem"] + ".html" + (lesson["fragment"] or "")
        else:
            path, _, fragment = target.partition("#")
            resolved = _inside_course(path, notebooks_dir)
            if resolved is None:
                return match[0]  # external, or missing: left for the link test to report
            kind = "tree" if resolved.is_dir() else "blob"
            new = f"{REPO_URL}/{kind}/main/{resolved.relative_to(course).as_posix()}" + (f"#{fragment}" if fragment else "")
        return f"{match['before']}{quote}{html.escape(new, quote=True)}{quote}"

    def image(match: re.Match) -> str:
        quote, target = match["value"][0], html.unescape(match["value"][1:-1])
        resolved = _inside_course(target, notebooks_dir)
        if resolved is None or not resolved.is_file():
            return match[0]
        mime = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        data = base64.b64encode(resolved.read_bytes()).decode("ascii")
        return f"{match['before']}{quote}data:{mime};base64,{data}{quote}"

    def attribute(tag: str, name: str) -> str:  # <tag ... name="value": the part before the value, the quoted value
        return rf"""(?P<before><{tag}\s[^>]*?\b{name}=)(?P<value>"[^"]*"|'[^']*')"""

    return re.sub(attribute("img", "src"), image, re.sub(attribute("a", "href"), link, page))


def nav_bar(lessons: list[Lesson], index: int) -> str:
    """Previous / index / next links for lesson ``index``."""
    parts = []
    if index > 0:
        prev = lessons[index - 1]
        parts.append(f'<a rel="prev" href="{prev.page}">← {html.escape(prev.title)}</a>')
    else:
        parts.append("<span></span>")
    parts.append('<a href="index.html">All lessons</a>')
    if index + 1 < len(lessons):
        nxt = lessons[index + 1]
        parts.append(f'<a rel="next" href="{nxt.page}">{html.escape(nxt.title)} →</a>')
    else:
        parts.append("<span></span>")
    return '<nav class="course-nav">' + "".join(parts) + "</nav>"


def index_page(lessons: list[Lesson]) -> str:
    """The site's front page: the lessons in order."""
    items = "\n".join(f'    <li><a href="{lesson.page}">{html.escape(lesson.title)}</a></li>' for lesson in lessons)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Attention, from ordering food to Transformers</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }}
li {{ margin: 0.4em 0; }}
code {{ background: #f3f3f3; padding: 0 0.2em; }}
</style>
</head>
<body>
<h1>Attention, from ordering food to Transformers</h1>
<p>The course's notebooks with their outputs, as they run. This site works offline. To run the notebooks and do the
exercises yourself, follow the README: <code>make lab</code>.</p>
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


def load_lessons(sources: list[Path]) -> list[Lesson]:
    lessons = []
    for source in sorted(sources, key=lambda p: p.name):
        nb = nbformat.read(source, as_version=4)
        lessons.append(Lesson(source, first_heading(nb) or source.stem.replace("_", " ")))
    return lessons


def build(out: Path, sources: list[Path] | None = None) -> list[Path]:
    """Build the site into ``out``; return the pages written (index first)."""
    sources = sources if sources is not None else sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    lessons = load_lessons(sources)
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out)
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"course.html.j2": TEMPLATE})],
        template_file="course.html.j2",
        embed_images=True,  # images that markdown cells link to (../data/x.png) travel inside the page
    )
    # A progress bar redraws its line with "\r": keep only what it shows last, as JupyterLab does, instead of every
    # redraw stacked as its own line.
    exporter.register_preprocessor(CoalesceStreamsPreprocessor, enabled=True)
    stems = {lesson.source.stem for lesson in lessons}
    pages = [out / "index.html"]
    pages[0].write_text(index_page(lessons), encoding="utf-8")
    for number, lesson in enumerate(lessons):
        resources = {
            "metadata": {"name": lesson.title, "path": str(lesson.source.parent)},
            "course_nav": nav_bar(lessons, number),
            "course_mathjax": f"{MATHJAX_DIR}/MathJax.js",
        }
        body, _ = exporter.from_filename(str(lesson.source), resources=resources)
        page = out / lesson.page
        page.write_text(rewrite_links(body, stems, lesson.source.parent), encoding="utf-8")
        pages.append(page)
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the executed notebooks to a static site that works offline.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks (default: notebooks/NN_*.ipynb)")
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default: site/)")
    args = parser.parse_args(argv)
    pages = build(args.out.resolve(), args.notebooks or None)
    for page in pages:
        print(f"wrote {page}")
    print(f"open {pages[0].as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

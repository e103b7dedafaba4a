"""Chinese text in matplotlib figures on every machine: the course's own CJK font, registered with matplotlib.

Most Linux laptops, Colab and CI machines have no CJK font, and matplotlib draws Chinese labels there as empty
boxes (warning "Glyph ... missing from font(s)"). The course ships Course Sans SC, a GB2312 subset of Noto Sans CJK
SC (SIL Open Font License, fonts/OFL.txt), and `use_chinese_font()` puts it behind DejaVu Sans, so Latin letters
look as in the English edition and every hanzi falls back to it. Used by the Chinese edition (notebooks/zh/).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

FONT_FILE = "CourseSansSC-Regular.otf"
FONT_FAMILY = "Course Sans SC"


def chinese_font_path() -> Path:
    """The font file shipped inside the package."""
    return Path(str(resources.files("attention") / "fonts" / FONT_FILE))


def use_chinese_font() -> str:
    """Register the course's CJK font with matplotlib and make it the fallback after DejaVu Sans; return its family.

    Call it once before plotting Chinese labels (the Chinese notebooks do it in their set-up cell). Safe to call
    again; it changes only ``font.family``.
    """
    import matplotlib
    from matplotlib import font_manager

    path = chinese_font_path()
    if not path.is_file():
        raise FileNotFoundError(f"the course's CJK font is missing: {path} (reinstall the course: pip install .)")
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    # A list of concrete families is matplotlib's per-glyph fallback (a generic "sans-serif" resolves to one font).
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", FONT_FAMILY]
    return FONT_FAMILY


def missing_characters(text: str) -> str:
    """The characters of ``text`` that neither DejaVu Sans nor the course's CJK font can draw (empty: all fine)."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    covered: set[int] = set()
    for path in (font_manager.findfont("DejaVu Sans", fallback_to_default=True), chinese_font_path()):
        covered |= set(TTFont(path, lazy=True).getBestCmap())
    return "".join(sorted({c for c in text if not c.isspace() and ord(c) not in covered}))

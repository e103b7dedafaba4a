"""attention.fonts: Chinese labels render with the course's own font, with no missing glyphs, on any machine."""

import io
import warnings

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from attention import chinese_font_path, missing_characters, use_chinese_font  # noqa: E402
from attention.fonts import FONT_FAMILY  # noqa: E402

LABELS = [
    "辣子鸡 80%，炒青菜 20%",
    "查询（Query）、键（Key）、值（Value）",
    "注意力权重",
    "多头注意力：一桌朋友一起点菜",
    "（B，T，d）",
]


def render(labels) -> list[str]:
    """Draw a figure with the labels as title, axis labels, ticks and legend; return matplotlib's warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1], label=labels[0])
        ax.set(title=labels[1], xlabel=labels[2], ylabel=labels[3])
        ax.set_xticks([0, 1], labels=labels[3:5])
        ax.legend()
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    return [str(w.message) for w in caught]


def system_has_cjk_font() -> bool:
    """Whether a font other than the course's can draw 辣 (then the test of boxes has nothing to show)."""
    from fontTools.ttLib import TTFont

    for entry in font_manager.fontManager.ttflist:
        if entry.name == FONT_FAMILY or entry.name.startswith("Last Resort"):  # Last Resort draws boxes
            continue
        try:
            if 0x8FA3 in TTFont(entry.fname, lazy=True, fontNumber=0).getBestCmap():
                return True
        except Exception:  # a font fontTools cannot read does not count
            continue
    return False


def test_the_font_ships_with_the_package_with_its_licence():
    path = chinese_font_path()
    assert path.is_file() and path.stat().st_size > 1_000_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (path.parent / "OFL.txt").read_text(encoding="utf-8")


def test_chinese_labels_render_without_missing_glyphs():
    use_chinese_font()
    problems = [w for w in render(LABELS) if "missing from font" in w or "Glyph" in w]
    assert problems == []


def test_without_the_course_font_this_machine_draws_boxes():  # shows the test above can fail
    if system_has_cjk_font():
        pytest.skip("this machine has a CJK font of its own")
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        assert any("missing from font" in w for w in render(LABELS))


def test_latin_text_keeps_dejavu_and_the_call_is_idempotent():
    assert use_chinese_font() == use_chinese_font() == FONT_FAMILY
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", FONT_FAMILY]


def test_missing_characters_names_what_cannot_be_drawn():
    assert missing_characters("".join(LABELS)) == ""
    assert missing_characters("麻婆豆腐 mapo tofu ✅") == "✅"  # no emoji font: checkers must not rely on emoji alone
    assert missing_characters("𠀀") == "𠀀"  # outside GB2312
    with pytest.raises(ValueError, match="text must be a string"):
        missing_characters(3)


def test_every_chinese_dish_name_on_the_menu_can_be_drawn():
    from attention import load_menu

    assert missing_characters("".join(load_menu().chinese)) == ""

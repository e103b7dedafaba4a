"""attention.Table: an HTML table in the browser (columns line up with Chinese names), aligned text elsewhere."""

import numpy as np
import pytest

from attention import Table, load_menu
from attention.table import display_width


def test_html_table_with_chinese_names_and_numbers_right_aligned():
    table = Table(
        [("spicy chicken", "辣子鸡", 0.95, 3), ("mapo tofu", "麻婆豆腐", np.float32(0.85), np.int64(12))],
        ["dish", "中文", "spicy", "orders"],
        caption="the menu",
    )
    page = table._repr_html_()
    assert page.startswith('<table class="attention-table"><caption>the menu</caption><thead>')
    assert '<th style="text-align: left">中文</th>' in page and '<th style="text-align: right">spicy</th>' in page
    assert '<td style="text-align: left">麻婆豆腐</td><td style="text-align: right">0.85</td>' in page
    assert '<td style="text-align: right">12</td>' in page


def test_text_version_lines_up_by_display_width():
    menu = load_menu()
    rows = [(menu.dishes[i], menu.chinese[i], *menu.features[i]) for i in range(len(menu))]
    lines = repr(Table(rows, ["dish", "中文", *menu.flavours])).splitlines()
    assert len(lines) == len(menu) + 1
    ends = {display_width(line) for line in lines}
    assert len(ends) == 1, "every row ends in the same column"
    starts = {display_width(line[: line.index(f"{menu.features[i - 1][0]:.2f}")]) for i, line in enumerate(lines) if i}
    assert len(starts) == 1, "the first number column starts in the same column on every row"
    assert display_width("辣子鸡") == 6 and display_width("abc") == 3 and display_width("e\u0301") == 1


def test_values_are_shown_plainly_and_html_is_escaped():
    table = Table([("<b>x</b>", True, np.array([0.5, 1.0]), 7.0)], ["a", "b", "c", "d"], digits=1)
    assert "&lt;b&gt;x&lt;/b&gt;" in table._repr_html_() and "<b>x</b>" not in table._repr_html_()
    assert repr(table).splitlines()[1].split() == ["<b>x</b>", "True", "[0.5", "1.0]", "7.0"]


@pytest.mark.parametrize(
    "rows, columns, digits, message",
    [
        ([(1, 2)], ["a"], 2, r"row 0 has 2 values but there are 1 columns \['a'\]"),
        ([], [], 2, "columns must name at least one column"),
        ([(1,)], ["a"], -1, "digits must be a whole number >= 0, got -1"),
        ([(1,)], ["a"], 1.5, "digits must be a whole number >= 0, got 1.5"),
    ],
)
def test_bad_input_is_a_clear_error(rows, columns, digits, message):
    with pytest.raises(ValueError, match=message):
        Table(rows, columns, digits=digits)

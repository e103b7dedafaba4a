"""Tests for the course menu: the shipped CSV loads and makes sense, bad CSVs are rejected with precise messages."""

import numpy as np
import pytest

from attention import Menu, load_menu
from attention.menu import COLUMNS, FLAVOURS, default_menu_path

HEADER = ",".join(COLUMNS)


def write(tmp_path, text):
    path = tmp_path / "menu.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_course_menu_loads():
    menu = load_menu()
    assert isinstance(menu, Menu)
    assert 16 <= len(menu) <= 30
    assert menu.flavours == ("spicy", "salty", "sweet", "sour", "umami")
    assert menu.features.shape == (len(menu), 5) and menu.features.dtype == np.float64
    assert ((menu.features >= 0) & (menu.features <= 1)).all()
    for field in (menu.dishes, menu.chinese, menu.categories, menu.descriptions):
        assert len(field) == len(menu) and all(isinstance(s, str) and s for s in field)
    assert len(set(menu.dishes)) == len(menu) and len(set(menu.chinese)) == len(menu)
    assert load_menu(default_menu_path()).dishes == menu.dishes


def test_course_menu_has_the_lecture_dishes_and_plausible_flavours():
    menu = load_menu()
    chicken, greens = menu.index("spicy chicken"), menu.index("stir-fried greens")
    assert menu.chinese[chicken] == "辣子鸡" and menu.chinese[greens] == "炒青菜"
    spicy = menu.features[:, FLAVOURS.index("spicy")]
    sweet = menu.features[:, FLAVOURS.index("sweet")]
    assert spicy[chicken] >= 0.9 and spicy[chicken] == spicy.max()
    assert spicy[greens] == 0.0
    desserts = [i for i, c in enumerate(menu.categories) if c == "dessert"]
    assert len(desserts) >= 3
    assert (spicy[desserts] == 0).all() and (sweet[desserts] >= 0.7).all()
    assert {"meat", "vegetable", "soup", "noodles", "dessert"} <= set(menu.categories)


def test_index_accepts_english_any_case_and_chinese():
    menu = load_menu()
    i = menu.index("spicy chicken")
    assert menu.index("辣子鸡") == i
    assert menu.index("  Spicy Chicken ") == i
    assert menu.dishes[i] == "spicy chicken"
    np.testing.assert_array_equal(menu.flavour_of("辣子鸡"), menu.features[i])


def test_index_unknown_name_suggests_close_names():
    menu = load_menu()
    with pytest.raises(ValueError, match=r"no dish called 'spicy chiken'.*Did you mean: 'spicy chicken'"):
        menu.index("spicy chiken")
    with pytest.raises(ValueError, match="no dish called 'chocolate cake'"):
        menu.index("chocolate cake")
    with pytest.raises(ValueError, match="name must be a dish name"):
        menu.index(3)


def test_small_csv_round_trip(tmp_path):
    path = write(
        tmp_path,
        f'{HEADER}\nfoo,甲,meat,1,0.5,0,0,0.25,"A dish, with a comma."\nbar,乙,dessert,0,0,1,0.5,0,Sweet.\n',
    )
    menu = load_menu(path)
    assert menu.dishes == ["foo", "bar"] and menu.chinese == ["甲", "乙"] and len(menu) == 2
    assert menu.descriptions[0] == "A dish, with a comma."
    np.testing.assert_array_equal(menu.features, [[1, 0.5, 0, 0, 0.25], [0, 0, 1, 0.5, 0]])


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere.csv"):
        load_menu(tmp_path / "nowhere.csv")


@pytest.mark.parametrize(
    "text, message",
    [
        ("dish,chinese,category,spicy,salty,sweet,sour,description\nfoo,甲,meat,1,0,0,0,x\n", r"missing column\(s\) \['umami'\]"),
        (f"{HEADER}\nfoo,甲,meat,1.5,0,0,0,0,x\n", r"line 2 \(foo\): column 'spicy' must be between 0 and 1, got 1.5"),
        (f"{HEADER}\nfoo,甲,meat,0,0,0,-0.1,0,x\n", r"column 'sour' must be between 0 and 1"),
        (f"{HEADER}\nfoo,甲,meat,0,hot,0,0,0,x\n", r"column 'salty' must be a number, got 'hot'"),
        (f"{HEADER}\nfoo,甲,meat,0,0,0,0,,x\n", r"column 'umami' must be a number"),
        (
            f"{HEADER}\nfoo,甲,meat,0,0,0,0,0,x\nFoo,乙,meat,0,0,0,0,0,y\n",
            r"line 3: dish 'foo' is listed twice \(first on line 2\)",
        ),
        (f"{HEADER}\nfoo,甲,meat,0,0,0,0,0,x\nbar,甲,meat,0,0,0,0,0,y\n", r"line 3: dish '甲' is listed twice"),
        (f"{HEADER}\n,甲,meat,0,0,0,0,0,x\n", r"line 2: column 'dish' is empty"),
        (f"{HEADER}\n", "no dishes"),
    ],
)
def test_bad_csv_is_rejected_with_line_and_column(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_menu(write(tmp_path, text))

"""The Chinese edition cannot drift from the English one: same statements in every code cell, translations stamped
with the English text they follow (scripts/zh_sync.py)."""

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from scripts import setup_cell, zh_sync

ROOT = Path(__file__).resolve().parents[1]


def test_the_chinese_edition_is_in_step_with_the_english_one():
    found = zh_sync.problems()
    assert found == [], "\n".join(found[:40])


def pair(tmp_path: Path, english_cells, chinese_cells, stamp=True) -> Path:
    """A course root with notebooks/01_x.ipynb and notebooks/zh/01_x.ipynb; the Chinese markdown stamped."""
    (tmp_path / "notebooks" / "zh").mkdir(parents=True)
    nbformat.write(new_notebook(cells=english_cells, nbformat_minor=5), tmp_path / "notebooks" / "01_x.ipynb")
    nbformat.write(new_notebook(cells=chinese_cells, nbformat_minor=5), tmp_path / "notebooks" / "zh" / "01_x.ipynb")
    if stamp:
        zh_sync.stamp(tmp_path / "notebooks" / "zh" / "01_x.ipynb", None, root=tmp_path)
    return tmp_path


ENGLISH = [
    new_markdown_cell("# 01 · Ordering food"),
    new_code_cell(setup_cell.CELL_SOURCE, metadata={"tags": ["colab-setup"]}),
    new_markdown_cell("Split my appetite with **softmax**."),
    new_code_cell('weights = softmax(scores / tau)  # split my appetite\nprint(f"my meal: {weights[0]:.3f} of the first dish")'),
    new_code_cell('plt.title("Attention weights")\nassert best == "spicy chicken"', metadata={"tags": ["solution"]}),
]


def chinese(**changes):
    cells = [
        new_markdown_cell("# 01 · 点菜"),
        new_code_cell(setup_cell.ZH_CELL_SOURCE, metadata={"tags": ["colab-setup"]}),
        new_markdown_cell("用 **softmax** 分配我的胃口。"),
        new_code_cell('weights = softmax(scores / tau)  # 分配胃口\nprint(f"我的饭：第一道菜占 {weights[0]:.3f}")'),
        new_code_cell('plt.title("注意力权重")\nassert best == "spicy chicken"', metadata={"tags": ["solution"]}),
    ]
    for index, source in changes.items():
        cells[int(index[1:])].source = source
    return cells


def test_comments_printed_words_and_labels_may_be_chinese(tmp_path):
    root = pair(tmp_path, ENGLISH, chinese())
    assert zh_sync.problems(root) == []


@pytest.mark.parametrize(
    "changed",
    [
        'weights = softmax(scores / 2)  # 分配胃口\nprint(f"我的饭：第一道菜占 {weights[0]:.3f}")',  # a number
        'weights = softmax(scores / tau)\nprint(f"我的饭：第一道菜占 {weights[1]:.3f}")',  # code inside the f-string
        'weights = softmax(scores / tau)\nprint(f"我的饭：第一道菜占 {weights[0]:.2f}")',  # a format spec
        'weights = softmax(scores / tau)\nprint(f"我的饭：{weights[0]:.3f}")\nprint(weights)',  # an extra statement
    ],
)
def test_a_changed_statement_in_a_chinese_code_cell_is_named(tmp_path, changed):
    root = pair(tmp_path, ENGLISH, chinese(c3=changed))
    found = zh_sync.problems(root)
    assert len(found) == 1 and "notebooks/zh/01_x.ipynb cell 3: the code differs" in found[0]


def test_changing_an_english_markdown_cell_names_the_chinese_cell_to_update(tmp_path):
    root = pair(tmp_path, ENGLISH, chinese())
    path = root / "notebooks" / "01_x.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].source = "Split my appetite with **softmax**: the weights add up to 1."
    nbformat.write(nb, path)
    found = zh_sync.problems(root)
    assert len(found) == 1
    assert "notebooks/zh/01_x.ipynb cell 2 translates an older English text" in found[0]
    assert "the weights add up to 1" in found[0] and "--stamp notebooks/zh/01_x.ipynb 2" in found[0]
    assert zh_sync.stamp(root / "notebooks" / "zh" / "01_x.ipynb", [2], root=root) == [2]
    assert zh_sync.problems(root) == []


def test_an_untranslated_or_unstamped_cell_is_named(tmp_path):
    root = pair(tmp_path, ENGLISH, chinese(c2="Split my appetite with **softmax**."))
    assert any("cell 2: no Chinese in it" in p for p in zh_sync.problems(root))
    zh = root / "notebooks" / "zh" / "01_x.ipynb"
    nb = nbformat.read(zh, as_version=4)
    del nb.cells[0].metadata["zh"]
    nbformat.write(nb, zh)
    assert any("cell 0 was never marked as translated" in p for p in zh_sync.problems(root))


def test_missing_extra_and_misaligned_notebooks_are_named(tmp_path):
    root = pair(tmp_path, ENGLISH, chinese()[:4], stamp=False)
    assert any("its cells are not the English notebook's (4 cells, English 5" in p for p in zh_sync.problems(root))
    shutil.copy(root / "notebooks" / "01_x.ipynb", root / "notebooks" / "02_y.ipynb")
    shutil.copy(root / "notebooks" / "01_x.ipynb", root / "notebooks" / "zh" / "03_z.ipynb")
    found = zh_sync.problems(root)
    assert "notebooks/zh/02_y.ipynb is missing: every lesson has a Chinese twin" in found
    assert "notebooks/zh/03_z.ipynb has no English twin notebooks/03_z.ipynb" in found


def test_tags_must_match(tmp_path):
    cells = chinese()
    cells[4].metadata["tags"] = []
    root = pair(tmp_path, ENGLISH, cells)
    assert zh_sync.problems(root) == ["notebooks/zh/01_x.ipynb cell 4: tags [], English ['solution']"]


def test_stamp_refuses_a_cell_that_does_not_exist(tmp_path):
    root = pair(tmp_path, ENGLISH, chinese())
    with pytest.raises(ValueError, match="cell 9 does not exist"):
        zh_sync.stamp(root / "notebooks" / "zh" / "01_x.ipynb", [9], root=root)


def test_the_chinese_set_up_cell_answers_in_chinese_and_draws_chinese_labels():
    source = setup_cell.ZH_CELL_SOURCE
    assert source.startswith("# ") and 'os.environ["ATTENTION_LANG"] = "zh"' in source
    assert "use_chinese_font()" in source and 'os.chdir(f"{course}/notebooks/zh")' in source
    assert setup_cell.cell_source_for(ROOT / "notebooks" / "zh" / "01_x.ipynb") == source
    assert setup_cell.cell_source_for(ROOT / "notebooks" / "01_x.ipynb") == setup_cell.CELL_SOURCE
    compile(source, "<zh set-up cell>", "exec")


def test_the_chinese_notebooks_stored_outputs_have_no_missing_glyphs():
    """Executed on a machine without a system CJK font: every figure found its glyphs in the course's font."""
    for path in sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert "missing from font" not in text and "Glyph" not in text, f"{path.name}: a figure lacks glyphs"

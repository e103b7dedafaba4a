"""README.zh-CN.md and docs/WORKSHOP.zh-CN.md: the Chinese front page and workshop guide say what the English ones say."""

import json
import re
from pathlib import Path

from scripts import lesson_minutes, zh_docs

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_ZH = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
GUIDE_ZH = (ROOT / "docs" / "WORKSHOP.zh-CN.md").read_text(encoding="utf-8")
TWO_COMMANDS = ["make lab", "make test", "py tasks.py lab", "py tasks.py test"]


def _lessons(readme: str, folder: str) -> list[str]:
    """Notebook file names the lesson table links to, in order."""
    return re.findall(rf"^\| \[[^\]]+\]\({re.escape(folder)}(\d\d_\w+\.ipynb)\)", readme, re.M)


def test_chinese_readme_lists_every_lesson_of_the_readme_and_of_the_course():
    chinese = _lessons(README_ZH, "notebooks/zh/")
    english = _lessons(README, "notebooks/")
    assert english and set(english) <= set(chinese), f"missing from README.zh-CN.md: {set(english) - set(chinese)}"
    on_disk = {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert on_disk <= set(chinese), f"lessons missing from README.zh-CN.md: {on_disk - set(chinese)}"
    assert [name[:2] for name in chinese] == [f"{n:02d}" for n in range(14)]  # 00-13, in order, once each
    titles = zh_docs.chinese_titles(ROOT / "README.zh-CN.md")
    for number, title in titles.items():  # the title each Chinese notebook gives itself
        notebook = next((ROOT / "notebooks" / "zh").glob(f"{number}_*.ipynb"), None)
        if notebook is not None:
            heading = json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"]
            heading = "".join(heading).splitlines()[0].lstrip("# ").strip()
            plain = re.sub(r"[*_`]", "", heading)  # markdown marks aside
            assert re.sub(r"[*_`]", "", title) == plain, (
                f"README.zh-CN.md calls lesson {number} {title!r}, its notebook {heading!r}"
            )
    for number, title in titles.items():
        assert re.search(r"[\u4e00-\u9fff]", title), f"lesson {number}: title {title!r} is not Chinese"


def test_both_readmes_give_the_same_two_commands_and_link_each_other():
    for command in TWO_COMMANDS:
        assert command in README and command in README_ZH, command
    assert "](README.zh-CN.md)" in "\n".join(README.splitlines()[:4])  # at the top of the English README
    assert "](README.md)" in README_ZH and "](docs/WORKSHOP.zh-CN.md)" in README_ZH
    assert "](WORKSHOP.md)" in GUIDE_ZH and "](../README.zh-CN.md)" in GUIDE_ZH


def test_relative_links_of_the_chinese_docs_point_at_files():
    for doc, text in [(ROOT / "README.zh-CN.md", README_ZH), (ROOT / "docs" / "WORKSHOP.zh-CN.md", GUIDE_ZH)]:
        for target in re.findall(r"\]\(([^)#\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            path = (doc.parent / target).resolve()
            if path.parent == ROOT / "notebooks" / "zh" and not path.exists():
                # a Chinese lesson still being translated: its English twin, or a lesson the table announces
                assert (ROOT / "notebooks" / path.name).exists() or path.name in _lessons(README_ZH, "notebooks/zh/")
                continue
            assert path.exists(), f"{doc.name}: link to {target} goes nowhere"


def test_workshop_guide_has_the_plans_and_says_whose_minutes_they_are():
    for plan in ["**半天**：00–03", "**全天（或两天中的第一天）**：00–05", "**第二天**：06–10", "**第三个半天**：11–13"]:
        assert plan in GUIDE_ZH and plan in README_ZH.replace("- ", ""), plan
    assert "**下表是英文版的测量结果。**" in GUIDE_ZH and "按英文" in GUIDE_ZH
    for section in ["## 在没有网络的教室里准备环境", "## 课前检查清单", "## 常见问题"]:
        assert section in GUIDE_ZH


def test_workshop_guide_minutes_are_the_english_ones_and_up_to_date():
    assert zh_docs.main(["--check"]) == 0, "run: python -m scripts.zh_docs"
    english_block = zh_docs.between_markers((ROOT / "docs" / "WORKSHOP.md").read_text(encoding="utf-8"))
    chinese_block = zh_docs.between_markers(GUIDE_ZH)

    def rows(block: str) -> dict[str, list[str]]:  # lesson number -> the numbers of its row in the minutes table
        found = re.findall(r"^\| (\d\d)\b[^|]*\|((?: [\d.]+ \|){7})$", block, re.M)
        return {number: numbers.split("|")[:-1] for number, numbers in found}

    assert rows(english_block) and rows(chinese_block) == rows(english_block)
    assert "end (" not in chinese_block and "*break*" not in chinese_block and "*lunch*" not in chinese_block


def test_every_plan_name_and_line_of_the_minutes_block_has_a_chinese_form():
    for name in lesson_minutes.PLANS:
        translated = zh_docs.translate_line(f"**{name}**", {})
        assert re.search(r"[\u4e00-\u9fff]", translated) and not re.search(r"[A-Za-z]", translated), (name, translated)
    titles = {"06": "06 · 为什么会有注意力"}
    lessons = {"06": lesson_minutes.Lesson("06", "06 · Why attention exists", 900, 10, 1, 30.0)}
    pace = lesson_minutes.Pace(words_per_minute=150, minutes_per_code_cell=1.0, minutes_per_exercise=8.0)
    english = lesson_minutes.report(list(lessons.values()), pace, ran=True)
    chinese = "\n".join(zh_docs.translate_line(line, titles) for line in english.splitlines())
    assert "| 06 · 为什么会有注意力 | 900 | 6 | 10 | 1 | 30 | 24 | 25 |" in chinese
    assert "| 09:00 | 06 · 为什么会有注意力 | 25 |" in chinese and "尚未测量（notebook 还不存在）：07、08、09、10。" in chinese
    leftover = [line for line in chinese.splitlines() if re.search(r"\b(?:end|break|lunch|Measured|Not measured|words)\b", line)]
    assert leftover == []

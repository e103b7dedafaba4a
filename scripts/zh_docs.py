"""Write the Chinese workshop guide's minutes table and plans from the English measurement.

``scripts/lesson_minutes.py`` counts English words, so it cannot time the Chinese prose; the two editions have the
same code and exercises, and the Chinese guide (docs/WORKSHOP.zh-CN.md) uses the English minutes. This script
translates the block between ``<!-- minutes:start -->`` and ``<!-- minutes:end -->`` of docs/WORKSHOP.md into
Chinese — the lesson titles come from the lesson table of README.zh-CN.md — and writes it between the same
markers of docs/WORKSHOP.zh-CN.md. ``make minutes`` runs it after rewriting the English guide.

Usage: python -m scripts.zh_docs [--check]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from scripts.lesson_minutes import END, START, write_between_markers

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_GUIDE = ROOT / "docs" / "WORKSHOP.md"
CHINESE_GUIDE = ROOT / "docs" / "WORKSHOP.zh-CN.md"
CHINESE_README = ROOT / "README.zh-CN.md"

# The plans' names in lesson_minutes.PLANS (and older ones still found in a guide), before the colon.
PLAN_NAMES = {
    "Half day": "半天",
    "Full day, or day 1 of two": "全天（或两天中的第一天）",
    "Full day": "全天",
    "Two days, day 1": "两天中的第一天",
    "Two days, day 2": "第二天",
    "A third half day": "第三个半天",
}
LABELS = {"break": "休息", "lunch": "午饭"}
HEADER = "| notebook | words | reading (min) | code cells | exercises | run time (s) | minutes | planned |"
ZH_HEADER = "| 课 | 英文词数 | 阅读（分钟） | 代码单元格 | 练习 | 运行时间（秒） | 分钟 | 计划 |"
LESSON_LINK = re.compile(r"^\| \[(?P<number>\d\d) · (?P<title>[^\]]+)\]\(notebooks/zh/\d\d_\w+\.ipynb\)", re.M)


def chinese_titles(readme: Path = CHINESE_README) -> dict[str, str]:
    """Lesson number -> "NN · 中文标题", from README.zh-CN.md's lesson table."""
    text = readme.read_text(encoding="utf-8")
    return {m["number"]: f"{m['number']} · {m['title']}" for m in LESSON_LINK.finditer(text)}


def between_markers(text: str, start: str = START, end: str = END) -> str:
    if start not in text or end not in text:
        raise SystemExit(f"needs the markers {start} and {end}")
    return text.partition(start)[2].partition(end)[0].strip("\n")


def _title(cell: str, titles: dict[str, str]) -> str:
    number = re.match(r"\s*(\d\d)\b", cell)
    return f" {titles[number[1]]} " if number and number[1] in titles else cell


def translate_line(line: str, titles: dict[str, str]) -> str:
    """One line of the English minutes block, in Chinese (numbers and times unchanged)."""
    measured = re.match(
        r"Measured by .*?reading at (?P<wpm>[\d.]+) words/min, (?P<cell>[\d.]+) min per code cell, "
        r"(?P<exercise>[\d.]+) min per exercise, plus the (?P<run>.*)$",
        line,
    )
    if measured:
        run = "执行每个 notebook 实测的运行时间。" if "measured by executing" in measured["run"] else "运行时间（这次未测）。"
        return (
            f"英文版由 `scripts/lesson_minutes.py`（`make minutes`）测量：阅读每分钟 {measured['wpm']} 个英文词，"
            f"每个代码单元格 {measured['cell']} 分钟，每道练习 {measured['exercise']} 分钟，再加上{run}"
        )
    if line == HEADER:
        return ZH_HEADER
    plan = re.match(r"^\*\*(?P<name>[^:*]+): (?P<lessons>[\d-]+)\*\*$", line)
    if plan:
        return f"**{PLAN_NAMES.get(plan['name'], plan['name'])}：{plan['lessons']}**"
    if line == "| time | what | minutes |":
        return "| 时间 | 内容 | 分钟 |"
    missing = re.match(r"^Not measured yet \(notebook missing\): (?P<numbers>.*)\.$", line)
    if missing:
        return f"尚未测量（notebook 还不存在）：{'、'.join(missing['numbers'].split(', '))}。"
    if line.startswith("|") and not line.startswith("|---"):
        cells = line.split("|")
        first = 2 if re.match(r"^\| \d\d:\d\d \|", line) else 1  # plans: time | what | minutes
        what = cells[first]
        label = re.fullmatch(r" \*(\w+)\* ", what)
        end = re.fullmatch(r" end \((\d+) h (\d+) min in all\) ", what)
        if label:
            cells[first] = f" *{LABELS.get(label[1], label[1])}* "
        elif end:
            cells[first] = f" 结束（共 {end[1]} 小时 {end[2]} 分钟） "
        else:
            cells[first] = _title(what, titles)
        return "|".join(cells)
    return line


def chinese_minutes(english_guide: Path = ENGLISH_GUIDE, readme: Path = CHINESE_README) -> str:
    """The Chinese minutes block for the current English measurement."""
    titles = chinese_titles(readme)
    block = between_markers(english_guide.read_text(encoding="utf-8"))
    return "\n".join(translate_line(line, titles) for line in block.splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chinese workshop guide: minutes and plans from the English one.")
    parser.add_argument("--check", action="store_true", help="only say whether the Chinese guide is up to date")
    args = parser.parse_args(argv)
    text = chinese_minutes()
    if args.check:
        if between_markers(CHINESE_GUIDE.read_text(encoding="utf-8")) != text:
            print(f"{CHINESE_GUIDE.relative_to(ROOT)} is out of date: run python -m scripts.zh_docs")
            return 1
        print(f"{CHINESE_GUIDE.relative_to(ROOT)} is up to date")
        return 0
    write_between_markers(CHINESE_GUIDE, text)
    print(f"wrote the minutes and plans of {CHINESE_GUIDE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

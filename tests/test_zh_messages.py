"""The checkers' messages in Chinese (src/attention/exercises/zh.py): every template has an entry, and the same wrong
answers the English tests use get fully Chinese messages under ATTENTION_LANG=zh.

Static: every message template of the checker modules (read with ast by scripts/zh_messages.py) has a catalogue
entry with the same placeholders, in the style of ZH-STYLE.md section 5. Runtime: the tests of
tests/test_exercises_adversarial.py, tests/test_exercises_lessonNN.py and tests/test_exercises_predict.py run a second
time here with ATTENTION_LANG=zh (their own asserts still hold: wrong answers stay wrong), and every CheckResult they
produce is checked: translated, Chinese, the code and shapes it quotes kept verbatim, ✅ 完成 for a right answer.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from attention.exercises import _core, zh
from attention.exercises._core import PASS, TODO, WRONG, CheckResult
from scripts import zh_messages

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = zh_messages.all_templates()
NAMES = {t.text for t in TEMPLATES if t.kind == "name"}


# ---------------------------------------------------------------- static: the catalogue covers the source


def test_every_message_template_has_a_chinese_entry():
    missing = zh_messages.missing()
    listing = "\n".join(f"  {t.where()}  [{t.kind}]  {t.text}" for t in missing)
    assert not missing, (
        f"{len(missing)} checker message template(s) have no Chinese entry: add one line each to the group of their "
        f"module in src/attention/exercises/zh.py (python -m scripts.zh_messages --missing lists them too)\n{listing}"
    )


def test_the_extraction_finds_every_kind_of_message():
    kinds = {t.kind for t in TEMPLATES}
    assert {"message", "name", "success", "what", "advice", "hint", "fragment", "label", "phrase"} <= kinds
    texts = {t.text for t in TEMPLATES}
    assert "{what} returned None: did you forget the `return` line?" in texts  # _run.call
    assert "replace `raise NotImplementedError` with your code, then run the cell." in texts  # _core.checker
    assert "soft lookup: the meal I end up with" in texts  # @checker name
    assert "the cache holds keys AND values: multiply by 2" in texts  # a table of typical mistakes
    assert "the library's softmax" in texts  # a Shortcut's label, quoted by the shortcut message
    assert len(TEMPLATES) > 300


def test_missing_names_file_and_line(monkeypatch):
    entry = "{what} contains NaN"
    monkeypatch.delitem(zh.CATALOGUE, entry)
    missing = zh_messages.missing()
    assert [t.text for t in missing] == [entry]
    assert missing[0].where().startswith("src/attention/exercises/_core.py:")


def test_the_command_lists_what_is_missing():
    done = subprocess.run(
        [sys.executable, "-m", "scripts.zh_messages", "--missing"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^0 of \d+ templates have no entry", done.stderr, re.M), done.stderr


@pytest.mark.parametrize("english", sorted(zh.CATALOGUE), ids=range(len(zh.CATALOGUE)))
def test_an_entry_keeps_the_placeholders_and_the_style(english):
    chinese = zh.CATALOGUE[english]
    assert sorted(set(zh.placeholders(chinese))) == sorted(set(zh.placeholders(english))), "same {placeholders}"
    literal = re.sub(r"\{[^{}]*\}", "", chinese)
    assert "！" not in literal and "!" not in literal, "no exclamation marks (ZH-STYLE 5)"
    assert "您" not in literal, "address the learner as 你"
    shouting = {w for w in re.findall(r"\b[A-Z]{2,}\b", re.sub(r"\{[^{}]*\}|`[^`]*`", "", english))}
    shouting -= {"DETR", "FFN", "MLA", "KV", "LN", "LLaMA", "RoPE", "IoU", "GB"}  # names, not emphasis
    left = {w for w in shouting if re.search(rf"(?<![A-Za-z_]){w}(?![A-Za-z_])", literal)}
    assert not left, f"rewrite the capitals' emphasis {sorted(left)} in Chinese (既……也……, 全部)"


def test_prose_entries_are_chinese():
    code_only = [e for e, c in zh.CATALOGUE.items() if not zh.has_chinese(c)]
    # descriptions of a call that are code already (merge_heads(split_heads(x)), new_max, torch.layer_norm, ...)
    assert all(not re.search(r"\b(the|you|your|is|are|must|should)\b", e) for e in code_only), code_only


# ---------------------------------------------------------------- how a result shows itself


def test_a_result_is_chinese_under_attention_lang_zh(monkeypatch):
    monkeypatch.setenv("ATTENTION_LANG", "zh")
    result = CheckResult("soft lookup: the meal I end up with", WRONG, "weights contains NaN")
    assert result.language == "zh" and result.message == "weights contains NaN"  # the English stays for tests
    assert repr(result) == "❌ 有误 · 软查找——我最后吃到的饭：权重含有 NaN。"
    assert repr(CheckResult("score every dish", TODO, "write your answer in the cell above, then run it.")) == (
        "⏳ 还没做完 · 给每道菜打分：在上面的单元格里写出你的答案，再运行它。"
    )
    done = CheckResult("score every dish", PASS, "one dot product per dish: the bigger, the better the dish matches my taste.")
    assert repr(done).startswith("✅ 完成 · 给每道菜打分：每道菜一个点积")
    monkeypatch.setenv("ATTENTION_LANG", "en")
    assert repr(result) == "❌ 有误 · 软查找——我最后吃到的饭：权重含有 NaN。", "the language is the one the checker ran in"
    assert repr(CheckResult("x", WRONG, "weights contains NaN")) == "❌ WRONG · x: weights contains NaN"


def test_the_html_of_a_chinese_result(monkeypatch):
    monkeypatch.setenv("ATTENTION_LANG", "zh")
    result = CheckResult("score every dish", TODO, "replace `raise NotImplementedError` with your code, then run the cell.")
    html = result._repr_html_()
    assert 'lang="zh-CN"' in html and "Course Sans SC" in html
    assert "<b>⏳ 还没做完</b> · 给每道菜打分：把 <code>raise NotImplementedError</code> 换成你的代码" in html
    assert html.count('"') % 2 == 0 and 'style="color' in html
    tricky = CheckResult("score every dish", WRONG, "{what} contains NaN".replace("{what}", "scores(x <b> & y)"))
    assert "scores(x &lt;b&gt; &amp; y) 含有 NaN。" in tricky._repr_html_()


def test_the_english_html_is_unchanged(monkeypatch):
    monkeypatch.delenv("ATTENTION_LANG", raising=False)
    html = CheckResult("e", WRONG, "use `x`").__repr__(), CheckResult("e", WRONG, "use `x`")._repr_html_()
    assert html[0] == "❌ WRONG · e: use `x`"
    assert 'lang="' not in html[1] and "font-family: var(--jp-ui-font-family, sans-serif); line-height" in html[1]


def test_an_unknown_message_is_shown_in_english_not_a_crash(monkeypatch):
    monkeypatch.setenv("ATTENTION_LANG", "zh")
    assert zh.translate("a message nobody wrote a template for") is None
    result = CheckResult("a brand-new exercise", WRONG, "a message nobody wrote a template for")
    assert repr(result) == "❌ 有误 · a brand-new exercise：a message nobody wrote a template for"

    def broken(*args, **kwargs):
        raise RuntimeError("catalogue bug")

    monkeypatch.setattr(zh, "translate", broken)
    assert repr(result) == "❌ 有误 · a brand-new exercise：a message nobody wrote a template for"


def test_captured_prose_is_translated_and_code_kept():
    message = "for batch=2, seq_len=9, num_layers=3, num_kv_heads=1, head_dim=4: the cache holds keys AND values: multiply by 2"
    assert (
        zh.translate(message)
        == "对于 batch=2, seq_len=9, num_layers=3, num_kv_heads=1, head_dim=4：缓存里既存键也存值，要乘以 2。"
    )
    crash = (
        "f(array (3, 4)) raised ValueError: matmul: Input operand 1 has a mismatch. "
        "Hint: after a transpose a tensor is not contiguous: use .reshape instead of .view"
    )
    assert zh.translate(crash) == (
        "f(array (3, 4)) 抛出了 ValueError: matmul: Input operand 1 has a mismatch。"
        "提示：转置之后张量不再连续：用 .reshape 代替 .view。"
    )
    assert zh.translate("f(array (3,)) raised KeyError: 'spicy'") == "f(array (3,)) 抛出了 KeyError: 'spicy'。"
    loop = (
        "patchify uses a `for` loop in helper() (line 3 of its definition): this exercise asks for no Python loops. "
        "Reshape to (B, H/p, p, W/p, p), permute the axes, and reshape again."
    )
    assert zh.translate(loop) == (
        "patchify 用了 helper() 里的一个 `for` 循环（在它定义的第 3 行）：这个练习要求不用 Python 循环。"
        "reshape 成 (B, H/p, p, W/p, p)，交换轴的顺序（permute），再 reshape 一次。"
    )
    crash = "f(x) raised RuntimeError: Expected size 2 but got size 5 for tensor number 1 in the list."
    assert zh.translate(crash) == "f(x) 抛出了 RuntimeError: Expected size 2 but got size 5 for tensor number 1 in the list。"
    call = "is_permutation_equivariant(f = LayerNorm of every token, X (6, 3), perm) raised KeyError: 'spicy'"
    assert (
        zh.translate(call) == "is_permutation_equivariant(f = 对每个词元做 LayerNorm, X (6, 3), perm) 抛出了 KeyError: 'spicy'。"
    )
    shape = "weights (a random mask (3, 6)) has shape (6, 8), expected (3, 6)"
    assert zh.translate(shape) == "权重（一个随机掩码 (3, 6)）的形状是 (6, 8)，应该是 (3, 6)。"
    assert zh.translate(
        "f(x) calls torch's nn.MultiheadAttention: this exercise is to write it yourself, without calling it"
    ) == ("f(x) 调用了 torch 的 nn.MultiheadAttention：这个练习是要你自己写出来，而不是调用它。")


def test_the_language_variable():
    for value, language in (("zh", "zh"), ("zh-CN", "zh"), ("zh_CN.UTF-8", "zh"), ("", "en"), ("en", "en"), ("fr", "en")):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("ATTENTION_LANG", value)
            assert zh.current_language() == language


# ---------------------------------------------------------------- runtime: the English tests' answers, in Chinese

_MODULES = ["test_exercises_adversarial", "test_exercises_predict"] + sorted(
    p.stem for p in (ROOT / "tests").glob("test_exercises_lesson*.py")
)


# tests that assert the English wording of repr(): their cases run in Chinese below instead
_ENGLISH_REPR = {"lesson00__test_typical_mistakes"}


def _collect():
    tests = {}
    for name in _MODULES:
        module = importlib.import_module(f"tests.{name}")
        for attr, value in vars(module).items():
            key = f"{name.removeprefix('test_exercises_')}__{attr}"
            if attr.startswith("test_") and callable(value) and key not in _ENGLISH_REPR:
                tests[key] = value
    return tests


for _name, _test in _collect().items():  # run here a second time, under ATTENTION_LANG=zh (the fixture below)
    globals()[f"test_zh_{_name}"] = _test


def _check_in_chinese(result: CheckResult) -> list[str]:
    """What is wrong with how ``result`` shows itself in Chinese (an empty list when nothing)."""
    problems = []
    word, exercise, message = result.shown()
    if result.exercise in NAMES and not zh.has_chinese(exercise):
        problems.append(f"exercise name not translated: {result.exercise!r}")
    translated = zh.translate(result.message)
    if translated is None or not zh.has_chinese(translated):
        problems.append(f"message not translated: {result.message!r}")
        return problems
    template, captured = zh.explain(result.message)
    for placeholder, piece in captured.items():
        kept = piece in translated or piece.endswith(".") and piece[:-1] + "。" in translated  # "list." + 。 -> "list。"
        if placeholder not in zh.PROSE and not kept:
            problems.append(f"{{{placeholder}}} = {piece!r} lost in {translated!r}")
    shown = repr(result)
    if word != zh.WORDS[result.status] or word not in shown or translated not in shown:
        problems.append(f"shown as {shown!r}")
    if result.status == PASS and not shown.startswith("✅ 完成 · "):
        problems.append(f"a right answer shows {shown!r}")
    if 'lang="zh-CN"' not in result._repr_html_():
        problems.append("the HTML does not say lang=zh-CN")
    return problems


@pytest.fixture(autouse=True)
def _chinese_results(request, monkeypatch):
    """For the tests borrowed from the English checker tests: run them under ATTENTION_LANG=zh, check every result."""
    if not request.node.name.startswith("test_zh_"):
        yield
        return
    monkeypatch.setenv("ATTENTION_LANG", "zh")
    results: list[CheckResult] = []
    original = CheckResult.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        results.append(self)

    monkeypatch.setattr(_core.CheckResult, "__init__", recording_init)
    yield
    problems = [p for result in results for p in _check_in_chinese(result)]
    assert not problems, f"{len(problems)} problem(s) in Chinese:\n" + "\n".join(dict.fromkeys(problems))


_LESSON00 = importlib.import_module("tests.test_exercises_lesson00")


@pytest.mark.parametrize("answer, message", _LESSON00.test_typical_mistakes.pytestmark[0].args[1])
def test_zh_lesson00__typical_mistakes_in_chinese(answer, message):
    result = _LESSON00.check_split_appetite(answer)
    assert result.status == "wrong" and message in result.message, result
    assert repr(result).startswith("❌ 有误 · 分配我的胃口：")


def test_sentences_and_pieces():
    """Messages end with 。 (or ？), pieces that go inside a message don't: translate() relies on it to choose."""
    kinds = {}
    for t in TEMPLATES:
        kinds.setdefault(t.text, t.kind)
    for english, kind in kinds.items():
        if kind in ("message", "success"):
            assert zh.is_sentence(zh.CATALOGUE[english]), f"end the Chinese with 。: {zh.CATALOGUE[english]!r}"
        if kind in ("what", "label", "fragment", "hint"):
            assert not zh.is_sentence(zh.CATALOGUE[english]), f"a piece, no 。 at the end: {zh.CATALOGUE[english]!r}"
    whole = "layer_norm(x of shape (2, 5, 6), eps=1e-05) has shape (2, 5, 3), expected (2, 5, 6)"
    assert zh.translate(whole) == "layer_norm(x of shape (2, 5, 6), eps=1e-05) 的形状是 (2, 5, 3)，应该是 (2, 5, 6)。"
    assert zh.translate("weights for Q (3, 4), K (5, 4) contain NaN") == "Q (3, 4)、K (5, 4) 的权重含有 NaN。"

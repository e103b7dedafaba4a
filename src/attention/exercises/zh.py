# ruff: noqa: E501  (one catalogue entry per line: long lines are easier to find and to extend)
"""The checkers' messages in Chinese: one catalogue of (English template, Chinese template) pairs.

Taught in notebooks/zh/00_start_here.ipynb (the Chinese edition sets ``ATTENTION_LANG=zh``). Checkers write their
messages in English; :class:`~attention.exercises._core.CheckResult` shows them in Chinese through
:func:`translate` when ``ATTENTION_LANG=zh`` was set while the checker ran.

An English template is a message as written in the source, each f-string ``{expression}`` kept as a placeholder
(``"{what} contains NaN"``). :func:`translate` matches a message against the templates (a placeholder matches any
text), and puts the captured text into the Chinese template unchanged: code, shapes and numbers stay as they are.
A captured piece that is itself English prose (the ``what`` a checker describes, a nested message, a typical
mistake from a table, a shortcut's label) is translated in turn when the catalogue knows it.

Adding a checker? ``python -m scripts.zh_messages --missing`` lists its templates that have no entry yet (and
``tests/test_zh_messages.py`` fails with the same list): add one line per template to the group of its module
below, English on the left exactly as printed there, Chinese on the right with the same ``{placeholders}``. A whole
message's Chinese ends with 。 (or ？); a piece that goes inside a message (a ``what`` description, a label, a row of
a table of typical mistakes) has no 。 at the end: :func:`translate` tries whole messages first for a message and
pieces first for a captured piece, and the tests check the convention.
Style: ``../shared/ZH-STYLE.md`` section 5 (你, no blame, no exclamation marks; ❌ what was seen, then how to fix;
✅ one line on what was learned; AND/ALL emphasis rewritten as 既……也……, 全部).
"""

from __future__ import annotations

import functools
import os
import re

LANG_VARIABLE = "ATTENTION_LANG"

# what the status words of CheckResult become (the icons stay)
WORDS = {"todo": "还没做完", "wrong": "有误", "pass": "完成"}


def current_language() -> str:
    """``"zh"`` when ``ATTENTION_LANG`` asks for Chinese (zh, zh-CN, zh_CN ...), else ``"en"``."""
    value = os.environ.get(LANG_VARIABLE, "").strip().lower()
    return "zh" if value.startswith("zh") else "en"


# placeholders whose captured text is English prose worth translating in turn; every other capture (code, shapes,
# numbers, a Python error's own text) is inserted verbatim
PROSE = {
    "what",
    "wrong",
    "message",
    "mistakes[got]",
    "messages[name]",
    "label",
    "name",
    "advice",
    "found[0]",
    "used[0]",
    "_hint(error)",
    "hint.format(*found.groups())",
    "direction",
    "why",
    "described",
    "exercise",
}
# placeholders with a narrower pattern than "any text", where a wider one would make a match ambiguous
_PATTERNS = {"_hint(error)": r"(?:\. Hint: .*)?"}
_PLACEHOLDER = re.compile(r"\{((?:[^{}]|\{[^{}]*\})*)\}")
_CJK = re.compile(r"[\u3400-\u9fff]")
# a space the Chinese template put next to a placeholder, when the placeholder became Chinese too: "权重 含有" -> "权重含有"
_CJK_SPACE = re.compile(
    r"(?<=[\u3400-\u9fff，。：；、）”])[ ]+(?=[\u3400-\u9fff（，。：；、“])|(?<=[\u3400-\u9fff])[ ]+(?=[，。：；、）])"
)


def _split(template: str) -> list[tuple[str, bool]]:
    """``[(text, is_placeholder), ...]``; ``{{`` and ``}}`` are literal braces, as in format strings."""
    parts, i, literal = [], 0, []
    while i < len(template):
        if template.startswith("{{", i) or template.startswith("}}", i):
            literal.append(template[i])
            i += 2
            continue
        found = _PLACEHOLDER.match(template, i) if template[i] == "{" else None
        if found:
            parts.append(("".join(literal), False))
            literal = []
            parts.append((found.group(1), True))
            i = found.end()
            continue
        literal.append(template[i])
        i += 1
    parts.append(("".join(literal), False))
    return [p for p in parts if p[1] or p[0]]


def placeholders(template: str) -> list[str]:
    """The placeholders of a template, in order (``"{what} has shape {x.shape}"`` -> ``["what", "x.shape"]``)."""
    return [text for text, is_placeholder in _split(template) if is_placeholder]


def is_sentence(chinese: str) -> bool:
    """A whole message (ends with 。 or ？ once its placeholders are taken out), not a piece that goes inside one."""
    return re.sub(r"\{[^{}]*\}", "", chinese).rstrip().endswith(("。", "？"))


@functools.cache
def _compiled(nested: bool) -> list[tuple[re.Pattern, list[str], str, bool]]:
    """(regex, placeholder names by group, English template, may match) for every template, in the order to try.

    A message is matched against whole messages first (their Chinese ends with 。), a captured piece against pieces
    first (descriptions, labels, typical mistakes): so ``"weights for Q {Q.shape}, K {K.shape}"`` never swallows a
    whole message that starts with such a description. Within each kind, the most literal text first; templates
    with next to no text of their own (``"{what}: {message}"``) come last.
    """
    result = []
    for english, chinese in CATALOGUE.items():
        parts, names, pattern = _split(english), [], []
        for text, is_placeholder in parts:
            if not is_placeholder:
                pattern.append(re.escape(text))
            elif text in names:
                pattern.append(f"(?P=g{names.index(text)})")
            else:
                pattern.append(f"(?P<g{len(names)}>{_PATTERNS.get(text, '.*?')})")
                names.append(text)
        literal = "".join(text for text, is_placeholder in parts if not is_placeholder)
        generic = sum(c.isalpha() for c in literal) < 2  # "{what}: {message}": tried last, never for a piece
        first = is_sentence(chinese) != nested
        order = (generic, not first, -len(literal))
        result.append((order, re.compile("".join(pattern), re.DOTALL), names, english, not (nested and generic)))
    result.sort(key=lambda p: p[0])
    return [p[1:] for p in result]


def _fill(chinese: str, captured: dict[str, str]) -> str:
    out = []
    for text, is_placeholder in _split(chinese):
        out.append(captured.get(text, "{" + text + "}") if is_placeholder else text)
    return "".join(out)


def explain(message: str, *, nested: bool = False) -> tuple[str, dict[str, str]] | None:
    """The English template ``message`` matches and what each placeholder captured (untranslated), or None."""
    if message in CATALOGUE and not placeholders(message):
        return message, {}
    for pattern, names, english, usable in _compiled(nested):
        if not usable:
            continue
        found = pattern.fullmatch(message)
        if found is not None:
            return english, {name: found.group(f"g{i}") for i, name in enumerate(names)}
    return None


def _match(message: str, nested: bool) -> str | None:
    explained = explain(message, nested=nested)
    if explained is None:
        return None
    english, captured = explained
    return _fill(CATALOGUE[english], {k: _piece(v) if k in PROSE and v else v for k, v in captured.items()})


def _piece(text: str) -> str:
    """A captured piece: its translation when it is a known English phrase, else the text unchanged."""
    translated = _match(text, nested=True)
    return text if translated is None else translated


def translate(message: str, *, sentence: bool = True) -> str | None:
    """The Chinese for one English message, or None if no template fits.

    ``sentence=True`` (a checker's message) ends the Chinese with a full stop 。 when it has none; an exercise's
    name is translated with ``sentence=False``.
    """
    if not isinstance(message, str) or not message:
        return None
    translated = _match(message, nested=False)
    if translated is None:
        return None
    translated = _CJK_SPACE.sub("", translated)
    translated = re.sub(r"(?<=[A-Za-z0-9)\]'])\.(?=。)", "", translated)  # "... in the list." + "。"
    if sentence and not translated.endswith(("。", "？", "！", "…", "”", ".", "?", "!")):
        translated += "。"
    return translated


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


# ---------------------------------------------------------------- _core.py
_CORE = {
    "write your answer in the cell above, then run it.": "在上面的单元格里写出你的答案，再运行它。",
    "replace `raise NotImplementedError` with your code, then run the cell.": "把 `raise NotImplementedError` 换成你的代码，再运行这个单元格。",
    "your answer could not be read: {type(error).__name__}: {error}": "没能读取你的答案：{type(error).__name__}: {error}。",
    "{what} should be an array of numbers, got the text {x!r:.40}": "{what} 应该是一个由数字组成的数组，但得到的是文本 {x!r:.40}。",
    "{what} holds complex numbers ({x.dtype}): the answer is real, check for a square root or a power of a negative number": "{what} 含有复数（{x.dtype}）：答案是实数，检查一下是不是对负数开了平方根或求了幂。",
    "{what} should be an array of numbers, got {type(x).__name__} ({error})": "{what} 应该是一个由数字组成的数组，但得到的是 {type(x).__name__}（{error}）。",
    "{what} holds complex numbers: the answer is real, check for a square root or a power of a negative number": "{what} 含有复数：答案是实数，检查一下是不是对负数开了平方根或求了幂。",
    "{what} should be an array of numbers, got {type(x).__name__} of {array.dtype}": "{what} 应该是一个由数字组成的数组，但得到的是元素类型为 {array.dtype} 的 {type(x).__name__}。",
    "{what} should be a whole number, got {type(x).__name__} {x!r:.40}": "{what} 应该是一个整数，但得到的是 {type(x).__name__} {x!r:.40}。",
    "{what} should be one whole number, got an array of shape {tuple(x.shape)}": "{what} 应该是单独一个整数，但得到的是形状为 {tuple(x.shape)} 的数组。",
    "{what} should be a whole number, got {x}": "{what} 应该是一个整数，但得到的是 {x}。",
    "{what} should be a whole number, got {x!r}: counts have no fractional part": "{what} 应该是一个整数，但得到的是 {x!r}：计数没有小数部分。",
    "{what} should be a whole number, got {type(x).__name__}": "{what} 应该是一个整数，但得到的是 {type(x).__name__}。",
    "{what} has shape {x.shape}, expected {tuple(shape)}": "{what} 的形状是 {x.shape}，应该是 {tuple(shape)}。",
    "{what} has shape {actual.shape}, expected {expected.shape}": "{what} 的形状是 {actual.shape}，应该是 {expected.shape}。",
    "{what} contains NaN": "{what} 含有 NaN。",
    "{what} differs from the expected values: at index {index} you have {have}, expected {want} (off by {float(err[where]):.2g}, more than the {float(allowed[where]):.2g} allowed for round-off)": "{what} 和预期的值不一致：在下标 {index} 处你的是 {have}，应该是 {want}（相差 {float(err[where]):.2g}，超出了舍入误差允许的 {float(allowed[where]):.2g}）。",
    "correct!": "正确。",  # the success line of a checker that returns no message
}

# ---------------------------------------------------------------- _loops.py
_LOOPS = {
    "a `for` loop": "一个 `for` 循环",
    "a `while` loop": "一个 `while` 循环",
    "a comprehension (a loop in brackets)": "一个推导式（写在括号里的循环）",
    "{name}(), a loop in disguise": "{name}()，一个伪装起来的循环",
    "{found[0]} in {name}()": "{name}() 里的 {found[0]}",
    "{name} uses {found[0]} (line {found[1]} of its definition): this exercise asks for no Python loops. {advice}": "{name} 用了 {found[0]}（在它定义的第 {found[1]} 行）：这个练习要求不用 Python 循环。{advice}",
}

# ---------------------------------------------------------------- _run.py
_RUN = {
    "a matrix product needs matching inner sizes, (n, k) @ (k, m): check the order of the operands and which one needs a transpose (.T, or .transpose(-2, -1) for batches)": "矩阵乘法要求内侧的大小一致，(n, k) @ (k, m)：检查两个操作数的顺序，以及哪一个需要转置（.T，批量时用 .transpose(-2, -1)）",
    "torch's x.max(dim) and x.min(dim) return (values, indices): take .values, or use x.amax(dim, keepdim=True)": "torch 的 x.max(dim) 和 x.min(dim) 返回 (values, indices)：取 .values，或者用 x.amax(dim, keepdim=True)",
    "the shapes do not line up: keep the reduced axis (keepdims=True in NumPy, keepdim=True in torch) or add one with [:, None]": "形状对不上：保留被归约的轴（NumPy 里 keepdims=True，torch 里 keepdim=True），或者用 [:, None] 加一个轴",
    "NumPy arrays have no .{0}: check the name (NumPy has .sum(), .max(), .mean(), .T); if .{0} is a torch method, remember this input is a NumPy array, not a tensor": "NumPy 数组没有 .{0}：检查一下名字（NumPy 有 .sum()、.max()、.mean()、.T）；如果 .{0} 是 torch 的方法，记住这个输入是 NumPy 数组，不是张量",
    "torch tensors have no .{0}: check the name (torch has .sum(), .amax(), .mean(), .transpose()); if .{0} is a NumPy method, remember this input is a torch tensor, not a NumPy array": "torch 张量没有 .{0}：检查一下名字（torch 有 .sum()、.amax()、.mean()、.transpose()）；如果 .{0} 是 NumPy 的方法，记住这个输入是 torch 张量，不是 NumPy 数组",
    "this input is a NumPy array: use NumPy (np.exp, .sum(axis=-1, keepdims=True), .T), not torch's functions": "这个输入是 NumPy 数组：用 NumPy（np.exp、.sum(axis=-1, keepdims=True)、.T），不要用 torch 的函数",
    "this input is a torch tensor: use torch (torch.exp, .sum(dim=-1, keepdim=True), .transpose(-2, -1))": "这个输入是 torch 张量：用 torch（torch.exp、.sum(dim=-1, keepdim=True)、.transpose(-2, -1)）",
    "a module such as MultiHeadAttention or block.self_attn returns a tuple (output, weights): keep the output with [0]": "MultiHeadAttention 或 block.self_attn 这样的模块返回一个元组 (output, weights)：用 [0] 取出输出",
    "the sizes you reshape to must multiply to the number of elements: check that each one comes from the right axis (H and W, or T and d, can differ)": "reshape 的各个大小相乘必须等于元素个数：检查每个大小是否来自正确的轴（H 和 W、T 和 d 可能不相等）",
    "after a transpose a tensor is not contiguous: use .reshape instead of .view": "转置之后张量不再连续：用 .reshape 代替 .view",
    "`if x:` on an array is ambiguous: test a missing argument with `if mask is not None:`, compare arrays with np.allclose or torch.allclose": "对数组写 `if x:` 是有歧义的：判断参数是否缺省用 `if mask is not None:`，比较数组用 np.allclose 或 torch.allclose",
    "the names on the left must match the number of axes: B, T, d = x.shape needs a 3-D x": "左边的名字个数必须等于轴数：B, T, d = x.shape 需要一个三维的 x",
    ". Hint: {hint.format(*found.groups())}": "。提示：{hint.format(*found.groups())}",
    "{what} was still running after {TIME_LIMIT:g} s and was stopped: an endless loop? (a `while` whose condition never becomes False, or a loop over a huge range)": "{what} 运行了 {TIME_LIMIT:g} 秒还没结束，已被停止：是不是死循环？（条件永远不会变成 False 的 `while`，或者对一个巨大范围的循环）。",
    "{what} raised RecursionError: your function calls itself without end": "{what} 抛出了 RecursionError：你的函数在无休止地调用自己。",
    "{what} raised {type(error).__name__}: {error}{_hint(error)}": "{what} 抛出了 {type(error).__name__}: {error}{_hint(error)}。",
    "{what} calls {used[0]}: this exercise is to write it yourself, without calling it": "{what} 调用了 {used[0]}：这个练习是要你自己写出来，而不是调用它。",
    "{what} returned None: did you forget the `return` line?": "{what} 返回了 None：是不是忘了写 `return` 那一行？",
    "{what} changed its argument {name} in place (for example with `-=`, `/=`, `[...] =` or an in-place method): the caller's data must stay as it was. Work on a new array instead (`x = x - m`, or `x.clone()` / `x.copy()` first)": "{what} 原地修改了参数 {name}（比如用了 `-=`、`/=`、`[...] =` 或某个原地操作的方法）：调用者的数据必须保持原样。改在一个新数组上计算（`x = x - m`，或者先 `x.clone()` / `x.copy()`）。",
    "number {i + 1}": "#{i + 1}",
    "your function({args})": "你的函数({args})",  # the call of a lambda, in every message that quotes the call  # an argument without a name, in the in-place message
}

# ---------------------------------------------------------------- lesson00.py
_LESSON00 = {
    "split my appetite": "分配我的胃口",
    "{what} contains NaN or infinity: divide by the total number of bites (never 0 here)": "{what} 含有 NaN 或无穷大：用咬的总口数去除（这里它不会是 0）。",
    "{what} returned the bites unchanged: divide each one by the total number of bites": "{what} 原样返回了每道菜咬的口数：把每个数除以咬的总口数。",
    "{what} divided by the largest entry; divide by the total instead so the shares sum to 1": "{what} 除以的是最大的那一项；改成除以总数，份额的和才是 1。",
    "{what} divided by the number of dishes ({len(bites)}); divide by the total number of bites instead": "{what} 除以的是菜的道数（{len(bites)}）；改成除以咬的总口数。",
    "{what} is a softmax of the bites (exponentials): here just divide each entry by the total": "{what} 对口数做了 softmax（取了指数）：这里只需要把每一项除以总数。",
    "the shares of {what} sum to {shares.sum():.3f}, they must sum to 1": "{what} 的份额之和是 {shares.sum():.3f}，它们的和必须是 1。",
    "your shares are positive and sum to 1, like attention weights.": "你的份额都是正数，加起来等于 1，和注意力权重一样。",
}

# ---------------------------------------------------------------- lesson01.py
_LESSON01 = {
    "the library's softmax": "库里的 softmax",
    "the temperature for 80/20": "80/20 的温度",
    "{what} returned an array of shape {got.shape}: return one number, the temperature": "{what} 返回了一个形状为 {got.shape} 的数组：应该返回一个数，也就是温度。",
    "{what} = {tau:.4g}: log(share) alone is negative; the two weights' RATIO is share / (1 - share)": "{what} = {tau:.4g}：单独的 log(share) 是负数；要用的是两个权重之比 share / (1 - share)。",
    "{what} = {tau:.4g}: a temperature is a positive number (the scores are divided by it)": "{what} = {tau:.4g}：温度是正数（分数要除以它）。",
    "{what}: your formula is upside down; the gap is divided by tau, so tau = gap / log(ratio)": "{what}：你的公式上下颠倒了；是分差除以 tau，所以 tau = gap / log(ratio)。",
    "{what}: you multiplied the gap by log(ratio); exp(gap / tau) = ratio gives tau = gap / log(ratio)": "{what}：你把分差乘上了 log(ratio)；由 exp(gap / tau) = ratio 得到 tau = gap / log(ratio)。",
    "{what}: you took log10; softmax uses e, so take the natural log (np.log)": "{what}：你用了 log10；softmax 用的是 e，所以要取自然对数（np.log）。",
    "{what}: you forgot the log; exp(gap / tau) = ratio gives tau = gap / log(ratio)": "{what}：你忘了取对数；由 exp(gap / tau) = ratio 得到 tau = gap / log(ratio)。",
    "{what} = {tau:.4g}: at that temperature the first dish gets {reached:.1%} of the appetite, not {share:.1%} (a temperature within 0.1% of the right one passes)": "{what} = {tau:.4g}：在这个温度下，第一道菜分到 {reached:.1%} 的胃口，而不是 {share:.1%}（和正确温度相差不到 0.1% 就算对）。",
    "tau = gap / log(share / (1 - share)): the colder, the larger the best dish's share.": "tau = gap / log(share / (1 - share))：温度越低，最好的那道菜分得越多。",
    "the library's scaled_dot_product_attention_np": "库里的 scaled_dot_product_attention_np",
    "score every dish": "给每道菜打分",
    "{what} multiplied flavour by flavour but did not add up: sum over the flavours too (features @ query)": "{what} 把口味逐项相乘了，却没有加起来：还要对各个口味求和（features @ query）。",
    "{what} added up over the dishes (axis 0): add up over the flavours, one score per dish": "{what} 沿着菜的方向（axis 0）加了起来：应该沿口味相加，每道菜得到一个分数。",
    "{what} added up everything into one number: sum over the flavours only (axis=-1)": "{what} 把所有数加成了一个数：只对口味求和（axis=-1）。",
    "you returned softmax weights: this step only scores the dishes, the softmax comes next": "你返回的是 softmax 权重：这一步只给菜打分，softmax 是下一步的事。",
    "you divided by sqrt(d) = sqrt({d}): that comes in lesson 02; here a score is just the dot product": "你除以了 sqrt(d) = sqrt({d})：这是第 02 课的内容；这里的分数就是点积本身。",
    "one dot product per dish: the bigger, the better the dish matches my taste.": "每道菜一个点积：分数越大，这道菜越合我的口味。",
    "softmax with a temperature": "带温度的 softmax",
    "{what}: your columns sum to 1, not your rows. Take the softmax over the last axis (axis=-1)": "{what}：和为 1 的是你的列，不是行。沿最后一个轴（axis=-1）做 softmax。",
    "{what}: you divided by the sum of ALL entries; divide each row by its own sum (axis=-1, keepdims=True)": "{what}：你除以的是全部元素的和；应该让每一行除以它自己的和（axis=-1, keepdims=True）。",
    "{what}: the weights of a row sum to {got.sum(axis=-1).round(3).tolist()}, they must sum to 1": "{what}：每行权重之和是 {got.sum(axis=-1).round(3).tolist()}，它们的和必须是 1。",
    "{what}: you multiplied by the temperature; divide the scores by it (a low temperature must sharpen)": "{what}：你乘上了温度；应该把分数除以温度（温度低时分布必须更尖锐）。",
    "{what}: the temperature made no difference; divide the scores by it before the softmax": "{what}：温度没有起任何作用；在 softmax 之前把分数除以温度。",
    "softmax_t(scores near {offset:g}, shape (2, 3))": "softmax_t(scores near {offset:g}, shape (2, 3))",
    "{what} overflows (exp(1000) is inf): subtract the largest score first, it does not change the weights": "{what} 溢出了（exp(1000) 是 inf）：先减去最大的分数，这不会改变权重。",
    "positive weights summing to 1 along each row; low temperature sharpens, high flattens.": "每一行的权重都是正数、和为 1；温度低时分布变尖锐，温度高时变平坦。",
    "soft lookup: the meal I end up with": "软查找——我最后吃到的饭",
    "{what} returned a tuple of {len(result)}: return only the meal ({d_v},), the weighted sum of values": "{what} 返回了一个有 {len(result)} 个元素的元组：只返回这顿饭（形状 ({d_v},)），也就是值的加权和。",
    "{what} returned the weights {(n,)}: the meal is the weighted sum of the values, weights @ values": "{what} 返回的是权重 {(n,)}：这顿饭是值的加权和，weights @ values。",
    "{what} weighted each value but did not add them up: weights @ values sums over the dishes": "{what} 给每个值加了权，却没有加起来：weights @ values 会沿菜的方向求和。",
    "{what} mixed the keys: the meal is a weighted sum of the VALUES {values.shape}": "{what} 混合的是键：这顿饭是对值 {values.shape} 的加权和。",
    "you mixed the values with the raw scores: turn the scores into weights with a softmax first": "你用原始分数去混合值：先用 softmax 把分数变成权重。",
    "you averaged the weighted values (divided by n = {n}): the weights already sum to 1, just add them up": "你对加权后的值又求了平均（除以了 n = {n}）：权重的和已经是 1，直接加起来就行。",
    "you returned only the best dish's value, a hard lookup: mix ALL the values, weighted by the softmax": "你只返回了最好那道菜的值，这是硬查找：要用 softmax 权重把全部的值混合起来。",
    "you multiplied the scores by the temperature: divide them by it": "你把分数乘上了温度：应该除以温度。",
    "the temperature made no difference: divide the scores by it before the softmax": "温度没有起任何作用：在 softmax 之前把分数除以温度。",
    "you divided by sqrt(d) = sqrt({d}) as well: in this lesson divide by the temperature only": "你还除以了 sqrt(d) = sqrt({d})：这一课只除以温度。",
    "your meal is the softmax-weighted sum of the values: attention with one query.": "这顿饭就是用 softmax 权重对值求的加权和，也就是只有一个查询的注意力。",
}

# ---------------------------------------------------------------- lesson02.py
_LESSON02 = {
    "the library's scaled_dot_product_attention": "库里的 scaled_dot_product_attention",
    "torch's F.scaled_dot_product_attention": "torch 的 F.scaled_dot_product_attention",
    "forgot to divide the scores by sqrt(d_k): the weights are softmax(Q K^T), expected softmax(Q K^T / sqrt(d_k)) with d_k = {d_k}": "忘了把分数除以 sqrt(d_k)：你的权重是 softmax(Q K^T)，应该是 softmax(Q K^T / sqrt(d_k))，其中 d_k = {d_k}",
    "divided the scores by d_k = {d_k} instead of by sqrt(d_k) = sqrt({d_k})": "把分数除以了 d_k = {d_k}，应该除以 sqrt(d_k) = sqrt({d_k})",
    "multiplied the scores by sqrt(d_k) instead of dividing by it (d_k = {d_k})": "把分数乘上了 sqrt(d_k)，应该除以它（d_k = {d_k}）",
    "divided the weights by sqrt(d_k) AFTER the softmax, so the rows no longer sum to 1: divide the SCORES by sqrt(d_k), then take the softmax": "在 softmax 之后才把权重除以 sqrt(d_k)，每行的和就不再是 1：先把分数除以 sqrt(d_k)，再做 softmax",
    "softmax over the wrong axis: your COLUMNS sum to 1, but each ROW (one query) must sum to 1. Use softmax(scores, axis=-1) (over the keys)": "softmax 的轴不对：和为 1 的是你的列，而每一行（一个查询）的和必须是 1。用 softmax(scores, axis=-1)（沿着键）",
    "softmax over the whole matrix (all entries together sum to 1): each ROW (one query) must sum to 1, use softmax(scores, axis=-1)": "softmax 作用在了整个矩阵上（全部元素加起来为 1）：每一行（一个查询）的和必须是 1，用 softmax(scores, axis=-1)",
    "divided by sqrt(T_k) = sqrt({T_k}), the number of keys: scale by sqrt(d_k) = sqrt({d_k}), the size of each query/key vector (Q.shape[-1])": "除以了 sqrt(T_k) = sqrt({T_k})，这是键的个数：应该除以 sqrt(d_k) = sqrt({d_k})，即每个查询/键向量的长度（Q.shape[-1]）",
    "divided by sqrt(T_q) = sqrt({T_q}), the number of queries: scale by sqrt(d_k) = sqrt({d_k}), the size of each query/key vector (Q.shape[-1])": "除以了 sqrt(T_q) = sqrt({T_q})，这是查询的个数：应该除以 sqrt(d_k) = sqrt({d_k})，即每个查询/键向量的长度（Q.shape[-1]）",
    "K is not transposed: the scores are Q @ K.T (each query dotted with each key), you used Q @ K": "K 没有转置：分数是 Q @ K.T（每个查询和每个键做点积），你用的是 Q @ K",
    "the scores are K @ Q.T (rows = keys): use Q @ K.T so rows are queries and columns keys": "分数成了 K @ Q.T（行是键）：用 Q @ K.T，让行对应查询、列对应键",
    "{what} contain NaN": "{what} 含有 NaN。",
    "these are the scaled scores, not weights: apply softmax over the keys (axis=-1)": "这些是缩放后的分数，还不是权重：沿着键（axis=-1）做 softmax。",
    "each row of {what} should sum to 1 (one query splits its appetite over all keys), your row sums are {np.round(row_sums, 3).tolist()}": "{what} 的每一行之和应该是 1（一个查询把胃口分给全部的键），你的行和是 {np.round(row_sums, 3).tolist()}。",
    "attention weights softmax(Q K^T / sqrt(d_k))": "注意力权重 softmax(Q K^T / sqrt(d_k))",
    "weights for Q {Q.shape}, K {K.shape}": "Q {Q.shape}、K {K.shape} 的权重",
    "{what} have shape {result.shape}, expected (T_q, T_k) = {(T_q, T_k)}: one ROW per query and one column per key, so compute Q @ K.T (not K @ Q.T)": "{what} 的形状是 {result.shape}，应该是 (T_q, T_k) = {(T_q, T_k)}：每个查询一行、每个键一列，所以要算 Q @ K.T（不是 K @ Q.T）。",
    "your weights are softmax(Q K^T / sqrt(d_k)) with one row per query, and every row sums to 1.": "你的权重就是 softmax(Q K^T / sqrt(d_k))：每个查询一行，每行的和都是 1。",
    "{wrong}. Test for a missing mask with `if mask is not None:`, not `if mask:`": "{wrong}。判断掩码是否缺省要用 `if mask is not None:`，不要用 `if mask:`。",
    "return a tuple (output, weights), got {type(result).__name__}": "应该返回一个元组 (output, weights)，但得到的是 {type(result).__name__}。",
    "output": "输出",
    "weights": "权重",
    "weights ({label})": "权重（{label}）",
    "output ({label})": "输出（{label}）",
    "you returned (weights, output): return (output, weights), in that order": "你返回的是 (weights, output)：按 (output, weights) 的顺序返回。",
    "your output is the weights {(T_q, T_k)}: the output is the weighted sum of the values, weights @ V {(T_q, d_v)}": "你的输出就是权重 {(T_q, T_k)}：输出是值的加权和，weights @ V {(T_q, d_v)}。",
    "query {row} may attend to no key at all (its mask row is all False) and you return NaN: a fully masked row must give zero weights and a zero output (attention.softmax does that)": "查询 {row} 不能关注任何键（它那一行掩码全是 False），你却返回了 NaN：被完全掩蔽的行必须给出全零的权重和全零的输出（attention.softmax 就是这样做的）。",
    "the mask is ignored ({label}): set the scores where mask is False to -inf before the softmax": "掩码被忽略了（{label}）：在 softmax 之前把 mask 为 False 处的分数设成 -inf。",
    "you zeroed the masked weights AFTER the softmax, so the rows no longer sum to 1: mask the scores (-inf where mask is False) BEFORE the softmax": "你在 softmax 之后才把被掩蔽的权重置零，每行的和就不再是 1：要在 softmax 之前掩蔽分数（mask 为 False 处设为 -inf）。",
    "the mask is applied with the wrong sense: True means 'may attend', so block the keys where mask is False (np.where(mask, scores, -np.inf)), not where it is True": "掩码的含义用反了：True 表示“可以关注”，所以要挡住 mask 为 False 的键（np.where(mask, scores, -np.inf)），而不是为 True 的键。",
    "query {row} may attend to no key at all (its mask row is all False), so its weights must all be 0 and its output 0; yours are {np.round(weights[row], 3).tolist()} (a -1e9 fill spreads the weight evenly: use -inf and attention.softmax)": "查询 {row} 不能关注任何键（它那一行掩码全是 False），所以它的权重必须全为 0，输出也为 0；你的是 {np.round(weights[row], 3).tolist()}（用 -1e9 填充会把权重平均摊开：改用 -inf 和 attention.softmax）。",
    "masked weights must be exactly 0 ({label}), yours go up to {np.nanmax(np.abs(masked)):.2e}": "被掩蔽的权重必须恰好为 0（{label}），你的最大到了 {np.nanmax(np.abs(masked)):.2e}。",
    "with mask=None every weight is 0 (or NaN): np.where(None, scores, -np.inf) masks everything. Apply the mask only `if mask is not None:`": "mask=None 时每个权重都是 0（或 NaN）：np.where(None, scores, -np.inf) 会把一切都掩蔽掉。只在 `if mask is not None:` 时使用掩码。",
    "output ({label}), the weighted sum weights @ V,": "输出（{label}），即加权和 weights @ V，",
    "scaled dot-product attention with a mask": "带掩码的缩放点积注意力",
    "no mask": "没有掩码",
    "padding mask": "填充掩码",
    "causal mask": "因果掩码",
    "mask with a fully masked row": "有一行被完全掩蔽的掩码",
    "a random mask {mask.shape}": "一个随机掩码 {mask.shape}",
    "output and weights match attention.scaled_dot_product_attention_np, with masks and fully masked rows.": "输出和权重都与 attention.scaled_dot_product_attention_np 一致，带掩码、有整行被掩蔽时也一样。",
}

# ---------------------------------------------------------------- lesson03.py
_LESSON03 = {
    "each row of the weights should sum to 1 (softmax over the keys); your row sums are {sums}": "权重的每一行之和应该是 1（沿着键做 softmax）；你的行和是 {sums}。",
    "the weights are right up to the scale: divide the scores by sqrt(d_k) = sqrt({d_k}) before the softmax": "权重只差一个缩放：在 softmax 之前把分数除以 sqrt(d_k) = sqrt({d_k})。",
    "d_v = {d_v}, the size of the values": "d_v = {d_v}，值的长度",
    "d = {d}, the size of X's rows": "d = {d}，X 每一行的长度",
    "you divided by sqrt({name}): scale by sqrt(d_k) = sqrt({d_k}), the size of the queries and keys (K.shape[-1])": "你除以了 sqrt({name})：应该除以 sqrt(d_k) = sqrt({d_k})，即查询和键的长度（K.shape[-1]）。",
    "queries and keys are swapped: row i holds query i's scores, Q @ K.T (Q = X @ W_q, K = X @ W_k)": "查询和键弄反了：第 i 行是查询 i 的分数，Q @ K.T（Q = X @ W_q，K = X @ W_k）。",
    "your weights are transposed: row i should be query i (what token i attends to)": "你的权重被转置了：第 i 行应该对应查询 i（词元 i 关注什么）。",
    "the keys must come from W_k (K = X @ W_k); you used W_q for both queries and keys": "键必须来自 W_k（K = X @ W_k）；你的查询和键都用了 W_q。",
    "self-attention from one sequence": "一个序列的自注意力",
    "weights for X of shape {(T, d)}": "形状为 {(T, d)} 的 X 的权重",
    "your weights contain NaN": "你的权重含有 NaN。",
    "your weights' COLUMNS sum to 1: take the softmax over the keys, the last axis (dim=-1), so each ROW sums to 1": "你的权重是每一列的和为 1：沿着键、也就是最后一个轴（dim=-1）做 softmax，让每一行的和为 1。",
    "the output mixes the raw embeddings X: mix the values V = X @ W_v instead (weights @ V)": "输出混合的是原始嵌入 X：应该混合值 V = X @ W_v（weights @ V）。",
    "output for X of shape {(T, d)} and W_v of shape {(d, d_v)}": "X 的形状为 {(T, d)}、W_v 的形状为 {(d, d_v)} 时的输出",
    "output for X of shape {(T, d)}": "X 的形状为 {(T, d)} 时的输出",
    "Q, K and V all come from the same tokens: that is self-attention.": "Q、K、V 全部来自同一组词元：这就是自注意力。",
    "a per-token layer tanh(X @ W)": "逐词元的一层 tanh(X @ W)",
    "LayerNorm of every token": "对每个词元做 LayerNorm",
    "a softmax over the tokens (each column sums to 1)": "沿词元方向的 softmax（每一列的和为 1）",
    "self-attention, then a per-token layer": "自注意力，再接一个逐词元的层",
    "self-attention with positions added, f(X) = attention(X + P)": "加上位置之后的自注意力，f(X) = attention(X + P)",
    "a running mean (token t averages tokens 0..t)": "累积平均（词元 t 是词元 0..t 的平均）",
    "self-attention with the output rows in reverse order": "输出行顺序颠倒的自注意力",
    "a per-token layer whose output features are rotated by the token's position": "一个逐词元的层，它的输出特征按词元的位置旋转",
    "causal self-attention (token t sees tokens 0..t)": "因果自注意力（词元 t 只看词元 0..t）",
    "self-attention plus a position vector added to its output": "自注意力，输出再加上一个位置向量",
    "a per-token layer with a bump added at position {r} only": "一个逐词元的层，只在位置 {r} 加了一个凸起",
    "is it permutation-equivariant?": "它是置换等变的吗？",
    "is_permutation_equivariant(f = {name}, X {tuple(X.shape)}, perm)": "is_permutation_equivariant(f = {name}, X {tuple(X.shape)}, perm)",  # the call, with the layer named in Chinese
    "you returned {tuple(answer.shape)} element-by-element comparisons: return ONE True or False for the whole function, e.g. with torch.allclose(a, b, atol=1e-6)": "你返回了 {tuple(answer.shape)} 个逐元素比较的结果：应该对整个函数只返回一个 True 或 False，比如用 torch.allclose(a, b, atol=1e-6)。",
    "return True or False (one answer for the whole function), got {type(answer).__name__}": "返回 True 或 False（对整个函数只给一个答案），但得到的是 {type(answer).__name__}。",
    "{name} IS permutation-equivariant but you said False. Compare f(X[perm]) with f(X)[perm] (the same outputs, moved the same way), not with f(X) and not with the inverse permutation; and use torch.allclose, since sums taken in another order differ in the last digits.": "{name} 是置换等变的，你却判断为 False。应该比较 f(X[perm]) 和 f(X)[perm]（同样的输出，按同样的方式挪动），而不是和 f(X) 比，也不是用逆置换；还要用 torch.allclose，因为换个顺序求和，最后几位数字会不同。",
    "{name} is NOT permutation-equivariant but you said True: compare the whole outputs f(X[perm]) and f(X)[perm] (not their sums, sorted values or any other summary that forgets where each number sits)": "{name} 不是置换等变的，你却判断为 True：要比较完整的输出 f(X[perm]) 和 f(X)[perm]（不要比较它们的和、排序后的值，或任何会丢掉每个数所在位置的概括）。",
    "you can now test any layer for permutation equivariance.": "现在你能检验任何一层是不是置换等变的了。",
}

# ---------------------------------------------------------------- lesson04.py
_LESSON04 = {
    "the library's split_heads": "库里的 split_heads",
    "the library's merge_heads": "库里的 merge_heads",
    "the library's MultiHeadAttention": "库里的 MultiHeadAttention",
    "torch's nn.MultiheadAttention": "torch 的 nn.MultiheadAttention",
    "split into heads": "拆分成多个头",
    "split_heads(x of shape {(B, T, d_model)}, {h})": "split_heads(x of shape {(B, T, d_model)}, {h})",
    "you returned shape {got.shape} = (B, T, h, d_k): move the head axis before T with .transpose(1, 2), expected (B, h, T, d_k) = {(B, h, T, d_k)}": "你返回的形状是 {got.shape} = (B, T, h, d_k)：用 .transpose(1, 2) 把头所在的轴移到 T 前面，应该是 (B, h, T, d_k) = {(B, h, T, d_k)}。",
    "split_heads(x of shape {(B, T, d_model)}, num_heads={h}) has shape {got.shape}, expected (B, h, T, d_k) = {expected.shape}": "split_heads(x of shape {(B, T, d_model)}, num_heads={h}) 的形状是 {got.shape}，应该是 (B, h, T, d_k) = {expected.shape}。",
    "you reshaped straight to (B, h, T, d_k) without a transpose: then one head's 'token' rows hold features of DIFFERENT tokens, and heads mix positions. Reshape to (B, T, h, d_k) first, then .transpose(1, 2).": "你没有转置就直接 reshape 成了 (B, h, T, d_k)：这样一个头的“词元”行里装的是不同词元的特征，各个头把位置混在了一起。先 reshape 成 (B, T, h, d_k)，再 .transpose(1, 2)。",
    "head 0 takes every h-th feature (0, h, 2h, ...): each head should take one contiguous block of d_k features. Reshape to (B, T, h, d_k), not (B, T, d_k, h).": "头 0 拿到的是每隔 h 个的特征（0, h, 2h, ...）：每个头应该拿一段连续的 d_k 个特征。reshape 成 (B, T, h, d_k)，不是 (B, T, d_k, h)。",
    "each head gets its own block of d_k features for every token.": "对每个词元，每个头都拿到自己的一段 d_k 个特征。",
    "merge the heads": "合并多个头",
    "merge_heads(x of shape {(B, h, T, d_k)})": "merge_heads(x of shape {(B, h, T, d_k)})",
    "you returned shape {got.shape}: also flatten the last two axes into h * d_k = {h * d_k} with .reshape(B, T, h * d_k)": "你返回的形状是 {got.shape}：还要用 .reshape(B, T, h * d_k) 把最后两个轴展平成 h * d_k = {h * d_k}。",
    "merge_heads(x of shape {(B, h, T, d_k)}) has shape {got.shape}, expected (B, T, h * d_k) = {expected.shape}": "merge_heads(x of shape {(B, h, T, d_k)}) 的形状是 {got.shape}，应该是 (B, T, h * d_k) = {expected.shape}。",
    "you reshaped (B, h, T, d_k) straight to (B, T, h * d_k) without a transpose: the rows you built glue together different tokens of one head. First .transpose(1, 2) to (B, T, h, d_k), then reshape.": "你没有转置就把 (B, h, T, d_k) 直接 reshape 成了 (B, T, h * d_k)：这样拼出来的行把同一个头里不同词元的特征粘在了一起。先 .transpose(1, 2) 变成 (B, T, h, d_k)，再 reshape。",
    "the features are interleaved (head 0's first, head 1's first, ...): put head 0's d_k features first, then head 1's. Transpose to (B, T, h, d_k), not (B, T, d_k, h).": "特征交错在了一起（头 0 的第一个、头 1 的第一个……）：先放头 0 的 d_k 个特征，再放头 1 的。转置成 (B, T, h, d_k)，不是 (B, T, d_k, h)。",
    "round trip": "往返一次的结果",
    "merge_heads(split_heads(x))": "merge_heads(split_heads(x))",
    "merge_heads undoes split_heads: the heads' outputs sit side by side, ready for W_O.": "merge_heads 撤销了 split_heads：各个头的输出并排放好，可以交给 W_O 了。",
    "count the parameters": "数一数参数",
    "you forgot W_O, the output projection: four (d, d) weight matrices, not three": "你漏了输出投影 W_O：一共四个 (d, d) 权重矩阵，不是三个",
    "you forgot the biases: each of the four nn.Linear layers also has d_model biases": "你漏了偏置：四个 nn.Linear 层各自还有 d_model 个偏置",
    "you forgot W_O and the biases": "你漏了 W_O 和偏置",
    "each head does NOT get its own full (d, d) matrices: head i uses a (d, d_k = {d_k}) slice of W_Q, W_K and W_V, so the total does not depend on the number of heads": "每个头并没有自己完整的 (d, d) 矩阵：头 i 用的是 W_Q、W_K 和 W_V 中一块 (d, d_k = {d_k}) 的切片，所以总数和头的个数无关",
    "you counted one head only: all h heads together use the full (d, d) matrices": "你只数了一个头：所有 h 个头合起来才用满 (d, d) 矩阵",
    "you counted one head's W_Q, W_K, W_V only: all h heads together use full (d, d) matrices": "你只数了一个头的 W_Q、W_K、W_V：所有 h 个头合起来才用满 (d, d) 矩阵",
    "count_parameters({d}, {h}) = {got}: {mistakes[got]}": "count_parameters({d}, {h}) = {got}：{mistakes[got]}。",
    "count_parameters({d}, {h}) = {got}, expected {right}: W_Q, W_K, W_V, W_O each have a (d, d) weight and d biases": "count_parameters({d}, {h}) = {got}，应该是 {right}：W_Q、W_K、W_V、W_O 各有一个 (d, d) 的权重和 d 个偏置。",
    "4·d² + 4·d, whatever the number of heads: more heads cost no more parameters.": "4·d² + 4·d，不管有几个头：头多了，参数并不会变多。",
}

# ---------------------------------------------------------------- lesson05.py
_LESSON05 = {
    "the library's sinusoidal_positions": "库里的 sinusoidal_positions",
    "the library's PositionalEncoding": "库里的 PositionalEncoding",
    "torch's layer_norm (F.layer_norm or nn.LayerNorm)": "torch 的 layer_norm（F.layer_norm 或 nn.LayerNorm）",
    "torch.layer_norm": "torch.layer_norm",
    "sinusoidal positional encoding": "正弦位置编码",
    "positional_encoding({T}, {d})": "positional_encoding({T}, {d})",
    "Build a (T, d_model/2) table of angles by broadcasting a column of positions (T, 1) against a row of frequencies, then fill the even and odd columns.": "用广播把一列位置 (T, 1) 和一行频率相乘，得到一张 (T, d_model/2) 的角度表，再填进偶数列和奇数列。",
    "positional_encoding({T}, {d}) has shape ({d}, {T}): transposed. One ROW per position: (T, d_model)": "positional_encoding({T}, {d}) 的形状是 ({d}, {T})：转置了。每个位置占一行：(T, d_model)。",
    "sin and cos are swapped: even features (0, 2, 4, ...) use sin, odd features use cos": "sin 和 cos 放反了：偶数特征（0, 2, 4, ...）用 sin，奇数特征用 cos。",
    "you put all the sines first, then all the cosines: interleave them (sin in column 2i, cos in 2i+1)": "你先放了全部的 sin，再放全部的 cos：要让它们交错排列（第 2i 列放 sin，第 2i+1 列放 cos）。",
    "columns 2i and 2i+1 must share ONE frequency 1/10000^(2i/d_model): use the even index 2i for both": "第 2i 列和第 2i+1 列必须共用同一个频率 1/10000^(2i/d_model)：两列都用偶数下标 2i。",
    "the exponent is 2i/d_model, not i/d_model: with i = 0, 1, 2, ... counting the pairs, use 2 * i (or two_i = torch.arange(0, d_model, 2))": "指数是 2i/d_model，不是 i/d_model：i = 0, 1, 2, ... 数的是第几对，所以用 2 * i（或者 two_i = torch.arange(0, d_model, 2)）。",
    "the angle is t / 10000^(2i/d_model): you multiplied by 10000^(2i/d_model) instead of dividing": "角度是 t / 10000^(2i/d_model)：你乘上了 10000^(2i/d_model)，应该除以它。",
    "your positions are shifted by one: the first row is position t = 0 (sin 0 = 0, cos 0 = 1)": "你的位置错开了一位：第一行是位置 t = 0（sin 0 = 0，cos 0 = 1）。",
    "your encodings match attention.sinusoidal_positions.": "你的编码和 attention.sinusoidal_positions 一致。",
    "layer normalisation": "层规范化",
    "layer_norm(x, eps={eps})": "layer_norm(x, eps={eps})",
    "layer_norm(x of shape {tuple(x.shape)}, eps={eps:g})": "layer_norm(x of shape {tuple(x.shape)}, eps={eps:g})",
    "you got NaN or inf for a token whose {d} features are all equal (variance 0): add eps INSIDE the sqrt": "对一个 {d} 个特征全都相等（方差为 0）的词元，你得到了 NaN 或 inf：把 eps 加在 sqrt 的里面。",
    "you ignored the eps argument: this call passed eps={eps:g}, and your result is the one for eps={other:g}. Use the eps you are given inside the square root": "你没有用参数 eps：这次调用传的是 eps={eps:g}，而你的结果对应的是 eps={other:g}。在平方根里用传给你的 eps。",
    "use the plain (biased) variance mean((x - mu)^2), not torch.var's default unbiased one: unbiased=False": "用普通的（有偏）方差 mean((x - mu)^2)，而不是 torch.var 默认的无偏方差：unbiased=False",
    "eps goes inside the square root: (x - mu) / sqrt(var + eps)": "eps 应该放在平方根里面：(x - mu) / sqrt(var + eps)",
    "divide by the standard deviation sqrt(var + eps), not by the variance": "要除以标准差 sqrt(var + eps)，不是除以方差",
    "subtract the mean first: (x - mu) / sqrt(var + eps)": "先减去均值：(x - mu) / sqrt(var + eps)",
    "you normalised over axis {axis}: normalise each token vector over the LAST axis (d_model)": "你沿着轴 {axis} 做了规范化：要沿最后一个轴（d_model）对每个词元向量做规范化。",
    "your LayerNorm matches torch.nn.functional.layer_norm: every token vector has mean 0 and variance 1.": "你的 LayerNorm 和 torch.nn.functional.layer_norm 一致：每个词元向量的均值为 0、方差为 1。",
    "FFN reads old x": "FFN 读的是旧的 x",
    "that is the post-LN block of the 2017 paper, LN(x + sublayer(x)): here normalise BEFORE each sub-layer, x + sublayer(LN(x))": "这是 2017 年论文里的 post-LN 块，LN(x + sublayer(x))：这里要在每个子层之前做规范化，x + sublayer(LN(x))",
    "the mask is ignored: pass mask=mask to block.self_attn, or every position sees the future": "掩码被忽略了：把 mask=mask 传给 block.self_attn，否则每个位置都能看到未来",
    "the residual connections are missing: ADD each sub-layer's output to x (x = x + ...)": "残差连接不见了：把每个子层的输出加回到 x 上（x = x + ...）",
    "you stopped after attention: add the feed-forward step x = x + block.ffn(block.ln3(x))": "你在注意力之后就停下了：还要加上前馈这一步 x = x + block.ffn(block.ln3(x))",
    "add the sub-layer's output to the ORIGINAL x, not to ln1(x): x = x + attn(ln1(x))": "子层的输出要加到原来的 x 上，不是加到 ln1(x) 上：x = x + attn(ln1(x))",
    "the first residual is missing: x = x + block.self_attn(block.ln1(x), mask=mask)[0] (you replaced x by the attention output)": "第一个残差不见了：x = x + block.self_attn(block.ln1(x), mask=mask)[0]（你用注意力的输出替换了 x）",
    "the second residual is missing: return x + block.ffn(block.ln3(x)), not just the FFN output": "第二个残差不见了：返回 x + block.ffn(block.ln3(x))，而不只是 FFN 的输出",
    "the feed-forward step must read the UPDATED x (after the attention residual): x = x + attn(...) first, then x + block.ffn(block.ln3(x)) with that new x": "前馈这一步必须读更新后的 x（加上注意力残差之后）：先 x = x + attn(...)，再用这个新的 x 算 x + block.ffn(block.ln3(x))",
    "use block.ln3 before the feed-forward network (ln1 belongs to attention)": "前馈网络之前用 block.ln3（ln1 是给注意力用的）",
    "assemble a pre-LN block": "组装一个 pre-LN 块",
    "block(x, mask=mask), the whole block": "block(x, mask=mask)，整个块",
    "your block equals attention.TransformerBlock: LN, attention, residual; LN, FFN, residual.": "你的块和 attention.TransformerBlock 一致：LN、注意力、残差；LN、FFN、残差。",
}

# ---------------------------------------------------------------- lesson06.py
_LESSON06 = {
    "the library's additive_scores": "库里的 additive_scores",
    "the library's additive_attention": "库里的 additive_attention",
    "the tanh is missing: score = v . tanh(q W_q + k W_k), the tanh comes before the product with v": "少了 tanh：score = v . tanh(q W_q + k W_k)，先做 tanh，再和 v 相乘。",
    "the tanh is in the wrong place: apply it to q W_q + k W_k (a d_a-vector), then take the product with v": "tanh 放错了位置：先对 q W_q + k W_k（一个 d_a 维向量）做 tanh，再和 v 相乘。",
    "you multiplied q W_q and k W_k: Bahdanau's score ADDS them (that is why it is called additive)": "你把 q W_q 和 k W_k 相乘了：Bahdanau 的评分是把它们相加（所以叫加性注意力）。",
    "you summed the hidden layer: weigh it with v instead, tanh(...) @ v": "你把隐藏层直接求和了：应该用 v 给它加权，tanh(...) @ v。",
    "you returned the weights (a softmax): return the scores, before any softmax": "你返回的是权重（做过 softmax）：应该返回分数，还没做 softmax 的那些。",
    "the scores are divided by sqrt(d_a): additive scores are not scaled": "分数被除以了 sqrt(d_a)：加性评分不做缩放。",
    "W_q and W_k are swapped: the query (decoder state) goes through w_q, the keys through w_k": "W_q 和 W_k 放反了：查询（解码器状态）乘 w_q，键乘 w_k。",
    "additive scores, vectorised": "加性评分，向量化",
    "scores": "分数",
    "scores have shape {got.shape} = (B, T_k, T_q): one ROW per query, one column per key": "分数的形状是 {got.shape} = (B, T_k, T_q)：应该每个查询占一行，每个键占一列。",
    "scores have shape {got.shape}, expected (B, T_q, T_k) = {(B, T_q, T_k)}": "分数的形状是 {got.shape}，应该是 (B, T_q, T_k) = {(B, T_q, T_k)}。",
    "the scores are transposed: row i should hold query i's score against every key": "分数转置了：第 i 行应该是查询 i 对每个键的分数。",
    "Give q W_q an axis for the keys and k W_k one for the queries (unsqueeze or None) and let broadcasting add every pair.": "给 q W_q 加一个键的轴，给 k W_k 加一个查询的轴（unsqueeze 或 None），让广播把每一对加起来。",
    "every query against every key in one broadcast: (B, T_q, 1, d_a) + (B, 1, T_k, d_a), tanh, then v.": "一次广播就让每个查询对上每个键：(B, T_q, 1, d_a) + (B, 1, T_k, d_a)，做 tanh，再乘 v。",
}

# ---------------------------------------------------------------- lesson07.py
_LESSON07 = {
    "cross-attention": "交叉注意力",
    "you returned (weights, output): return them in the order (output, weights)": "你返回的是 (weights, output)：按 (output, weights) 的顺序返回。",
    "weights have shape {weights.shape} = (B, T_in, T_out): queries and keys are swapped. Queries come from the DECODER (dec @ w_q: what I need to write next), keys and values from the ENCODER (enc).": "权重的形状是 {weights.shape} = (B, T_in, T_out)：查询和键弄反了。查询来自解码器（dec @ w_q：我接下来要写什么），键和值来自编码器（enc）。",
    "weights have shape {weights.shape} = (B, T_out, T_out): that is self-attention over the decoder. Keys and values come from the encoder output enc (what the input says).": "权重的形状是 {weights.shape} = (B, T_out, T_out)：这是解码器上的自注意力。键和值要来自编码器的输出 enc（输入说了什么）。",
    "weights for dec {tuple(dec.shape)}, enc {tuple(enc.shape)}": "dec {tuple(dec.shape)}、enc {tuple(enc.shape)} 的权重",
    "each COLUMN of your weights sums to 1: take the softmax over the keys (the last axis, T_in)": "你的权重是每一列的和为 1：沿着键（最后一个轴 T_in）做 softmax。",
    "each row of the weights (one output position) should sum to 1: softmax over the last axis": "权重的每一行（一个输出位置）之和应该是 1：沿最后一个轴做 softmax。",
    "you divided the scores by d_k = {q.shape[-1]}: divide by its square root, sqrt(d_k)": "你把分数除以了 d_k = {q.shape[-1]}：应该除以它的平方根 sqrt(d_k)。",
    "queries and keys are swapped: queries come from the DECODER (dec @ w_q), keys and values from the ENCODER": "查询和键弄反了：查询来自解码器（dec @ w_q），键和值来自编码器",
    "the keys come from the decoder, as in self-attention over the decoder: keys (and values) come from the encoder output, k = enc @ w_k": "键来自解码器，成了解码器上的自注意力：键（和值）要来自编码器的输出，k = enc @ w_k",
    "the weights are right but the values come from the decoder: v = enc @ w_v (what each INPUT position says)": "权重是对的，但值来自解码器：v = enc @ w_v（每个输入位置说了什么）。",
    "queries from the decoder, keys and values from the encoder: one row per output position, one column per input.": "查询来自解码器，键和值来自编码器：每个输出位置一行，每个输入位置一列。",
    "mask the source padding": "掩蔽源序列的填充",
    "the padded source positions still get weight: padding was ignored. Set their scores to -inf first.": "源序列里的填充位置仍然分到了权重：填充被忽略了。先把它们的分数设成 -inf。",
    "padded positions get 0 but the rows no longer sum to 1: you zeroed the weights AFTER the softmax. Mask the scores (-inf) BEFORE the softmax.": "填充位置得到了 0，但每行的和不再是 1：你在 softmax 之后才把权重置零。要在 softmax 之前掩蔽分数（设为 -inf）。",
    "you filled the padded scores with 0: a score of 0 still gets weight after the softmax. Fill with -inf.": "你把填充位置的分数填成了 0：分数为 0 在 softmax 之后仍然会分到权重。填 -inf。",
    "all the weight sits on the padding: the mask is inverted (pad_id={pad_id} marks positions to IGNORE)": "权重全部落在了填充上：掩码反了（pad_id={pad_id} 标记的是要忽略的位置）。",
    "your weights contain NaN: a softmax over a slice that is all -inf. Take the softmax over the last axis (the input positions T_in): every row has real input positions.": "你的权重含有 NaN：对一段全是 -inf 的切片做了 softmax。沿最后一个轴（输入位置 T_in）做 softmax：每一行都有真实的输入位置。",
    "padded positions (where src == pad_id={pad_id}) must get weight 0, yours get up to {worst:.3f}": "填充位置（src == pad_id={pad_id} 的地方）的权重必须是 0，你的最大到了 {worst:.3f}。",
    "the decoder never looks at padding, and every row still sums to 1.": "解码器从不看填充，而且每一行的和仍然是 1。",
    "teacher forcing: shift the target right": "强制教学：把目标右移一位",
    "decoder input": "解码器输入",
    "decoder input has shape {got.shape}: it must keep the target's length T={T}. Put <bos> in front and drop the LAST target token (nothing is predicted after <eos>).": "解码器输入的形状是 {got.shape}：它必须保持目标的长度 T={T}。在前面放 <bos>，并去掉目标的最后一个词元（<eos> 之后不再预测任何东西）。",
    "the decoder input equals the target: not shifted, so the decoder would see the token it must predict": "解码器输入和目标一模一样：没有移位，解码器就会看到它要预测的那个词元。",
    "you shifted LEFT: the decoder input must be <bos> followed by the target without its last token": "你向左移了：解码器输入必须是 <bos> 后面接去掉最后一个词元的目标。",
    "you overwrote the first target token with <bos>: shift instead, <bos> followed by target[:, :-1]": "你用 <bos> 覆盖了目标的第一个词元：要移位，<bos> 后面接 target[:, :-1]。",
    "the first decoder input must be <bos> (bos_id={bos_id}), got {got[:, 0].astype(int).tolist()}": "解码器的第一个输入必须是 <bos>（bos_id={bos_id}），得到的是 {got[:, 0].astype(int).tolist()}。",
    "position t of the decoder sees <bos> and the target up to t - 1, and learns to predict target[t].": "解码器的位置 t 看到 <bos> 和目标的前 t - 1 个位置，学着预测 target[t]。",
}

# ---------------------------------------------------------------- lesson08.py
_LESSON08 = {
    "you returned a weight ({float(result):.3f}), not where it is: use argmax() to get the position of the largest weight, then divmod it into (layer, head)": "你返回的是一个权重（{float(result):.3f}），不是它所在的位置：用 argmax() 找到最大权重的位置，再用 divmod 把它拆成 (layer, head)。",
    "you returned the flat index {flat}: turn it into (layer, head) with divmod({flat}, num_heads={h})": "你返回的是展平后的下标 {flat}：用 divmod({flat}, num_heads={h}) 把它变成 (layer, head)。",
    "return a pair (layer, head), got the single number {flat}": "应该返回一对 (layer, head)，但得到的是单独一个数 {flat}。",
    "return a pair (layer, head) of ints, got {result!r:.60}": "应该返回一对整数 (layer, head)，但得到的是 {result!r:.60}。",
    "you found where '{case.key}' looks at '{case.query}': row = the query (the word doing the looking), column = the key, so read attentions[:, :, tokens.index(query), tokens.index(key)]": "你找的是 '{case.key}' 看 '{case.query}' 的地方：行是查询（在看的那个词），列是键，所以要读 attentions[:, :, tokens.index(query), tokens.index(key)]。",
    "'{case.query}' occurs twice in {case.tokens} and you used a later one: take the first occurrence, tokens.index(query)": "'{case.query}' 在 {case.tokens} 里出现了两次，你用的是后面那一次：取第一次出现的位置，tokens.index(query)。",
    "you divided the flat index {flat} by the number of layers ({L}): divmod(index, num_heads), with num_heads = attentions.shape[1] = {h}": "你把展平后的下标 {flat} 除以了层数（{L}）：应该是 divmod(index, num_heads)，其中 num_heads = attentions.shape[1] = {h}。",
    "layer and head are swapped: you returned ({layer}, {head}), the order is (layer, head)": "层和头弄反了：你返回的是 ({layer}, {head})，顺序应该是 (layer, head)。",
    "that is the head with the SMALLEST weight: use argmax, not argmin": "这是权重最小的那个头：用 argmax，不是 argmin。",
    "({layer}, {head}) is not a head of these weights: they have {L} layers of {h} heads": "({layer}, {head}) 不是这些权重里的头：它们有 {L} 层，每层 {h} 个头。",
    "({layer}, {head}) is not it: there '{case.query}' gives '{case.key}' {float(case.attentions[layer, head, q, k]):.3f}, but another head gives it {float(case.attentions[case.answer][q, k]):.3f}": "({layer}, {head}) 不对：在那里 '{case.query}' 给 '{case.key}' 的权重是 {float(case.attentions[layer, head, q, k]):.3f}，而另一个头给的是 {float(case.attentions[case.answer][q, k]):.3f}。",
    "find the head where one word looks at another": "找出一个词看向另一个词的那个头",
    "layer 2, head 1 is where 'it' looks most at 'dog' in the test weights (and the right head in two fresh cases).": "在测试权重里，'it' 最看重 'dog' 的是第 2 层的第 1 个头（在两个新的随机例子里你也找到了正确的头）。",
}

# ---------------------------------------------------------------- lesson09.py
_LESSON09 = {
    "the library's online_softmax_update": "库里的 online_softmax_update",
    "the library's online_softmax": "库里的 online_softmax",
    "the library's kv_cache_bytes": "库里的 kv_cache_bytes",
    "the first chunk (running max -inf, running sum 0)": "第一块（运行最大值为 -inf，运行和为 0）",
    "a later chunk": "后面的一块",
    "large scores": "很大的分数",
    "a fresh case with {R} rows and chunks of {C}": "一个新的随机例子，{R} 行，每块 {C} 个",
    "one step of the online softmax": "在线 softmax 的一步",
    "return a tuple (new_max, new_sum), got {type(result).__name__}": "应该返回一个元组 (new_max, new_sum)，但得到的是 {type(result).__name__}。",
    "new_max": "new_max",
    "new_sum": "new_sum",
    "for {what} with {R} rows, new_max and new_sum should have shape ({R},), got {got_m.shape} and {got_s.shape}": "对{what}（{R} 行），new_max 和 new_sum 的形状应该是 ({R},)，得到的是 {got_m.shape} 和 {got_s.shape}。",
    "new_max is the chunk's max only: it must be the max of the running max AND the chunk's max": "new_max 只是这一块的最大值：它必须既考虑运行最大值，也考虑这一块的最大值，取两者中较大的。",
    "new_max for {what}": "{what}的 new_max",
    "new_sum for {what} is {got_s.round(3).tolist()}: subtract new_max (not the old running max, which can be -inf) inside exp, so every exponent is <= 0": "{what}的 new_sum 是 {got_s.round(3).tolist()}：在 exp 里减去 new_max（不是旧的运行最大值，它可能是 -inf），这样每个指数都 <= 0。",
    "the old sum was not rescaled: multiply running_sum by exp(running_max - new_max) before adding": "旧的和没有重新缩放：在相加之前把 running_sum 乘以 exp(running_max - new_max)",
    "the rescale factor is upside down: use exp(running_max - new_max), which is <= 1": "缩放因子颠倒了：用 exp(running_max - new_max)，它 <= 1",
    "exp of raw scores overflows for large scores: subtract new_max inside exp (and rescale the old sum)": "分数很大时，直接对原始分数取 exp 会溢出：在 exp 里减去 new_max（并重新缩放旧的和）",
    "the chunk's exponentials must be relative to new_max too: exp(chunk - new_max[:, None]), not the chunk's own max": "这一块的指数也必须相对于 new_max：exp(chunk - new_max[:, None])，不是相对于这一块自己的最大值",
    "new_sum for {what}": "{what}的 new_sum",
    "your update keeps the running max and the rescaled sum exactly like attention.online_softmax_update.": "你的更新和 attention.online_softmax_update 完全一样，保留了运行最大值和重新缩放后的和。",
    "how big is the KV cache?": "KV 缓存有多大？",
    "the number of bytes {what} returned": "{what} 返回的字节数",
    "the cache holds keys AND values: multiply by 2": "缓存里既存键也存值，要乘以 2",
    "you counted numbers, not bytes: multiply by bytes_per_value={nbytes}": "你数的是数字个数，不是字节数：要乘以 bytes_per_value={nbytes}",
    "that is bits, not bytes: don't multiply by 8": "这是比特数，不是字节数：不要乘以 8",
    "every layer keeps its own keys and values: multiply by num_layers={num_layers}": "每一层都保存自己的键和值：要乘以 num_layers={num_layers}",
    "every sequence in the batch has its own cache: multiply by batch={batch}": "批量里的每个序列都有自己的缓存：要乘以 batch={batch}",
    "each of the num_kv_heads={num_kv_heads} key/value heads is cached: multiply by it": "num_kv_heads={num_kv_heads} 个键/值头每个都要缓存：要乘以它",
    "multiply by num_layers={num_layers} AND num_kv_heads={num_kv_heads}: every layer caches every kv head": "既要乘以 num_layers={num_layers}，也要乘以 num_kv_heads={num_kv_heads}：每一层都缓存每一个 kv 头",
    "for {described}: {message}": "对于 {described}：{message}。",
    "for {described}, bytes_per_value={nbytes} you return {got} bytes, expected {want}": "对于 {described}，bytes_per_value={nbytes} 时你返回的是 {got} 字节，应该是 {want}。",
    "your count matches attention.kv_cache_bytes: 2 (K and V) x batch x seq_len x layers x kv heads x head_dim x bytes.": "你的计数和 attention.kv_cache_bytes 一致：2（K 和 V）x batch x seq_len x 层数 x kv 头数 x head_dim x 字节数。",
}

# ---------------------------------------------------------------- lesson10.py
_LESSON10 = {
    "you turned every pair clockwise: the second coordinate is a*sin + b*cos, the first a*cos - b*sin (counter-clockwise, like multiplying by e^{{i angle}})": "你把每一对都按顺时针转了：第二个坐标是 a*sin + b*cos，第一个是 a*cos - b*sin（逆时针，就像乘以 e^{{i angle}}）",
    "you paired feature i with feature i + d/2 (the 'rotate_half' layout of Hugging Face's LLaMA): this lesson pairs neighbours (0, 1), (2, 3), ... as in lesson 05": "你把特征 i 和特征 i + d/2 配成了一对（Hugging Face 的 LLaMA 里 'rotate_half' 的排法）：这一课把相邻的特征配对，(0, 1)、(2, 3)、……，和第 05 课一样",
    "every pair turns by the same angle: pair i must turn by position * 10000^(-2i/d), the first pair fastest": "每一对都转了同样的角度：第 i 对必须转 position * 10000^(-2i/d)，第一对转得最快",
    "the frequencies are 10000^(-i/d): use 10000^(-2i/d) (i counts pairs, 2i is the feature index)": "频率是 10000^(-i/d)：应该用 10000^(-2i/d)（i 数的是第几对，2i 是特征的下标）",
    "the frequencies are in reverse order: pair 0 turns fastest (1 radian per position), the last pair slowest": "频率的顺序反了：第 0 对转得最快（每个位置 1 弧度），最后一对最慢",
    "the positions are off by one: the token at position p turns by p * omega, so position 0 is not turned": "位置错开了一位：位置 p 上的词元转 p * omega，所以位置 0 不转",
    "the angle must be position * omega, not position / omega": "角度必须是 position * omega，不是 position / omega",
    "the position was ignored: each row must turn by its own position * omega": "位置被忽略了：每一行必须按它自己的 position * omega 转",
    "the input came back unturned: multiply by cos and sin of the angles": "输入原样返回，没有转：要乘以角度的 cos 和 sin",
    "{what} should be an array of numbers, got {type(x).__name__}": "{what} 应该是一个由数字组成的数组，但得到的是 {type(x).__name__}。",
    "rotate the pairs (RoPE)": "旋转每一对特征（RoPE）",
    "your rotated x": "你旋转后的 x",
    "for x of shape {(T, d)} you return shape {got.shape}: return the turned x, the same shape": "对形状为 {(T, d)} 的 x，你返回的形状是 {got.shape}：返回转过的 x，形状不变。",
    "for x of shape {(T, d)} your answer contains NaN or inf": "对形状为 {(T, d)} 的 x，你的答案含有 NaN 或 inf。",
    "for x of shape {(T, d)}, positions {positions.tolist()}: the lengths are right (a rotation) but not the angles or pairs; pair (2i, 2i+1) turns by position * 10000^(-2i/d)": "对形状为 {(T, d)} 的 x、位置 {positions.tolist()}：长度是对的（是一个旋转），但角度或配对不对；第 (2i, 2i+1) 对转 position * 10000^(-2i/d)。",
    "for x of shape {(T, d)}, positions {positions.tolist()}: at row {where[0]}, feature {where[1]} you have {got[where]:.4f}, expected {want[where]:.4f}": "对形状为 {(T, d)} 的 x、位置 {positions.tolist()}：在第 {where[0]} 行、第 {where[1]} 个特征处你的是 {got[where]:.4f}，应该是 {want[where]:.4f}。",
    "your RoPE equals attention.apply_rope: neighbouring features turn together, pair i by position x 10000^(-2i/d).": "你的 RoPE 和 attention.apply_rope 一致：相邻的特征一起转，第 i 对转 position x 10000^(-2i/d)。",
    "window off by one: each query sees {window + 1} keys; it must see the last window={window} keys, itself included (keys p-window+1 .. p)": "窗口差了一个：每个查询看到了 {window + 1} 个键；它必须看到最后 window={window} 个键，包括它自己（键 p-window+1 .. p）",
    "window off by one: each query sees only {window - 1} keys; it must see the last window={window} keys, itself included (keys p-window+1 .. p)": "窗口差了一个：每个查询只看到了 {window - 1} 个键；它必须看到最后 window={window} 个键，包括它自己（键 p-window+1 .. p）",
    "the query itself is missing: the window ends AT the query (keys p-window+1 .. p)": "查询自己不见了：窗口的终点就是查询本身（键 p-window+1 .. p）",
    "the window looks into the future: a decoder only sees keys j <= p": "窗口看到了未来：解码器只能看到 j <= p 的键",
    "the mask is upside down: True means 'may attend' (as in torch's scaled_dot_product_attention)": "掩码上下颠倒了：True 表示“可以关注”（和 torch 的 scaled_dot_product_attention 一样）",
    "the num_sinks={num_sinks} first keys are missing: every query may also attend to them": "前 num_sinks={num_sinks} 个键不见了：每个查询也都可以关注它们",
    "a sink is visible before it exists: the first keys are sinks only for queries at or after them (j <= p)": "sink 在出现之前就被看到了：前几个键只对位于它们之后（或就在它们那里）的查询才算 sink（j <= p）",
    "the sliding-window mask": "滑动窗口掩码",
    "return a boolean tensor of shape (T, T), got {type(result).__name__}": "应该返回一个形状为 (T, T) 的布尔张量，但得到的是 {type(result).__name__}。",
    "for T={T}, window={window}, num_sinks={num_sinks}": "T={T}、window={window}、num_sinks={num_sinks} 时",
    "{what} your mask has shape {result.shape}, expected ({T}, {T}): one row per query, one column per key": "{what}，你的掩码形状是 {result.shape}，应该是 ({T}, {T})：每个查询一行，每个键一列。",
    "{what} your mask has dtype {result.dtype}: return booleans (True = may attend); torch adds a float mask to the scores instead of masking, e.g. compare with <= and combine with &, |": "{what}，你的掩码的 dtype 是 {result.dtype}：要返回布尔值（True = 可以关注）；浮点掩码会被 torch 加到分数上，而不是用来掩蔽。比如用 <= 比较，再用 &、| 组合。",
    "{what}: {message}": "{what}：{message}。",
    "{what}: query {rows[0]} and key {cols[0]} should be {bool(want[rows[0], cols[0]])}, you have {bool(result[rows[0], cols[0]])}": "{what}：查询 {rows[0]} 和键 {cols[0]} 应该是 {bool(want[rows[0], cols[0]])}，你的是 {bool(result[rows[0], cols[0]])}。",
    "your mask equals attention.sliding_window_mask: the last `window` keys up to the query, plus the sinks.": "你的掩码和 attention.sliding_window_mask 一致：到查询为止的最后 `window` 个键，再加上 sink。",
    "MLA's cache per token": "MLA 每个词元的缓存",
    "return one number of bytes, got {type(got).__name__}": "应该返回一个字节数，但得到的是 {type(got).__name__}。",
    "for seq_len={seq_len}, num_layers={layers}, latent_dim={latent}, rope_dim={rope}, bytes_per_value={nbytes}": "seq_len={seq_len}、num_layers={layers}、latent_dim={latent}、rope_dim={rope}、bytes_per_value={nbytes} 时",
    "one latent serves keys AND values: it is cached once, not twice": "一个潜在向量同时服务于键和值：它只缓存一次，不是两次",
    "one latent serves keys AND values: cache it once (and the rotary key once)": "一个潜在向量同时服务于键和值：只缓存一次（旋转位置的键也只缓存一次）",
    "the shared rotary key (rope_dim={rope} numbers) is cached too": "共享的旋转位置键（rope_dim={rope} 个数）也要缓存",
    "every layer caches its own latent: multiply by num_layers={layers}": "每一层都缓存自己的潜在向量：要乘以 num_layers={layers}",
    "that is one token's cache: multiply by seq_len={seq_len}": "这是一个词元的缓存：要乘以 seq_len={seq_len}",
    "{what}: you return {got:.0f} bytes, expected {want}": "{what}：你返回的是 {got:.0f} 字节，应该是 {want}。",
    "your count matches attention.latent_cache_bytes: seq_len x layers x (latent_dim + rope_dim) x bytes.": "你的计数和 attention.latent_cache_bytes 一致：seq_len x 层数 x (latent_dim + rope_dim) x 字节数。",
}

# ---------------------------------------------------------------- lesson11.py
_LESSON11 = {
    "the library's taste_query": "库里的 taste_query",
    "the library's recommend": "库里的 recommend",
    "the library's image_to_patches": "库里的 image_to_patches",
    "pool my past orders": "汇总我过去点过的菜",
    "return a tuple (query, weights), got {type(result).__name__}": "应该返回一个元组 (query, weights)，但得到的是 {type(result).__name__}。",
    "the query": "查询",
    "the weights": "权重",
    "you returned (weights, query): the order is (query, weights)": "你返回的是 (weights, query)：顺序应该是 (query, weights)。",
    "the query has shape {first.shape}: you weighted each order but did not add them up. Sum over the orders: weights @ past gives shape (d,)": "查询的形状是 {first.shape}：你给每一单加了权，却没有加起来。沿着订单求和：weights @ past 的形状是 (d,)。",
    "query for past {past.shape}": "past {past.shape} 的查询",
    "weights for past {past.shape}": "past {past.shape} 的权重",
    "the weights should sum to 1 (softmax over the past orders), yours sum to {weights.sum():.4f}": "权重之和应该是 1（对过去的订单做 softmax），你的和是 {weights.sum():.4f}。",
    "every past order got the same weight: that is a plain average, not attention. Score the orders first.": "每一单过去的订单分到的权重都一样：这是简单平均，不是注意力。先给订单打分。",
    "the weights are right up to the scale: divide the scores by sqrt(d) = sqrt({d}) before the softmax": "权重只差一个缩放：在 softmax 之前把分数除以 sqrt(d) = sqrt({d})。",
    "you divided by sqrt(T_h) = sqrt({T_h}), the number of past orders: divide by sqrt(d) = sqrt({d}), the length of one flavour vector (past.shape[1])": "你除以了 sqrt(T_h) = sqrt({T_h})，这是过去订单的个数：应该除以 sqrt(d) = sqrt({d})，即一个口味向量的长度（past.shape[1]）。",
    "the query is just the highest-weighted order: take the weighted sum of ALL past orders": "查询只是权重最大的那一单：要对全部过去的订单求加权和。",
    "the query ignores the weights (a plain average or sum of the orders): weight each order by its attention weight, weights @ past": "查询没有用到权重（是订单的简单平均或求和）：用每一单的注意力权重给它加权，weights @ past。",
    "your taste query pools the past orders with attention, just like attention.taste_query.": "你的口味查询用注意力汇总了过去的订单，和 attention.taste_query 一样。",
    "cut an image into patches": "把图像切成小块",
    "Reshape to (B, H/p, p, W/p, p), permute the axes, and reshape again.": "reshape 成 (B, H/p, p, W/p, p)，交换轴的顺序（permute），再 reshape 一次。",
    "patches of size {p} from images {tuple(images.shape)}": "从图像 {tuple(images.shape)} 切出的大小为 {p} 的小块",
    "your patch 0 is {got[0, 0].astype(int).tolist()}: pixels of one image ROW, not a {p}x{p} square. Reshape to (B, H/{p}, {p}, W/{p}, {p}) and permute so the two {p}-axes sit next to each other.": "你的第 0 块是 {got[0, 0].astype(int).tolist()}：这是图像同一行里的像素，不是一个 {p}x{p} 的方块。reshape 成 (B, H/{p}, {p}, W/{p}, {p})，再 permute，让两个长度为 {p} 的轴挨在一起。",
    "your patches are numbered column by column: number them row by row (left to right, then down)": "你的小块是按列编号的：要按行编号（从左到右，再往下）。",
    "the pixels inside each {p}x{p} patch are transposed: read each patch row by row": "每个 {p}x{p} 小块里的像素被转置了：每一块要按行读取。",
    "patches of size {p}": "大小为 {p} 的小块",
    "your patches match attention.image_to_patches: each one becomes a token.": "你的小块和 attention.image_to_patches 一致：每一块都变成一个词元。",
}

# ---------------------------------------------------------------- lesson12.py
_LESSON12 = {
    "the patches an object covers": "物体覆盖的小块",
    "{what} has shape {got.shape}: flatten the (row, column) grid row by row into ({N},)": "{what} 的形状是 {got.shape}：把 (行, 列) 网格按行展平成 ({N},)。",
    "{what} returned the patch numbers {numbers.tolist()}: right patches, but return a True/False vector of length N = {N} instead (True for each patch the box overlaps)": "{what} 返回的是小块的编号 {numbers.tolist()}：小块是对的，但要改为返回一个长度为 N = {N} 的 True/False 向量（框覆盖到的每一块为 True）。",
    "{what} should hold True/False (or 1/0) for each patch, got values like {odd}": "{what} 应该对每一块给出 True/False（或 1/0），得到的值却像 {odd}。",
    "{what}: your patches are numbered column by column; number them row by row (patch = row * grid + column)": "{what}：你的小块是按列编号的；要按行编号（patch = row * grid + column）。",
    "{what}: a box that ends exactly on a patch edge does not reach the next patch. Pixels {top}..{bottom - 1} are covered, so a patch starting at pixel {bottom} is not: use < , not <=": "{what}：一个恰好结束在小块边缘的框，碰不到下一块。被覆盖的是像素 {top}..{bottom - 1}，所以从像素 {bottom} 开始的那一块不算：用 < ，不要用 <=。",
    "{what}: you marked only the patch of the top-left corner, but the box spans {int(expected.sum())} patches (every patch it overlaps, even a little)": "{what}：你只标出了左上角所在的那一块，但这个框跨了 {int(expected.sum())} 块（它碰到的每一块都算，哪怕只碰到一点）。",
    "{what}: patches {missing} are missing and {extra} should not be there (expected {np.flatnonzero(expected).tolist()})": "{what}：少了小块 {missing}，多了小块 {extra}（应该是 {np.flatnonzero(expected).tolist()}）。",
    "your patches match attention.box_patches: now we can ask how much of a word's attention lands on them.": "你的小块和 attention.box_patches 一致：现在可以问一个词的注意力有多少落在它们上面了。",
    "DETR's matching cost": "DETR 的匹配代价",
    "the cost for {Q} queries and {T} objects": "{Q} 个查询和 {T} 个物体的代价",
    "{what} has shape {got.shape} = (objects, queries): put one ROW per query, one column per object": "{what} 的形状是 {got.shape} = (objects, queries)：应该每个查询一行，每个物体一列。",
    "the class term uses the raw scores (logits): turn them into probabilities with a softmax over the classes first": "类别项用的是原始分数（logits）：先沿类别做 softmax，把它们变成概率",
    "the softmax runs over the queries (dim 0): take it over the classes, the last axis": "softmax 沿的是查询（dim 0）：要沿类别，也就是最后一个轴",
    "the class term has the wrong sign: a query that is SURE of the object's class should make the match cheaper, so subtract the probability": "类别项的符号反了：一个对物体类别很有把握的查询应该让这次匹配更便宜，所以要减去概率",
    "the IoU term has the wrong sign: boxes that overlap more should make the match cheaper, so subtract 2 * IoU": "IoU 项的符号反了：重叠越多的框应该让匹配越便宜，所以要减去 2 * IoU",
    "the IoU term is missing: subtract 2 * box_iou(...) as well": "IoU 项不见了：还要减去 2 * box_iou(...)",
    "the box distance is the mean of the four differences: DETR's L1 distance is their SUM": "框的距离用了四个差的平均值：DETR 的 L1 距离是它们的和",
    "the box distance is squared (L2): use the L1 distance, the sum of absolute differences": "框的距离取了平方（L2）：用 L1 距离，也就是绝对差之和",
    "the L1 distance has weight 1: multiply it by 5": "L1 距离的系数是 1：要乘以 5",
    "your cost matrix matches attention.matching_cost: the Hungarian algorithm can now pick the cheapest pairs.": "你的代价矩阵和 attention.matching_cost 一致：现在匈牙利算法可以挑出代价最小的配对了。",
}

# ---------------------------------------------------------------- lesson13.py
_LESSON13 = {
    "the best answer span": "最佳答案区间",
    "best_span for {len(start)} passage words with max_answer={max_answer}": "best_span（文章 {len(start)} 个词，max_answer={max_answer}）",
    "{what}: return two positions (start, end), got {type(result).__name__} of shape {pair.shape}": "{what}：应该返回两个位置 (start, end)，得到的是形状为 {pair.shape} 的 {type(result).__name__}。",
    "{what}: return the word positions (integers), got {pair.tolist()}; positions, not scores": "{what}：应该返回词的位置（整数），得到的是 {pair.tolist()}；要的是位置，不是分数。",
    "{what}: you returned (end, start) = ({i}, {j}); return (start, end)": "{what}：你返回的是 (end, start) = ({i}, {j})；应该返回 (start, end)。",
    "{what}: your answer ends (word {j}) before it starts (word {i}). Taking the best start and the best end separately can do that: score every PAIR start <= end and keep the best pair": "{what}：你的答案在开始（第 {i} 个词）之前就结束了（第 {j} 个词）。分别取最好的开始和最好的结束就会这样：给每一对 start <= end 打分，保留最好的一对。",
    "{what}: your span {i}..{j} has {j - i + 1} words, one more than max_answer={max_answer}: the end must satisfy end < start + max_answer": "{what}：你的区间 {i}..{j} 有 {j - i + 1} 个词，比 max_answer={max_answer} 多了一个：结束位置必须满足 end < start + max_answer。",
    "{what}: your span {i}..{j} is {j - i + 1} words long, more than max_answer={max_answer}": "{what}：你的区间 {i}..{j} 长 {j - i + 1} 个词，超过了 max_answer={max_answer}。",
    "{what} ({kind} case): you returned ({i}, {j}) with score {start[i] + end[j]:.3f}, but ({expected[0]}, {expected[1]}) scores {start[expected[0]] + end[expected[1]]:.3f}": "{what}（{kind} 例子）：你返回的是 ({i}, {j})，得分 {start[i] + end[j]:.3f}，但 ({expected[0]}, {expected[1]}) 的得分是 {start[expected[0]] + end[expected[1]]:.3f}。",
    "your spans match: the best start-end pair with the start first and at most max_answer words.": "你的区间都对：开始在前、最多 max_answer 个词、得分最高的那一对 start-end。",
    "mix generating and copying": "把生成和复制混合起来",
    "mix for {T_out} output steps, {T_in} input tokens and {V} tokens in all": "mix（{T_out} 个输出步、{T_in} 个输入词元、共 {V} 个词元）",
    "you added each copy weight to the token NUMBERED like its input position (copy[:, i] onto token i): add it onto the token the input holds there, src[i]": "你把每个复制权重加到了编号等于其输入位置的词元上（copy[:, i] 加到词元 i 上）：要加到输入在那个位置上的词元 src[i] 上",
    "the input holds token {src[0]} twice (positions 0 and {T_in - 1}) and your result keeps only one of its copy weights: ADD the weights (+=, np.add.at or scatter_add), don't overwrite": "输入里词元 {src[0]} 出现了两次（位置 0 和 {T_in - 1}），你的结果只保留了它的一个复制权重：要把权重加起来（+=、np.add.at 或 scatter_add），不要覆盖",
    "generating and copying are swapped: p_gen is the share of GENERATING (word_probs), 1 - p_gen the share of copying": "生成和复制弄反了：p_gen 是生成（word_probs）所占的份额，1 - p_gen 是复制所占的份额",
    "the copy weights are not multiplied by (1 - p_gen)": "复制权重没有乘以 (1 - p_gen)",
    "the word probabilities are not multiplied by p_gen": "词的概率没有乘以 p_gen",
    "{what}: each row is a probability distribution over all {V} tokens and should sum to 1; yours sum to {np.round(sums, 3).tolist()}": "{what}：每一行都是对全部 {V} 个词元的概率分布，和应该是 1；你的和是 {np.round(sums, 3).tolist()}。",
    "your mixture matches: p_gen of the words plus (1 - p_gen) of the pointer's weights, added onto their tokens.": "你的混合结果是对的：p_gen 乘以词的概率，加上 (1 - p_gen) 乘以指针的权重，加到它们对应的词元上。",
}

# ---------------------------------------------------------------- predict.py
_PREDICT = {
    "write your prediction (a number) before you run the experiment, then run this cell.": "在运行实验之前写下你的预测（一个数），再运行这个单元格。",
    "a prediction here is a number between {low:g} and {high:g}, got {prediction!r:.40}": "这里的预测是 {low:g} 到 {high:g} 之间的一个数，得到的是 {prediction!r:.40}。",
    "a prediction here is one number between {low:g} and {high:g}, got {type(prediction).__name__}": "这里的预测是 {low:g} 到 {high:g} 之间的一个数，得到的是 {type(prediction).__name__}。",
    "a prediction here lies between {low:g} and {high:g}, got {guess:g}": "这里的预测应该在 {low:g} 到 {high:g} 之间，得到的是 {guess:g}。",
    "your prediction {guess:g} is within {tolerance:g} of what the run measured. {why}": "你的预测 {guess:g} 和实验测出的结果相差不超过 {tolerance:g}。{why}",
    "your prediction {guess:g} is more than {tolerance:g} away: the run measured {direction} (see its output above). {why}": "你的预测 {guess:g} 相差超过了 {tolerance:g}：实验测出的结果{direction}（见上面的输出）。{why}",
    "write your prediction, one of {choices}, before you run the experiment.": "在运行实验之前写下你的预测，从 {choices} 中选一个。",
    "a prediction here is one of {choices}, got {prediction!r:.40}": "这里的预测是 {choices} 中的一个，得到的是 {prediction!r:.40}。",
    "you predicted {measured!r}, and so it came out. {why}": "你预测的是 {measured!r}，结果正是这样。{why}",
    "you predicted {prediction.strip().lower()!r}, the run shows {measured!r}. {why}": "你预测的是 {prediction.strip().lower()!r}，实验显示的是 {measured!r}。{why}",
    "your prediction raised {type(error).__name__}: {error}": "你的预测抛出了 {type(error).__name__}: {error}。",
    "lower": "更低",  # {direction}
    "higher": "更高",
}

CATALOGUE: dict[str, str] = {
    **_CORE,
    **_LOOPS,
    **_RUN,
    **_LESSON00,
    **_LESSON01,
    **_LESSON02,
    **_LESSON03,
    **_LESSON04,
    **_LESSON05,
    **_LESSON06,
    **_LESSON07,
    **_LESSON08,
    **_LESSON09,
    **_LESSON10,
    **_LESSON11,
    **_LESSON12,
    **_LESSON13,
    **_PREDICT,
}

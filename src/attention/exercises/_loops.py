"""Finding Python loops in a learner's function, for the exercises that ask for none.

Taught in notebooks/05_transformer_block.ipynb and 11_attention_everywhere.ipynb (exercises "without loops").
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import types

from ._core import Wrong

_LOOP_CALLS = {"map", "vectorize", "apply_along_axis", "frompyfunc"}


def _loops_in(fn, seen: set) -> tuple[str, int] | None:
    """(what, line) of the first Python loop in ``fn`` or a helper of the learner's it calls, if its source is known."""
    fn = inspect.unwrap(fn)
    if not isinstance(fn, types.FunctionType) or fn.__code__ in seen:
        return None
    seen.add(fn.__code__)
    try:
        source = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return None  # no source to read (or a lambda inside a longer line): nothing to say
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.AsyncFor)):
            return "a `for` loop", node.lineno
        if isinstance(node, ast.While):
            return "a `while` loop", node.lineno
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return "a comprehension (a loop in brackets)", node.lineno
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in _LOOP_CALLS:
                return f"{name}(), a loop in disguise", node.lineno
    for name in fn.__code__.co_names:  # helpers the learner wrote next to it
        helper = fn.__globals__.get(name)
        if isinstance(helper, types.FunctionType) and helper.__module__ == fn.__module__:
            found = _loops_in(helper, seen)
            if found:
                return f"{found[0]} in {name}()", found[1]
    return None


def expect_no_loops(fn, name: str, advice: str) -> None:
    """Report a Python loop in an exercise that asks for none (checked on the source, where it can be read)."""
    found = _loops_in(fn, set())
    if found:
        raise Wrong(
            f"{name} uses {found[0]} (line {found[1]} of its definition): this exercise asks for no Python loops. {advice}"
        )

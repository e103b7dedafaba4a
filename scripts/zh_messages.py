"""List the checkers' English message templates and which ones the Chinese catalogue lacks.

    python -m scripts.zh_messages --missing     # templates with no entry in src/attention/exercises/zh.py
    python -m scripts.zh_messages --all         # every template, with file:line

A template is a message as written in the source, each f-string ``{expression}`` kept as a placeholder. It is
read with ``ast`` from the checker modules in ``src/attention/exercises/``: the messages of ``Wrong(...)`` and
``CheckResult(exercise, status, message)``, the names in ``@checker("...")``, the strings a checker returns on
success, the English ``what`` words handed to ``as_array`` / ``expect_shape`` / ``expect_close`` / ``as_count`` /
``call(what=...)``, the ``advice`` of ``expect_no_loops``, and the crash hints and loop descriptions of
``_run.py`` / ``_loops.py``. ``tests/test_zh_messages.py`` fails with the same list, so whoever adds a checker
knows which lines to add to the catalogue.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "src" / "attention" / "exercises"
SKIP = {"__init__.py", "zh.py"}

_CONVERSIONS = {-1: "", 115: "!s", 114: "!r", 97: "!a"}
# function name -> position of its `what` argument (an English word such as "weights" when it is a plain string)
_WHAT_ARGS = {"as_array": 1, "as_count": 1, "expect_shape": 2, "expect_close": 2}


@dataclass(frozen=True)
class Template:
    text: str  # the message with {expression} placeholders
    path: str  # relative to the repository
    line: int
    kind: str  # message, name, success, what, advice, hint, fragment, label, phrase

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _texts(node: ast.AST) -> list[str] | None:
    """The template(s) a string expression can produce; None when it is not a string written in the source."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [_escape(node.value)]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(_escape(value.value))
            else:
                spec = ""
                if value.format_spec is not None:
                    spec = ":" + "".join(
                        v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                        for v in value.format_spec.values
                    )
                parts.append("{" + ast.unparse(value.value) + _CONVERSIONS[value.conversion] + spec + "}")
        return ["".join(parts)]
    if isinstance(node, ast.IfExp):
        body, orelse = _texts(node.body), _texts(node.orelse)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left), _texts(node.right)
        return None if left is None or right is None else [a + b for a in left for b in right]
    return None


def _name(func: ast.AST) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _checker_name(decorator: ast.AST) -> ast.AST | None:
    if isinstance(decorator, ast.Call) and _name(decorator.func) == "checker" and decorator.args:
        return decorator.args[0]
    return None


def _returns(function: ast.FunctionDef):
    """Return statements of ``function`` itself (not of functions nested in it)."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return) and node.value is not None:
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))


_NOT_SHOWN = {"UsageError", "Shortcut", "expect_callable", "search", "compile", "match", "sub", "getattr", "hasattr"}
_NOT_SHOWN_FUNCTIONS = {"describe", "describe_call", "_parameter_names", "__repr__", "_repr_html_"}
_NOT_SHOWN_NAMES = {"_HINTS", "_WORDS", "_ICONS", "_COLOURS"}  # argument kinds and shapes: code, not prose
_PHRASE = re.compile(r"[A-Za-z']+ [A-Za-z']+")


def _phrases(tree: ast.AST, covered: list[ast.AST]):
    """Other strings with English words in them (two words in a row): descriptions and diagnoses that checkers
    build first and put into a message later (``what``, a table of typical mistakes, a shortcut's label)."""
    skip: set[int] = set()

    def mark(node):
        skip.update(id(n) for n in ast.walk(node))

    for node in covered:
        mark(node)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                mark(body[0])  # docstring
            if getattr(node, "name", None) in _NOT_SHOWN_FUNCTIONS:
                mark(node)
        elif isinstance(node, ast.Call) and _name(node.func) in _NOT_SHOWN:
            mark(node)
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) in _NOT_SHOWN_NAMES for t in node.targets):
            mark(node)
        elif isinstance(node, ast.Compare):  # `"truth value" in str(wrong)`: a test, not a message
            mark(node)
        elif isinstance(node, ast.Subscript):  # messages["no mask"]: a key (a long one is a message: mistakes[f"..."])
            if isinstance(node.slice, ast.Constant) and len(str(node.slice.value).split()) < 4:
                mark(node.slice)
        elif isinstance(node, ast.Dict):  # short keys label the cases ("no FFN", "columns first"); long ones are messages
            for key in node.keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and len(key.value.split()) < 4:
                    mark(key)
        elif isinstance(node, ast.JoinedStr):
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    mark(value)  # expressions and format specs inside the f-string, not separate strings
    for node in ast.walk(tree):
        if id(node) in skip or not isinstance(node, (ast.Constant, ast.JoinedStr)):
            continue
        texts = _texts(node)
        if texts and any(_PHRASE.search(re.sub(r"\{[^{}]*\}", " ", t)) for t in texts):
            mark(node)
            yield node


def templates_in(path: Path) -> list[Template]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(ROOT).as_posix()
    found: list[tuple[ast.AST, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name == "Wrong" and node.args:
                found.append((node.args[0], "message"))
            elif name == "Shortcut" and len(node.args) >= 3:  # its label, e.g. "the library's softmax"
                found.append((node.args[2], "label"))
            elif name == "CheckResult" and len(node.args) >= 3:
                found.append((node.args[2], "message"))
            elif name in _WHAT_ARGS and len(node.args) > _WHAT_ARGS[name]:
                arg = node.args[_WHAT_ARGS[name]]
                if isinstance(arg, (ast.Constant, ast.JoinedStr)):  # "weights", f"weights ({label})"
                    found.append((arg, "what"))
            elif name == "expect_no_loops":
                keywords = [k.value for k in node.keywords if k.arg == "advice"]
                advice = node.args[2] if len(node.args) >= 3 else keywords[0] if keywords else None
                if advice is not None:
                    found.append((advice, "advice"))
            if name == "call":
                for keyword in node.keywords:
                    if keyword.arg == "what" and isinstance(keyword.value, ast.Constant):
                        found.append((keyword.value, "what"))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [n for n in map(_checker_name, node.decorator_list) if n is not None]
            found.extend((n, "name") for n in names)
            if names:
                found.extend((r.value, "success") for r in _returns(node))
            if node.name == "_loops_in":  # what the loop finder reports: "a `for` loop", ...
                for r in _returns(node):
                    if isinstance(r.value, ast.Tuple):
                        found.append((r.value.elts[0], "fragment"))
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_HINTS" for t in node.targets):
            for pair in getattr(node.value, "elts", []):
                if isinstance(pair, ast.Tuple) and len(pair.elts) == 2:
                    # hints are str.format templates ({0} = a captured name): keep their braces as placeholders
                    hint = pair.elts[1]
                    text = "".join(_texts(hint) or [""])
                    text = text.replace("{{", "{").replace("}}", "}")
                    found.append((ast.Constant(text, lineno=hint.lineno), "hint"))
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.JoinedStr):
            texts = _texts(node.value) or []
            if any(". Hint: " in t for t in texts):  # _run._hint's wrapper
                found.append((node.value, "fragment"))
    found.extend((node, "phrase") for node in _phrases(tree, [node for node, _ in found]))
    result = []
    for node, kind in found:
        texts = _texts(node) if kind != "hint" else [node.value]
        if texts is None:  # a message built elsewhere (a variable): nothing to extract here
            continue
        for text in texts:
            if text.strip():
                result.append(Template(text, rel, node.lineno, kind))
    return result


def all_templates() -> list[Template]:
    """Every template of every checker module, in file order, one entry per distinct (text) where first seen."""
    seen, result = set(), []
    for path in sorted(EXERCISES.glob("*.py")):
        if path.name in SKIP:
            continue
        for template in sorted(templates_in(path), key=lambda t: t.line):
            if template.text not in seen:
                seen.add(template.text)
                result.append(template)
    return result


def missing() -> list[Template]:
    from attention.exercises import zh

    return [t for t in all_templates() if t.text not in zh.CATALOGUE]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--missing", action="store_true", help="templates without a Chinese entry (the default)")
    group.add_argument("--all", action="store_true", help="every template")
    args = parser.parse_args(argv)
    if args.all:
        for t in all_templates():
            print(f"{t.where()}  [{t.kind}]  {t.text}")
        return 0
    lacking = missing()
    for t in lacking:
        print(f"{t.where()}  [{t.kind}]  {t.text}")
    total = len(all_templates())
    print(f"{len(lacking)} of {total} templates have no entry in src/attention/exercises/zh.py", file=sys.stderr)
    return 1 if lacking else 0


if __name__ == "__main__":
    sys.exit(main())

"""Offline bertviz views: no CDN left, libraries inlined, one private require context per view."""

import json
import re
from pathlib import Path

import pytest
import torch

from attention.offline_views import NBVAL_SANITIZE, head_view_offline, make_offline, model_view_offline

TOKENS = ["[CLS]", "the", "cat", "sat", "[SEP]"]


def _weights(layers=2, heads=3, T=5, seed=0):
    torch.manual_seed(seed)
    return torch.softmax(torch.randn(layers, heads, T, T), dim=-1)  # (L, h, T, T)


@pytest.fixture(scope="module")
def views():
    return head_view_offline(_weights(), TOKENS).data, model_view_offline(_weights(), TOKENS).data


def test_no_network_address_is_loaded(views):
    for html in views:
        assert "cdnjs" not in html
        assert not re.search(r"""src=["']https?:""", html)
        assert not re.search(r"""(d3|jquery)\s*:\s*["']https?:""", html)


def test_libraries_are_inlined(views):
    for html in views:
        assert html.count('<script data-offline-lib="require.js">') == 1
        assert 'd3: "data:text/javascript;base64,' in html
        assert 'jquery: "data:text/javascript;base64,' in html


def test_two_views_use_distinct_private_contexts(views):
    contexts = [re.search(r'context: "(bertviz-[0-9a-f]+)"', html).group(1) for html in views]
    assert contexts[0] != contexts[1]
    for html, context in zip(views, contexts):
        assert f'<div id="{context}"' in html  # the context is named after the view's own div


def test_weights_are_rounded_and_written_once(views):
    head = views[0]
    params = re.search(r"const params = (.*?);\n", head, re.DOTALL).group(1)
    assert "PYTHON_PARAMS" not in head and head.count("const params") == 1
    numbers = re.findall(r"\d+\.\d+", params)
    assert numbers and max(len(n.split(".")[1]) for n in numbers) <= 3


def test_accepts_one_layer_of_heads():
    html = head_view_offline(_weights()[0], TOKENS).data  # (h, T, T)
    assert '"include_layers": [0]' in html


def test_sentence_pair_adds_the_filter():
    html = head_view_offline(_weights(), TOKENS, sentence_b_start=3).data
    assert "Sentence A -&gt; Sentence B" in html or "Sentence A -> Sentence B" in html


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match=r"tokens has 4 entries but attentions \(2, 3, 5, 5\) need T = 5"):
        head_view_offline(_weights(), TOKENS[:4])
    with pytest.raises(ValueError, match=r"attentions must have shape .* got \(5, 5\)"):
        model_view_offline(torch.ones(5, 5), TOKENS)


def test_make_offline_refuses_other_html():
    with pytest.raises(ValueError, match="bertviz"):
        make_offline("<p>hello</p>")


@pytest.mark.parametrize("view", [head_view_offline, model_view_offline])
def test_a_token_cannot_close_the_script_tag(view):
    tokens = ["[CLS]", "</script><script>alert(1)</script>", "<!--", "[SEP]"]
    html = view(_weights(T=4), tokens).data
    assert "</script><script>alert(1)" not in html and "<!--" not in html
    params = json.loads(re.search(r"const params = (.*?);\n", html, re.DOTALL).group(1))
    assert tokens[1] in json.dumps(params, ensure_ascii=False)  # the page still shows the token as it is


@pytest.mark.parametrize(
    "bad, message",
    [
        (dict(attentions=torch.zeros(1, 2, 0, 0), tokens=[]), r"T >= 1"),
        (dict(tokens="abcde"), r"tokens must be a list of strings"),
        (dict(attentions=torch.full((2, 3, 5, 5), float("nan"))), r"finite"),
        (dict(sentence_b_start=5), r"sentence_b_start .* in 1..4, got 5"),
        (dict(sentence_b_start=True), r"sentence_b_start"),
        (dict(layer=2), r"layer must be None or an int in 0..1"),
        (dict(heads=[0, 3]), r"heads must be a non-empty list of head indices in 0..2"),
        (dict(heads=[]), r"heads must be a non-empty list"),
    ],
)
def test_bad_view_arguments_are_refused(bad, message):
    args = dict(attentions=_weights(), tokens=TOKENS) | bad
    with pytest.raises(ValueError, match=message):
        head_view_offline(**args)


def test_nbval_sanitize_file_replaces_what_differs_between_runs():
    """tests/nbval_sanitize.cfg holds NBVAL_SANITIZE's rules, and they make two renders of one view compare equal."""
    cfg = (Path(__file__).parent / "nbval_sanitize.cfg").read_text(encoding="utf-8")
    rules = re.findall(r"^\[(.+?)\]\nregex: (.*)\nreplace: (.*)$", cfg, re.MULTILINE)
    sections = {name: (regex, replace) for name, regex, replace in rules}
    for name, regex, replace in NBVAL_SANITIZE:
        assert sections.get(name) == (regex, replace), f"[{name}] in nbval_sanitize.cfg differs from offline_views"
    assert {n for n in sections if n.startswith("bertviz")} == {n for n, _, _ in NBVAL_SANITIZE}

    def sanitized(html):
        for _, regex, replace in NBVAL_SANITIZE:
            html = re.sub(regex, replace, html)
        return html

    first, second = (head_view_offline(_weights(seed=s), TOKENS).data for s in (0, 1))  # other ids, other weights
    assert first != second and sanitized(first) == sanitized(second)

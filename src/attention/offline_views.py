"""bertviz's head view and model view, drawn with no internet: JavaScript inlined from installed packages.

Taught in notebooks/08_real_attention.ipynb. Stock bertviz loads require.js, d3 and
jQuery from a CDN when the view is shown, so offline it draws nothing, and a
second view in the same notebook overwrites the first one's require paths. Here
the CDN addresses are replaced by inline copies of the files that installed
packages already ship (require.js and jQuery from ``nbclassic``, d3 5.7.0 from
``mpld3``), and every view loads them in its own private require context.

Everything this course knows about bertviz 1.4's HTML lives in this module (bertviz is pinned to the tested
version in pyproject.toml): the patterns it rewrites, and :data:`NBVAL_SANITIZE`, the parts of a view that
differ between two runs, which tests/nbval_sanitize.cfg must replace before nbval compares outputs
(tests/test_offline_views.py checks that the file and this list agree).
"""

from __future__ import annotations

import base64
import functools
import importlib.resources
import json
import re
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:  # IPython is only needed to show the views, not to import the library
    from IPython.display import HTML

# Where each library lives inside an installed Python package: (package, path inside it).
_LIBRARIES = {
    "require.js": ("nbclassic", "static/components/requirejs/require.js"),
    "jquery": ("nbclassic", "static/components/jquery/jquery.min.js"),
    "d3": ("mpld3", "js/d3.v5.min.js"),
}
_CDN_REQUIRE = re.compile(r'<script src="https://cdnjs\.cloudflare\.com/ajax/libs/require\.js/[^"]+"></script>')
_CDN_CONFIG = re.compile(r"require\.config\(\{\s*paths:\s*\{.*?\}\s*\}\);\s*requirejs\(", re.DOTALL)
_VIEW_ID = re.compile(r'<div id="(bertviz-[0-9a-f]+)"')
# bertviz's template comment "// HACK: PYTHON_PARAMS is a template marker ..." gets a second copy of the data: drop it
_PARAMS = re.compile(r"const params = (.*?); // HACK(?::.*? is a template marker[^\n]*)?", re.DOTALL)
# Inside <script>, "</script>" in a token would end the script and run what follows: JSON may write <, > and &
# as \u escapes, which JavaScript reads back as the same characters.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})

# (name, regex, replacement): what differs between two runs of the same view, for nbval's sanitize file.
NBVAL_SANITIZE = (
    ("bertviz-view-ids", r"bertviz-[0-9a-f]{32}", "bertviz-ID"),  # a random div id per view
    (
        "bertviz-inline-require",  # require.js inlined by make_offline
        r'(?s)<script data-offline-lib="require.js">.*?</script>',
        '<script data-offline-lib="require.js">REQUIRE-JS</script>',
    ),
    ("bertviz-inline-libraries", r"data:text/javascript;base64,[A-Za-z0-9+/=]+", "data:text/javascript;base64,LIBRARY"),
    ("bertviz-attention-data", r"(?s)const params = \{.*?\};\n", r"const params = PARAMS;\n"),  # weights: last digits
)


@functools.cache
def _library_source(name: str) -> str:
    package, path = _LIBRARIES[name]
    try:
        return (importlib.resources.files(package) / path).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise RuntimeError(f"offline bertviz needs {path} from the package {package!r}: pip install {package}") from error


def _data_url(name: str) -> str:
    encoded = base64.b64encode(_library_source(name).encode("utf-8")).decode("ascii")
    return f"data:text/javascript;base64,{encoded}"


def make_offline(html: str) -> str:
    """Rewrite the HTML of ``bertviz.head_view``/``model_view(..., html_action='return')`` to need no network.

    Taught in notebooks/08_real_attention.ipynb. The require.js ``<script src>``
    becomes an inline script (it does nothing if require.js is already loaded);
    d3 and jQuery become ``data:`` URLs in a require context named after the
    view's div id, so several views in one page do not disturb each other.
    """
    view_id = _VIEW_ID.search(html)
    if view_id is None or _CDN_REQUIRE.search(html) is None or _CDN_CONFIG.search(html) is None:
        raise ValueError("html does not look like bertviz head_view/model_view output (bertviz 1.4 with html_action='return')")
    require_js = _library_source("require.js").replace("</script", "<\\/script")
    inline_require = f'<script data-offline-lib="require.js">\n{require_js}\n</script>'
    html = _CDN_REQUIRE.sub(lambda _: inline_require, html, count=1)
    private_require = (
        "requirejs.config({\n"
        f'  context: "{view_id.group(1)}",\n'
        "  paths: {\n"
        f'    d3: "{_data_url("d3")}",\n'
        f'    jquery: "{_data_url("jquery")}"\n'
        "  }\n"
        "})("
    )
    return _CDN_CONFIG.sub(lambda _: private_require, html, count=1)


def _round_params(html: str, decimals: int) -> str:
    """Round the weights bertviz writes into the page: shorter, and stable across machines' last bits."""

    def rewrite(match: re.Match) -> str:
        params = json.loads(match.group(1), parse_float=lambda text: round(float(text), decimals))
        return f"const params = {json.dumps(params).translate(_SCRIPT_SAFE)};"

    return _PARAMS.sub(rewrite, html, count=1)


# The model view draws a fixed 970-px-wide picture; in a narrower cell its last heads were cut off. This wrapper
# scales the drawing down to the cell's width (never up) once it is drawn, so every head shows.
_FIT_WIDTH = """<div class="attention-fit-width" style="max-width: 100%; overflow-x: auto">{view}</div>
<script>
(function () {{
  function fit(svg) {{
    if (svg.hasAttribute("viewBox") || !svg.getAttribute("width")) return;
    var width = svg.getAttribute("width"), height = svg.getAttribute("height");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.style.width = "100%"; svg.style.maxWidth = width + "px"; svg.style.height = "auto";
  }}
  document.querySelectorAll("div.attention-fit-width").forEach(function (box) {{
    box.querySelectorAll("svg").forEach(fit);
    new MutationObserver(function () {{ box.querySelectorAll("svg").forEach(fit); }})
      .observe(box, {{childList: true, subtree: true, attributes: true, attributeFilter: ["width"]}});
  }});
}})();
</script>"""


def bertviz_layers(attentions, tokens) -> list[torch.Tensor]:
    """Attention weights ``(layers, heads, T, T)`` or ``(heads, T, T)`` in bertviz's format: ``layers`` x ``(1, heads, T, T)``.

    Taught in notebooks/08_real_attention.ipynb (``SentenceAttention.bertviz_layers`` calls this).
    """
    if not isinstance(attentions, torch.Tensor):
        try:
            attentions = torch.as_tensor(attentions)
        except (TypeError, ValueError, RuntimeError):
            raise ValueError(f"attentions must be a tensor (layers, heads, T, T), got {type(attentions).__name__}") from None
    if attentions.dim() == 3:
        attentions = attentions[None]  # (h, T, T) -> (1, h, T, T)
    if attentions.dim() != 4 or attentions.shape[-1] != attentions.shape[-2]:
        raise ValueError(f"attentions must have shape (layers, heads, T, T) or (heads, T, T), got {tuple(attentions.shape)}")
    L, h, T, _ = attentions.shape
    if L == 0 or h == 0 or T == 0:
        got = tuple(attentions.shape)
        raise ValueError(f"attentions must have at least one layer, one head and T >= 1 tokens, got shape {got}")
    if not attentions.is_floating_point() or not torch.isfinite(attentions).all():
        raise ValueError(f"attentions must be finite floating-point weights, got dtype {attentions.dtype}")
    if isinstance(tokens, str) or not all(isinstance(t, str) for t in tokens):
        raise ValueError(f"tokens must be a list of strings, one per position, got {tokens!r}"[:300])
    if len(tokens) != T:
        raise ValueError(f"tokens has {len(tokens)} entries but attentions {tuple(attentions.shape)} need T = {T}")
    return [layer[None] for layer in attentions.detach().float().cpu()]  # L x (1, h, T, T)


def _check_indices(name: str, values, n: int, what: str) -> None:
    """None, or a list of distinct ints in 0..n-1 (layers or heads)."""
    if values is None:
        return
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise ValueError(f"{name} must be a list of {what} indices in 0..{n - 1}, got {values!r}")
    values = list(values)
    if not values or any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < n for v in values):
        raise ValueError(f"{name} must be a non-empty list of {what} indices in 0..{n - 1} (there are {n}), got {values!r}")


def _check_view(layers: list[torch.Tensor], sentence_b_start) -> None:
    T = layers[0].shape[-1]
    if sentence_b_start is not None and (
        isinstance(sentence_b_start, bool) or not isinstance(sentence_b_start, int) or not 1 <= sentence_b_start < T
    ):
        raise ValueError(
            f"sentence_b_start must be None or the index of sentence B's first token, in 1..{T - 1}, got {sentence_b_start!r}"
        )


def head_view_offline(attentions, tokens, sentence_b_start=None, layer=None, heads=None, decimals: int = 3) -> HTML:
    """bertviz's head view (one layer, heads as colours) that draws offline; returns an IPython HTML object.

    Taught in notebooks/08_real_attention.ipynb. ``attentions``: ``(layers, heads, T, T)``;
    ``layer`` is the layer shown first, ``heads`` the heads selected at first (default: all).
    """
    from bertviz import head_view
    from IPython.display import HTML

    layers = bertviz_layers(attentions, tokens)
    _check_view(layers, sentence_b_start)
    if layer is not None and (isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < len(layers)):
        raise ValueError(f"layer must be None or an int in 0..{len(layers) - 1} (the layer shown first), got {layer!r}")
    _check_indices("heads", heads, layers[0].shape[1], "head")
    html = head_view(layers, list(tokens), sentence_b_start=sentence_b_start, layer=layer, heads=heads, html_action="return")
    return HTML(make_offline(_round_params(html.data, decimals)))


def model_view_offline(
    attentions, tokens, sentence_b_start=None, include_layers=None, include_heads=None, decimals: int = 3
) -> HTML:
    """bertviz's model view (a thumbnail per layer and head) that draws offline; returns an IPython HTML object.

    Taught in notebooks/08_real_attention.ipynb. ``attentions``: ``(layers, heads, T, T)``. The picture is scaled
    down to the width of its cell, so no head is cut off.
    """
    from bertviz import model_view
    from IPython.display import HTML

    layers = bertviz_layers(attentions, tokens)
    _check_view(layers, sentence_b_start)
    _check_indices("include_layers", include_layers, len(layers), "layer")
    _check_indices("include_heads", include_heads, layers[0].shape[1], "head")
    html = model_view(
        layers,
        list(tokens),
        sentence_b_start=sentence_b_start,
        include_layers=include_layers,
        include_heads=include_heads,
        html_action="return",
    )
    return HTML(_FIT_WIDTH.format(view=make_offline(_round_params(html.data, decimals))))

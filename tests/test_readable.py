"""What a learner sees in the browser: readable figures, a heatmap of changes centred on 0, views that fit."""

import base64
import json
import struct
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from attention import plot_heatmap  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MAX_FIGURE_PX = 960  # wider figures are scaled down to fit a JupyterLab cell at 1400 px, and their labels shrink


def test_a_heatmap_of_changes_is_centred_on_zero():
    change = np.array([[-0.4, 0.1], [0.2, 0.0]])
    ax = plot_heatmap(change, annotate=True, cmap="RdBu_r")
    assert ax.images[0].get_clim() == (-0.4, 0.4)  # -0.4 keeps its own colour instead of the colour of 0
    plain = plot_heatmap(np.array([[0.2, 0.8], [0.5, 0.5]]))
    assert plain.images[0].get_clim() == (0.0, 0.8)  # weights: from 0 up, as before
    plt.close("all")


def _png_widths(notebook: Path):
    for index, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                yield index, struct.unpack(">I", base64.b64decode(png[:64])[16:20])[0]


@pytest.mark.parametrize("name", ["07_cross_attention", "08_real_attention"])
def test_wide_figures_fit_a_cell_without_shrinking(name):
    wide = [(cell, px) for cell, px in _png_widths(ROOT / "notebooks" / f"{name}.ipynb") if px > MAX_FIGURE_PX]
    assert wide == [], f"figures wider than {MAX_FIGURE_PX} px (cell, px): {wide}"


def test_the_stored_model_view_fits_its_cell():
    cells = json.loads((ROOT / "notebooks" / "08_real_attention.ipynb").read_text(encoding="utf-8"))["cells"]
    views = [
        "".join(o["data"]["text/html"])
        for c in cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {}) and "model_view" in "".join(c["source"])
    ]
    assert views, "no model view output in notebook 08"
    assert all(v.startswith('<div class="attention-fit-width"') for v in views)


def test_the_model_view_is_scaled_to_a_narrow_cell_not_clipped(tmp_path):
    import torch
    from _browser import offline_page, require_chromium

    from attention import model_view_offline

    chromium = require_chromium()
    attentions = torch.softmax(torch.randn(6, 12, 9, 9, generator=torch.Generator().manual_seed(0)), dim=-1)
    view = model_view_offline(attentions, [f"t{i}" for i in range(9)])
    page = tmp_path / "view.html"
    page.write_text(
        f'<!DOCTYPE html><html><body><div id="cell" style="width: 700px">{view.data}</div></body></html>', encoding="utf-8"
    )
    with offline_page(chromium) as offline:
        offline.page.goto(page.as_uri(), wait_until="load")
        offline.page.wait_for_function("() => document.querySelectorAll('#cell svg *').length > 100", timeout=20_000)
        offline.page.wait_for_timeout(200)
        box = offline.page.evaluate(
            "() => { const r = document.querySelector('#cell svg').getBoundingClientRect();"
            " return [r.width, document.querySelector('#cell').getBoundingClientRect().width]; }"
        )
        assert offline.errors == [] and offline.blocked_requests == []
    svg_width, cell_width = box
    assert svg_width <= cell_width + 0.5, f"the view is {svg_width:.0f} px wide in a {cell_width:.0f} px cell"
    assert svg_width > 0.9 * cell_width  # scaled to fit, not shrunk to nothing


def _cells(name):
    return json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]


def _markdown_before(cells, solution_start):
    index = next(i for i, c in enumerate(cells) if "".join(c["source"]).startswith(solution_start))
    return ["".join(c["source"]) for c in cells[:index] if c["cell_type"] == "markdown"], index


@pytest.mark.parametrize(
    "name, solution, answer",
    [
        ("04_multi_head", "def count_parameters(", "4d^2 + 4d"),
        ("09_efficient_attention", "def my_cache_bytes(", r"2 \times \text{batch} \times T"),
    ],
)
def test_the_formula_comes_after_the_exercise_not_above_it(name, solution, answer):
    cells = _cells(name)
    before, index = _markdown_before(cells, solution)
    assert not any(answer in text for text in before), f"{name}: the answer is printed above the exercise"
    assert any(answer in "".join(c["source"]) for c in cells[index:]), f"{name}: the formula should follow the exercise"


def test_self_attention_exercise_says_its_inputs_are_torch_tensors():
    before, _ = _markdown_before(_cells("03_self_attention"), "def self_attention(")
    assert "torch tensors" in before[-1] and "Exercise 1" in before[-1]

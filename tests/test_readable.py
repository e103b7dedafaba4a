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


@pytest.mark.parametrize("name", ["05_cross_attention", "07_real_attention"])
def test_wide_figures_fit_a_cell_without_shrinking(name):
    wide = [(cell, px) for cell, px in _png_widths(ROOT / "notebooks" / f"{name}.ipynb") if px > MAX_FIGURE_PX]
    assert wide == [], f"figures wider than {MAX_FIGURE_PX} px (cell, px): {wide}"


def test_the_model_view_scrolls_instead_of_being_clipped():
    cells = json.loads((ROOT / "notebooks" / "07_real_attention.ipynb").read_text(encoding="utf-8"))["cells"]
    views = ["".join(o["data"]["text/html"]) for c in cells for o in c.get("outputs", [])
             if "text/html" in o.get("data", {}) and "model_view" in "".join(c["source"])]
    assert views, "no model view output in notebook 07"
    assert all(v.startswith('<div style="overflow-x: auto') for v in views)

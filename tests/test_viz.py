"""Plotting helpers draw what they are given and reject what does not fit."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from attention import plot_head_grid, plot_heatmap  # noqa: E402


def test_heatmap_draws_weights_and_labels():
    w = torch.softmax(torch.randn(3, 4, generator=torch.Generator().manual_seed(0)), -1)
    ax = plot_heatmap(w, x_labels=list("abcd"), y_labels=list("xyz"), annotate=True, title="t")
    np.testing.assert_allclose(ax.images[0].get_array(), w.numpy())
    assert [t.get_text() for t in ax.get_xticklabels()] == list("abcd")
    assert len(ax.texts) == 12 and ax.get_title() == "t"
    plt.close("all")


def test_head_grid_layout():
    fig = plot_head_grid(np.full((2, 3, 5, 5), 0.2), tokens=list("abcde"))
    assert len(fig.axes) == 6
    fig = plot_head_grid(np.full((4, 5, 5), 0.2))
    assert len(fig.axes) == 4
    plt.close("all")


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match=r"\(T_q, T_k\), got \(2, 3, 4\)"):
        plot_heatmap(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="x_labels has 2 labels but weights"):
        plot_heatmap(np.zeros((3, 4)), x_labels=["a", "b"])
    with pytest.raises(ValueError, match=r"got \(5, 5\)"):
        plot_head_grid(np.zeros((5, 5)))

"""Checkers for notebooks/12_attention_at_work_images.ipynb: an object's patches, DETR's matching cost.

Taught in notebooks/12_attention_at_work_images.ipynb.
"""

from __future__ import annotations

import numpy as np
import torch

from ..detection import box_iou, matching_cost
from ..scenes import SceneObject, box_patches
from ._core import Wrong, as_array, checker, expect_callable, expect_close, expect_shape, fresh_rng, pick
from ._run import call

# (top, left, size) boxes in a 16 x 16 image with 4 x 4 patches: inside one patch, across patch edges,
# ending exactly on a patch edge (the next patch is NOT touched), and touching the image border
_BOXES = ((4, 4, 4), (1, 2, 5), (5, 9, 7), (0, 0, 4), (2, 12, 4), (10, 3, 6), (12, 12, 4), (6, 0, 3))


@checker("the patches an object covers")
def check_object_patches(object_patches) -> str:
    """Check ``object_patches(top, left, size, image_size, patch_size) -> (N,)`` booleans against box_patches."""
    expect_callable(object_patches, "object_patches")
    rng = fresh_rng()  # the fixed boxes, then boxes in an image nobody has seen (a patch size and grid unlike theirs)
    patch, grid_size = pick(rng, 2, 7, avoid=(4, 3)), pick(rng, 3, 7, avoid=(4,))
    fresh_size = patch * grid_size
    fresh_boxes = []
    for _ in range(4):
        size = pick(rng, 1, fresh_size)
        fresh_boxes.append((pick(rng, 0, fresh_size - size + 1), pick(rng, 0, fresh_size - size + 1), size))
    for image_size, patch_size, boxes in ((16, 4, _BOXES), (12, 3, _BOXES), (fresh_size, patch, tuple(fresh_boxes))):
        grid = image_size // patch_size
        N = grid * grid
        for top, left, size in boxes:
            if top + size > image_size or left + size > image_size:
                continue
            what = f"object_patches(top={top}, left={left}, size={size}, image_size={image_size}, patch_size={patch_size})"
            got = as_array(call(object_patches, top, left, size, image_size, patch_size), what)
            if got.shape == (grid, grid):
                raise Wrong(f"{what} has shape {got.shape}: flatten the (row, column) grid row by row into ({N},)")
            expected = box_patches(SceneObject("red", "square", top, left, size), image_size, patch_size)
            numbers = np.flatnonzero(expected)
            if got.shape == numbers.shape and got.shape != (N,) and np.array_equal(got, numbers):
                raise Wrong(
                    f"{what} returned the patch numbers {numbers.tolist()}: right patches, but return a True/False "
                    f"vector of length N = {N} instead (True for each patch the box overlaps)"
                )
            got = expect_shape(got, (N,), what)
            if not np.isin(got, (0.0, 1.0)).all():
                odd = got[~np.isin(got, (0.0, 1.0))][:3].tolist()
                raise Wrong(f"{what} should hold True/False (or 1/0) for each patch, got values like {odd}")
            got = got.astype(bool)
            if np.array_equal(got, expected):
                continue
            if np.array_equal(got, expected.reshape(grid, grid).T.reshape(-1)):
                raise Wrong(
                    f"{what}: your patches are numbered column by column; number them row by row (patch = row * grid + column)"
                )
            rows = np.arange(grid) * patch_size
            bottom, right = top + size, left + size
            loose_r = (rows <= bottom) & (rows + patch_size >= top)
            loose_c = (rows <= right) & (rows + patch_size >= left)
            if np.array_equal(got, (loose_r[:, None] & loose_c[None, :]).reshape(-1)):
                raise Wrong(
                    f"{what}: a box that ends exactly on a patch edge does not reach the next patch. Pixels "
                    f"{top}..{bottom - 1} are covered, so a patch starting at pixel {bottom} is not: use < , not <="
                )
            corner = np.zeros(N, dtype=bool)
            corner[(top // patch_size) * grid + left // patch_size] = True
            if np.array_equal(got, corner) and corner.sum() != expected.sum():
                raise Wrong(
                    f"{what}: you marked only the patch of the top-left corner, but the box spans "
                    f"{int(expected.sum())} patches (every patch it overlaps, even a little)"
                )
            missing, extra = np.flatnonzero(expected & ~got).tolist(), np.flatnonzero(got & ~expected).tolist()
            raise Wrong(
                f"{what}: patches {missing} are missing and {extra} should not be there (expected "
                f"{np.flatnonzero(expected).tolist()})"
            )
    return "your patches match attention.box_patches: now we can ask how much of a word's attention lands on them."


def _match_inputs(seed: int, Q: int = 4, T: int = 3, C: int = 5):
    g = torch.Generator().manual_seed(seed)
    logits = 2 * torch.randn(Q, C + 1, generator=g)  # (Q, C + 1): the last class is "no object"
    boxes = 0.2 + 0.6 * torch.rand(Q, 4, generator=g)  # (Q, 4) cx, cy, w, h
    classes = torch.randperm(C, generator=g)[:T]  # (T,)
    targets = 0.2 + 0.6 * torch.rand(T, 4, generator=g)  # (T, 4)
    return logits, boxes, classes, targets


@checker("DETR's matching cost")
def check_matching_cost(cost_fn) -> str:
    """Check ``cost_fn(class_logits (Q, C+1), boxes (Q, 4), target_classes (T,), target_boxes (T, 4)) -> (Q, T)``."""
    expect_callable(cost_fn, "matching_cost")
    rng = fresh_rng()  # the fixed cases, then one nobody has seen
    fresh = (int(rng.integers(2**31)), (pick(rng, 2, 9, avoid=(4, 5, 3)), pick(rng, 1, 5, avoid=(3, 2))))
    for seed, (Q, T) in ((0, (4, 3)), (1, (5, 2)), (2, (3, 3)), fresh):
        logits, boxes, classes, targets = _match_inputs(seed, Q, T)
        what = f"the cost for {Q} queries and {T} objects"
        got = as_array(call(cost_fn, logits.clone(), boxes.clone(), classes.clone(), targets.clone()), what)
        if got.shape == (T, Q) and T != Q:
            raise Wrong(f"{what} has shape {got.shape} = (objects, queries): put one ROW per query, one column per object")
        got = expect_shape(got, (Q, T), what)
        if np.isnan(got).any():
            raise Wrong(f"{what} contains NaN")
        expected = matching_cost(logits, boxes, classes, targets).numpy()
        if np.allclose(got, expected, atol=1e-5):
            continue
        prob = logits.softmax(-1)[:, classes]  # (Q, T)
        l1 = (boxes[:, None, :] - targets[None, :, :]).abs().sum(-1)  # (Q, T)
        iou = box_iou(boxes[:, None, :], targets[None, :, :])  # (Q, T)
        mistakes = {
            "the class term uses the raw scores (logits): turn them into probabilities with a softmax over the classes "
            "first": -logits[:, classes] + 5 * l1 - 2 * iou,
            "the softmax runs over the queries (dim 0): take it over the classes, the last axis": -logits.softmax(0)[:, classes]
            + 5 * l1
            - 2 * iou,
            "the class term has the wrong sign: a query that is SURE of the object's class should make the match "
            "cheaper, so subtract the probability": prob + 5 * l1 - 2 * iou,
            "the IoU term has the wrong sign: boxes that overlap more should make the match cheaper, so subtract 2 * IoU": -prob
            + 5 * l1
            + 2 * iou,
            "the IoU term is missing: subtract 2 * box_iou(...) as well": -prob + 5 * l1,
            "the box distance is the mean of the four differences: DETR's L1 distance is their SUM": -prob
            + 5 * (boxes[:, None, :] - targets[None, :, :]).abs().mean(-1)
            - 2 * iou,
            "the box distance is squared (L2): use the L1 distance, the sum of absolute differences": -prob
            + 5 * ((boxes[:, None, :] - targets[None, :, :]) ** 2).sum(-1)
            - 2 * iou,
            "the L1 distance has weight 1: multiply it by 5": -prob + l1 - 2 * iou,
        }
        for message, wrong in mistakes.items():
            if np.allclose(got, wrong.numpy(), atol=1e-5):
                raise Wrong(message)
        expect_close(got, expected, what, atol=1e-4)
    return "your cost matrix matches attention.matching_cost: the Hungarian algorithm can now pick the cheapest pairs."

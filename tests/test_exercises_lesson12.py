"""Tests for the lesson 12 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest
import torch

from attention import box_iou
from attention.exercises import check_matching_cost, check_object_patches


def patches_right(top, left, size, image_size, patch_size):
    g = image_size // patch_size
    starts = np.arange(g) * patch_size
    rows = (starts < top + size) & (starts + patch_size > top)
    cols = (starts < left + size) & (starts + patch_size > left)
    return (rows[:, None] & cols[None, :]).reshape(-1)


def patches_by_pixels(top, left, size, image_size, patch_size):
    canvas = torch.zeros(image_size, image_size)
    canvas[top : top + size, left : left + size] = 1
    g = image_size // patch_size
    return canvas.reshape(g, patch_size, g, patch_size).sum((1, 3)).reshape(-1) > 0  # a torch bool tensor


def patches_loose(top, left, size, image_size, patch_size):
    g = image_size // patch_size
    starts = np.arange(g) * patch_size
    rows = (starts <= top + size) & (starts + patch_size >= top)
    cols = (starts <= left + size) & (starts + patch_size >= left)
    return (rows[:, None] & cols[None, :]).reshape(-1)


def patches_corner(top, left, size, image_size, patch_size):
    g = image_size // patch_size
    out = np.zeros(g * g, bool)
    out[(top // patch_size) * g + left // patch_size] = True
    return out


def test_object_patches_right_answers_pass():
    assert check_object_patches(patches_right).passed
    assert check_object_patches(patches_by_pixels).passed
    assert check_object_patches(lambda *a: patches_right(*a).astype(int)).passed  # 1/0 is fine too


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda *a: patches_right(*a).reshape(a[3] // a[4], -1), "flatten the (row, column) grid"),
        (lambda *a: np.flatnonzero(patches_right(*a)), "returned the patch numbers"),
        (lambda *a: np.flatnonzero(patches_right(*a)) + 1, "expected (16,)"),
        (lambda *a: patches_right(*a).reshape(a[3] // a[4], -1).T.reshape(-1), "numbered column by column"),
        (patches_loose, "use < , not <="),
        (patches_corner, "only the patch of the top-left corner"),
        (lambda *a: patches_right(*a) * 0.5, "should hold True/False"),
        (lambda *a: ~patches_right(*a), "are missing"),
        (lambda *a: np.zeros(3), "has shape (3,), expected (16,)"),
        (lambda *a: "patch 5", "should be an array of numbers"),
        (lambda *a: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_object_patches_typical_mistakes(answer, message):
    result = check_object_patches(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_object_patches_stub_and_non_function():
    def stub(*args):
        raise NotImplementedError("your code here")

    assert check_object_patches(stub).status == "todo"
    assert check_object_patches(None).status == "todo"
    with pytest.raises(ValueError, match="object_patches must be a function"):
        check_object_patches(np.zeros(16))


def cost_right(logits, boxes, classes, targets):
    prob = logits.softmax(-1)[:, classes]
    l1 = (boxes[:, None, :] - targets[None, :, :]).abs().sum(-1)
    return -prob + 5 * l1 - 2 * box_iou(boxes[:, None, :], targets[None, :, :])


def cost_loop(logits, boxes, classes, targets):
    prob = np.exp(logits.numpy()) / np.exp(logits.numpy()).sum(-1, keepdims=True)
    out = np.zeros((len(boxes), len(classes)))
    for i in range(len(boxes)):
        for j in range(len(classes)):
            iou = box_iou(boxes[i], targets[j]).item()
            out[i, j] = -prob[i, classes[j]] + 5 * np.abs((boxes[i] - targets[j]).numpy()).sum() - 2 * iou
    return out


def pieces(logits, boxes, classes, targets):
    return (
        logits.softmax(-1)[:, classes],
        (boxes[:, None, :] - targets[None, :, :]).abs().sum(-1),
        box_iou(boxes[:, None, :], targets[None, :, :]),
    )


def test_matching_cost_right_answers_pass():
    assert check_matching_cost(cost_right).passed
    assert check_matching_cost(cost_loop).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda lg, b, c, t: cost_right(lg, b, c, t).T, "one ROW per query"),
        (lambda lg, b, c, t: -lg[:, c] + 5 * pieces(lg, b, c, t)[1] - 2 * pieces(lg, b, c, t)[2], "raw scores (logits)"),
        (
            lambda lg, b, c, t: -lg.softmax(0)[:, c] + 5 * pieces(lg, b, c, t)[1] - 2 * pieces(lg, b, c, t)[2],
            "the softmax runs over the queries",
        ),
        (lambda lg, b, c, t: cost_right(lg, b, c, t) + 2 * pieces(lg, b, c, t)[0], "class term has the wrong sign"),
        (lambda lg, b, c, t: cost_right(lg, b, c, t) + 4 * pieces(lg, b, c, t)[2], "IoU term has the wrong sign"),
        (lambda lg, b, c, t: cost_right(lg, b, c, t) + 2 * pieces(lg, b, c, t)[2], "IoU term is missing"),
        (lambda lg, b, c, t: cost_right(lg, b, c, t) - 5 * pieces(lg, b, c, t)[1] * 0.75, "their SUM"),
        (lambda lg, b, c, t: cost_right(lg, b, c, t) - 4 * pieces(lg, b, c, t)[1], "multiply it by 5"),
        (
            lambda lg, b, c, t: (
                cost_right(lg, b, c, t) - 5 * pieces(lg, b, c, t)[1] + 5 * ((b[:, None, :] - t[None, :, :]) ** 2).sum(-1)
            ),
            "squared (L2)",
        ),
        (lambda lg, b, c, t: cost_right(lg, b, c, t) + 0.01, "differs from the expected values"),
        (lambda lg, b, c, t: cost_right(lg, b, c, t) * float("nan"), "contains NaN"),
        (lambda lg, b, c, t: cost_right(lg, b, c, t)[:, :1], "expected (4, 3)"),
        (lambda lg, b, c, t: {"cost": 1}, "should be an array of numbers"),
        (lambda lg, b, c, t: lg @ b, "RuntimeError"),
    ],
)
def test_matching_cost_typical_mistakes(answer, message):
    result = check_matching_cost(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_matching_cost_stub_and_non_function():
    def stub(*args):
        raise NotImplementedError("your code here")

    assert check_matching_cost(stub).status == "todo"
    forgot = check_matching_cost(lambda *a: None)  # a forgotten `return` is a mistake, not an unfinished exercise
    assert forgot.status == "wrong" and "returned None" in forgot.message
    with pytest.raises(ValueError, match="matching_cost must be a function"):
        check_matching_cost("cost")


@pytest.mark.parametrize("call_to_spoil", range(6))
def test_object_patches_never_passes_an_answer_wrong_in_one_patch_of_one_call(call_to_spoil):
    calls = []

    def almost(*args):
        calls.append(args)
        out = patches_right(*args).copy()
        if len(calls) == call_to_spoil + 1:
            out[len(calls) % len(out)] ^= True  # one patch wrong, in one of the checker's cases
        return out

    assert check_object_patches(almost).status == "wrong"


@pytest.mark.parametrize("where", [(0, 0), (3, 2), (1, 1)])
def test_matching_cost_never_passes_an_answer_wrong_in_one_entry(where):
    def almost(lg, b, c, t):
        out = cost_right(lg, b, c, t).clone()
        out[where] += 1e-3
        return out

    assert check_matching_cost(almost).status == "wrong"

"""DETR-style detection: IoU, matching cost, Hungarian matching, the set loss (notebooks/12_attention_at_work_images)."""

import itertools

import numpy as np
import pytest
import torch

from attention import (
    DetectorConfig,
    TinyDETR,
    box_iou,
    detection_loss,
    detection_scenes,
    hungarian_match,
    match_batch,
    matching_cost,
    score_detections,
)


def iou_by_hand(a, b):
    ax0, ay0, ax1, ay1 = a[0] - a[2] / 2, a[1] - a[3] / 2, a[0] + a[2] / 2, a[1] + a[3] / 2
    bx0, by0, bx1, by1 = b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def test_box_iou_against_a_direct_formula():
    g = torch.Generator().manual_seed(0)
    a, b = 0.2 + 0.6 * torch.rand(50, 4, generator=g), 0.2 + 0.6 * torch.rand(50, 4, generator=g)
    got = box_iou(a, b)
    for i in range(50):
        assert got[i].item() == pytest.approx(iou_by_hand(a[i].tolist(), b[i].tolist()), abs=1e-6)
    assert box_iou(a, a).allclose(torch.ones(50))
    far = torch.tensor([0.9, 0.9, 0.1, 0.1])
    assert box_iou(torch.tensor([0.1, 0.1, 0.1, 0.1]), far).item() == 0.0
    assert box_iou(torch.tensor([0.5, 0.5, 0.2, 0.2]), torch.tensor([0.6, 0.5, 0.2, 0.2])).item() == pytest.approx(1 / 3)
    assert box_iou(a[:, None], b[None, :3]).shape == (50, 3)  # broadcasts: every pair
    with pytest.raises(ValueError, match=r"\(\.\.\., 4\)"):
        box_iou(a[:, :3], b)


def inputs(seed, Q=4, T=3, C=9):
    g = torch.Generator().manual_seed(seed)
    return (
        torch.randn(Q, C + 1, generator=g),
        torch.rand(Q, 4, generator=g),
        torch.randperm(C, generator=g)[:T],
        torch.rand(T, 4, generator=g),
    )


def test_matching_cost_by_loop():
    logits, boxes, classes, targets = inputs(0)
    cost = matching_cost(logits, boxes, classes, targets)
    prob = logits.softmax(-1)
    for i in range(4):
        for j in range(3):
            by_hand = (
                -prob[i, classes[j]]
                + 5 * (boxes[i] - targets[j]).abs().sum()
                - 2 * iou_by_hand(boxes[i].tolist(), targets[j].tolist())
            )
            assert cost[i, j].item() == pytest.approx(by_hand.item(), abs=1e-5)
    with pytest.raises(ValueError, match="target classes must be in"):
        matching_cost(logits, boxes, torch.tensor([9]), targets[:1])
    with pytest.raises(ValueError, match=r"\(Q, C \+ 1\)"):
        matching_cost(logits, boxes[:2], classes, targets)


@pytest.mark.parametrize("seed", range(6))
def test_hungarian_match_is_the_cheapest_assignment_brute_force(seed):
    Q, T = 5, 1 + seed % 4
    cost = torch.randn(Q, T, generator=torch.Generator().manual_seed(seed))
    rows, cols = hungarian_match(cost)
    assert cols.tolist() == list(range(T)) and len(set(rows.tolist())) == T  # every target, each its own query
    best = min(sum(cost[q, j].item() for j, q in enumerate(p)) for p in itertools.permutations(range(Q), T))
    assert cost[rows, cols].sum().item() == pytest.approx(best)
    with pytest.raises(ValueError, match="Q >= T"):
        hungarian_match(cost.T if T > 1 else torch.zeros(1, 2))


def test_match_batch_equals_matching_each_image():
    torch.manual_seed(0)
    logits, boxes = torch.randn(6, 4, 10), torch.rand(6, 4, 4)
    ds = detection_scenes(6, seed=3)
    targets = ds.targets(range(6))
    images, queries, objects = match_batch(logits, boxes, targets)
    for b in range(6):
        rows, cols = hungarian_match(matching_cost(logits[b], boxes[b], *targets[b]))
        assert queries[images == b].tolist() == rows.tolist() and objects[images == b].tolist() == cols.tolist()
    empty = [(torch.zeros(0, dtype=torch.long), torch.zeros(0, 4))] * 6
    assert all(len(t) == 0 for t in match_batch(logits, boxes, empty))
    with pytest.raises(ValueError, match="only Q=2 queries"):
        match_batch(logits[:, :2], boxes[:, :2], [(torch.arange(3), torch.rand(3, 4))] * 6)


def test_detection_loss_prefers_the_right_answer_and_sends_gradients():
    ds = detection_scenes(4, seed=1)
    targets = ds.targets(range(4))
    perfect_logits = torch.full((4, 4, 10), -10.0)
    perfect_logits[..., 9] = 10.0  # every query: "no object" ...
    perfect_boxes = torch.full((4, 4, 4), 0.5)
    for b, (classes, boxes) in enumerate(targets):
        perfect_logits[b, : len(classes), 9] = -10.0
        perfect_logits[b, torch.arange(len(classes)), classes] = 10.0  # ... except one per object, with its class
        perfect_boxes[b, : len(classes)] = boxes
    good = detection_loss(perfect_logits, perfect_boxes, targets)
    assert good.item() < 1e-3
    torch.manual_seed(0)
    logits, boxes = torch.randn(4, 4, 10, requires_grad=True), torch.rand(4, 4, 4, requires_grad=True)
    loss = detection_loss(logits, boxes, targets)
    loss.backward()
    assert loss.item() > 1.0 and logits.grad.abs().sum() > 0 and boxes.grad.abs().sum() > 0
    score = score_detections(perfect_logits, perfect_boxes, targets)
    assert score.mean_iou == pytest.approx(1.0) and score.found == 1.0 and score.count_right.all()
    with pytest.raises(ValueError, match="nothing to score"):
        score_detections(logits, boxes, [(torch.zeros(0, dtype=torch.long), torch.zeros(0, 4))] * 4)


def test_tiny_detr_shapes_attention_and_checks():
    torch.manual_seed(0)
    model = TinyDETR(DetectorConfig(num_queries=5))
    logits, boxes = model(torch.rand(2, 3, 16, 16))
    assert logits.shape == (2, 5, 10) and boxes.shape == (2, 5, 4) and ((boxes > 0) & (boxes < 1)).all()
    att = model.query_attention(torch.rand(2, 3, 16, 16))
    assert att.shape == (2, 2, 4, 5, 16) and torch.allclose(att.sum(-1), torch.ones(2, 2, 4, 5))
    # object queries are a set: without positions, permuting them permutes the outputs
    perm = torch.tensor([4, 2, 0, 1, 3])
    images = torch.rand(1, 3, 16, 16)
    before = model(images)[0]
    with torch.no_grad():
        model.queries.copy_(model.queries[:, perm])
    assert torch.allclose(model(images)[0], before[:, perm], atol=1e-5)
    with pytest.raises(ValueError, match=r"\(B, 3, 16, 16\)"):
        model(torch.rand(2, 16, 16))
    with pytest.raises(ValueError, match="num_queries"):
        TinyDETR(DetectorConfig(num_queries=0))


def test_detector_learns_on_a_small_budget(one_thread):
    from attention import train

    data = detection_scenes(2000, seed=4)
    torch.manual_seed(0)
    model = TinyDETR()

    def batch(step, g):
        idx = torch.randint(len(data), (32,), generator=g)
        return data.images[idx], data.targets(idx)

    losses = train(model, batch, lambda m, b: detection_loss(*m(b[0]), b[1]), steps=150, lr=5e-3, seed=0, progress=False)
    assert np.mean(losses[-10:]) < 0.6 * np.mean(losses[:10])

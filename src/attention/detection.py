"""Object detection the DETR way: learned object queries cross-attend to patch tokens, each predicting one object.

Taught in notebooks/12_attention_at_work_images.ipynb (Carion et al. 2020, "End-to-End Object Detection with
Transformers"). A few learned query vectors ("object slots") go through decoder blocks: self-attention lets
the slots agree who takes which object, cross-attention lets each slot look at the patches. Each slot then
predicts a class (or "no object") and a box. Training matches slots to the true objects one-to-one with the
Hungarian algorithm (``scipy.optimize.linear_sum_assignment``) before scoring them. Boxes are
``(centre x, centre y, width, height)`` as fractions of the image side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ._checks import shape_of
from .block import TransformerBlock
from .patch_encoder import PatchEncoder


@dataclass
class DetectorConfig:
    """Sizes of a :class:`TinyDETR`."""

    image_size: int = 16  # images are 3 x image_size x image_size
    patch_size: int = 4  # patches are patch_size x patch_size pixels, 3 channels
    d_model: int = 32  # width of every token vector
    num_heads: int = 4  # attention heads in every attention layer
    d_ff: int = 64  # hidden width of the feed-forward networks
    num_encoder_layers: int = 1  # ViT blocks over the patches
    num_decoder_layers: int = 2  # blocks over the object queries (self-attention + cross-attention to the patches)
    num_queries: int = 4  # object slots: at most this many objects per image
    num_classes: int = 9  # object classes; class id num_classes means "no object"


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Intersection over union of boxes ``(..., 4)`` given as (cx, cy, w, h); broadcasts; returns ``(...)``.

    Taught in notebooks/12_attention_at_work_images.ipynb. 1 = the same box, 0 = no overlap.
    """
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor) or a.shape[-1:] != (4,) or b.shape[-1:] != (4,):
        raise ValueError(
            f"a and b must be tensors of boxes (..., 4), got {tuple(getattr(a, 'shape', ()))} and "
            f"{tuple(getattr(b, 'shape', ()))}"
        )
    a0, a1 = a[..., :2] - a[..., 2:] / 2, a[..., :2] + a[..., 2:] / 2  # (..., 2) corners
    b0, b1 = b[..., :2] - b[..., 2:] / 2, b[..., :2] + b[..., 2:] / 2
    overlap = (torch.minimum(a1, b1) - torch.maximum(a0, b0)).clamp(min=0)  # (..., 2) width and height of the overlap
    inter = overlap[..., 0] * overlap[..., 1]
    union = a[..., 2] * a[..., 3] + b[..., 2] * b[..., 3] - inter
    return inter / union.clamp(min=1e-9)


class TinyDETR(nn.Module):
    """Patches -> ViT encoder; learned object queries -> decoder blocks -> (class scores, box) per query.

    Taught in notebooks/12_attention_at_work_images.ipynb. ``forward(images (B, 3, H, W))`` returns
    ``(class_logits (B, Q, num_classes + 1), boxes (B, Q, 4))``. After a forward pass each decoder
    block's ``cross_attn.last_weights`` is ``(B, heads, Q, N)``: where each query looked.
    """

    def __init__(self, config: DetectorConfig | None = None):
        super().__init__()
        c = config or DetectorConfig()
        if c.num_queries < 1 or c.num_classes < 1:
            raise ValueError(f"num_queries and num_classes must be positive, got {c.num_queries} and {c.num_classes}")
        self.config = c
        self.encoder = PatchEncoder(c.image_size, c.patch_size, c.d_model, c.num_heads, c.d_ff, c.num_encoder_layers)
        self.queries = nn.Parameter(torch.randn(1, c.num_queries, c.d_model))  # learned object slots
        self.decoder = nn.ModuleList(
            TransformerBlock(c.d_model, c.num_heads, c.d_ff, cross_attention=True) for _ in range(c.num_decoder_layers)
        )
        self.decoder_norm = nn.LayerNorm(c.d_model)
        self.class_head = nn.Linear(c.d_model, c.num_classes + 1)  # last class: "no object"
        self.box_head = nn.Sequential(nn.Linear(c.d_model, c.d_model), nn.GELU(), nn.Linear(c.d_model, 4))

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        memory = self.encoder(images)  # (B, N, d_model)
        y = self.queries.expand(memory.shape[0], -1, -1)  # (B, Q, d_model)
        for block in self.decoder:
            y = block(y, memory=memory)  # the slots attend to each other, then to the patches
        y = self.decoder_norm(y)
        return self.class_head(y), self.box_head(y).sigmoid()  # (B, Q, C + 1), (B, Q, 4) in 0..1

    @torch.no_grad()
    def query_attention(self, images: torch.Tensor) -> torch.Tensor:
        """Where each object query looked: ``(layers, B, heads, Q, N)``.

        Taught in notebooks/12_attention_at_work_images.ipynb.
        """
        self.eval()
        self(images)
        return torch.stack([block.cross_attn.last_weights for block in self.decoder])


def _check_prediction(class_logits: torch.Tensor, boxes: torch.Tensor) -> None:
    if not isinstance(class_logits, torch.Tensor) or not isinstance(boxes, torch.Tensor):
        raise ValueError(f"class_logits and boxes must be tensors, got {type(class_logits).__name__}, {type(boxes).__name__}")
    if class_logits.ndim != 2 or boxes.ndim != 2 or boxes.shape != (class_logits.shape[0], 4):
        raise ValueError(f"class_logits must be (Q, C + 1) and boxes (Q, 4), got {shape_of(class_logits)} and {shape_of(boxes)}")


def _check_targets(classes: torch.Tensor, boxes: torch.Tensor, num_classes: int) -> None:
    if not isinstance(classes, torch.Tensor) or not isinstance(boxes, torch.Tensor):
        raise ValueError(f"target classes and boxes must be tensors, got {type(classes).__name__}, {type(boxes).__name__}")
    if classes.ndim != 1 or boxes.shape != (len(classes), 4):
        raise ValueError(f"target classes must be (T,) and boxes (T, 4), got {shape_of(classes)} and {shape_of(boxes)}")
    if len(classes) and (classes.min() < 0 or classes.max() >= num_classes):
        raise ValueError(f"target classes must be in 0..{num_classes - 1}, got {classes.tolist()}")


def matching_cost(
    class_logits: torch.Tensor,
    boxes: torch.Tensor,
    target_classes: torch.Tensor,
    target_boxes: torch.Tensor,
    box_weight: float = 5.0,
    iou_weight: float = 2.0,
) -> torch.Tensor:
    """The cost of giving target object j to query i: ``(Q, T)``. Lower is a better match.

    Taught in notebooks/12_attention_at_work_images.ipynb. As in DETR: minus the probability the query
    gives the object's class, plus ``box_weight`` times the L1 distance of the boxes, minus
    ``iou_weight`` times their IoU.
    """
    _check_prediction(class_logits, boxes)
    _check_targets(target_classes, target_boxes, class_logits.shape[1] - 1)
    prob = class_logits.softmax(-1)[:, target_classes]  # (Q, T): P(query i says object j's class)
    l1 = (boxes[:, None, :] - target_boxes[None, :, :]).abs().sum(-1)  # (Q, T)
    iou = box_iou(boxes[:, None, :], target_boxes[None, :, :])  # (Q, T)
    return -prob + box_weight * l1 - iou_weight * iou


def hungarian_match(cost: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Give each target (column) its own query (row) so that the total cost is smallest.

    Taught in notebooks/12_attention_at_work_images.ipynb. Returns ``(query ids, target ids)``,
    one pair per target, sorted by target. Needs at least as many queries as targets.
    """
    from scipy.optimize import linear_sum_assignment

    if not isinstance(cost, torch.Tensor) or cost.ndim != 2 or cost.shape[0] < cost.shape[1]:
        got = tuple(getattr(cost, "shape", ()))
        raise ValueError(f"cost must be a (Q, T) tensor with Q >= T (a query for every target), got {got}")
    rows, cols = linear_sum_assignment(cost.detach().cpu().numpy())
    order = np.argsort(cols)
    return rows[order], cols[order]


def match_batch(
    class_logits: torch.Tensor,
    boxes: torch.Tensor,
    targets: list[tuple[torch.Tensor, torch.Tensor]],
    box_weight: float = 5.0,
    iou_weight: float = 2.0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Hungarian matching for a whole batch: ``(image ids, query ids, target ids)``, one entry per target object.

    Taught in notebooks/12_attention_at_work_images.ipynb. The same matches as :func:`matching_cost` and
    :func:`hungarian_match` image by image, with the costs of all images computed at once.
    """
    if class_logits.ndim != 3 or boxes.shape != (*class_logits.shape[:2], 4) or len(targets) != class_logits.shape[0]:
        raise ValueError(
            f"class_logits (B, Q, C + 1) {shape_of(class_logits)}, boxes (B, Q, 4) {shape_of(boxes)} and "
            f"{len(targets)} targets must agree on B and Q"
        )
    B, Q, C1 = class_logits.shape
    for classes, target_boxes in targets:
        _check_targets(classes, target_boxes, C1 - 1)
    T = max((len(classes) for classes, _ in targets), default=0)
    if T > Q:
        raise ValueError(f"an image has {T} target objects but there are only Q={Q} queries")
    images, queries, objects = [], [], []
    if T == 0:
        return (torch.zeros(0, dtype=torch.long),) * 3
    with torch.no_grad():
        padded_classes = torch.zeros(B, T, dtype=torch.long)  # (B, T): padding rows get class 0 and box 0.5...
        padded_boxes = torch.full((B, T, 4), 0.5)  # ... and their costs are never read
        for b, (classes, target_boxes) in enumerate(targets):
            padded_classes[b, : len(classes)], padded_boxes[b, : len(classes)] = classes, target_boxes
        prob = class_logits.softmax(-1).gather(2, padded_classes[:, None, :].expand(B, Q, T))  # (B, Q, T)
        l1 = (boxes[:, :, None, :] - padded_boxes[:, None, :, :]).abs().sum(-1)  # (B, Q, T)
        iou = box_iou(boxes[:, :, None, :], padded_boxes[:, None, :, :])  # (B, Q, T)
        cost = (-prob + box_weight * l1 - iou_weight * iou).numpy()  # (B, Q, T)
    for b, (classes, _) in enumerate(targets):
        if len(classes):
            rows, cols = hungarian_match(torch.from_numpy(cost[b, :, : len(classes)]))
            images += [b] * len(rows)
            queries += rows.tolist()
            objects += cols.tolist()
    return torch.tensor(images), torch.tensor(queries), torch.tensor(objects)


def _matched_targets(targets, images: torch.Tensor, objects: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    pairs = list(zip(images.tolist(), objects.tolist()))
    return torch.stack([targets[b][0][j] for b, j in pairs]), torch.stack([targets[b][1][j] for b, j in pairs])


def detection_loss(
    class_logits: torch.Tensor,
    boxes: torch.Tensor,
    targets: list[tuple[torch.Tensor, torch.Tensor]],
    no_object_weight: float = 0.5,
    box_weight: float = 5.0,
    iou_weight: float = 2.0,
) -> torch.Tensor:
    """DETR's set loss for a batch: match, then class cross-entropy for every query and box loss for matched ones.

    Taught in notebooks/12_attention_at_work_images.ipynb. ``class_logits`` ``(B, Q, C + 1)``, ``boxes``
    ``(B, Q, 4)``; ``targets`` holds one ``(classes (T_b,), boxes (T_b, 4))`` pair per image. Unmatched queries
    must say "no object" (class C), down-weighted by ``no_object_weight`` because most queries are unmatched.
    """
    images, queries, objects = match_batch(class_logits, boxes, targets, box_weight, iou_weight)
    B, Q, C1 = class_logits.shape
    wanted = torch.full((B, Q), C1 - 1, dtype=torch.long)  # (B, Q): "no object" unless matched
    class_weights = torch.ones(C1)
    class_weights[-1] = no_object_weight
    if len(images) == 0:
        return F.cross_entropy(class_logits.flatten(0, 1), wanted.flatten(), weight=class_weights)
    true_classes, true_boxes = _matched_targets(targets, images, objects)  # (M,), (M, 4)
    wanted[images, queries] = true_classes
    pred = boxes[images, queries]  # (M, 4): the matched queries' boxes
    loss = F.cross_entropy(class_logits.flatten(0, 1), wanted.flatten(), weight=class_weights)
    return loss + box_weight * (pred - true_boxes).abs().sum(-1).mean() + iou_weight * (1 - box_iou(pred, true_boxes)).mean()


@dataclass
class DetectionScore:
    """How well a batch of predictions matches the true objects, after Hungarian matching."""

    images: torch.Tensor  # (M,) for each true object: its image ...
    queries: torch.Tensor  # (M,) ... the query matched to it ...
    objects: torch.Tensor  # (M,) ... and its index among its image's objects
    iou: torch.Tensor  # (M,) IoU of the object's box with its query's box
    right_class: torch.Tensor  # (M,) bool: the query names the object's class
    count_right: torch.Tensor  # (B,) bool: as many queries say "an object" as there are objects

    @property
    def mean_iou(self) -> float:
        return self.iou.mean().item()

    @property
    def found(self) -> float:
        """Share of the true objects whose query names the right class with a box of IoU >= 0.5."""
        return (self.right_class & (self.iou >= 0.5)).float().mean().item()


@torch.no_grad()
def score_detections(
    class_logits: torch.Tensor, boxes: torch.Tensor, targets: list[tuple[torch.Tensor, torch.Tensor]]
) -> DetectionScore:
    """Match predictions ``(B, Q, C + 1)``, ``(B, Q, 4)`` to ``targets`` and measure IoU, classes and counts.

    Taught in notebooks/12_attention_at_work_images.ipynb.
    """
    images, queries, objects = match_batch(class_logits, boxes, targets)
    if len(images) == 0:
        raise ValueError("targets hold no objects: nothing to score")
    true_classes, true_boxes = _matched_targets(targets, images, objects)  # (M,), (M, 4)
    iou = box_iou(boxes[images, queries], true_boxes)  # (M,)
    right_class = class_logits[images, queries].argmax(-1) == true_classes  # (M,)
    said = (class_logits.argmax(-1) != class_logits.shape[-1] - 1).sum(1)  # (B,): queries that say "an object"
    count_right = said == torch.tensor([len(classes) for classes, _ in targets])
    return DetectionScore(images, queries, objects, iou, right_class, count_right)

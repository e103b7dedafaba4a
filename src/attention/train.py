"""A small, seeded training loop for the toy tasks, and exact-sequence accuracy.

Taught in notebooks/05_transformer_block.ipynb (also used in notebooks/07_cross_attention.ipynb).
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from ._checks import shape_of

SCHEDULES = ("cosine", "constant")


def _schedule(step: int, steps: int, warmup: int, schedule: str = "cosine") -> float:
    """Learning-rate factor: linear warm-up over ``warmup`` steps, then cosine decay to 10% (or constant)."""
    if step < warmup:
        return (step + 1) / warmup
    if schedule == "constant":
        return 1.0
    progress = (step - warmup) / max(1, steps - warmup)
    return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress))


def lr_factors(steps: int, warmup: int | None = None, schedule: str = "cosine") -> list[float]:
    """The learning rate of every step of :func:`train`, as a fraction of ``lr``.

    Taught in notebooks/05_transformer_block.ipynb. Linear warm-up over ``warmup`` steps (default: 5% of the steps),
    then a cosine down to 10% (``schedule="cosine"``) or constant (``"constant"``).
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got steps={steps!r}")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    if warmup is None:
        warmup = max(1, steps // 20)
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0 or warmup > steps:
        raise ValueError(f"warmup must be an int in 0..steps={steps}, got warmup={warmup!r}")
    return [_schedule(step, steps, max(warmup, 1), schedule) for step in range(steps)]


def train(
    model: nn.Module,
    make_batch: Callable[[int, torch.Generator], Any],
    loss_fn: Callable[[nn.Module, Any], torch.Tensor],
    steps: int,
    lr: float = 3e-3,
    seed: int = 0,
    progress: bool = True,
    desc: str = "training",
    clip: float | None = 1.0,
    warmup: int | None = None,
    weight_decay: float = 0.01,
    schedule: str = "cosine",
) -> list[float]:
    """Train ``model`` for ``steps`` steps with AdamW; return the loss of every step.

    Taught in notebooks/05_transformer_block.ipynb. Each step calls
    ``make_batch(step, generator)`` (``generator`` is a ``torch.Generator`` seeded
    with ``seed``: the same seed gives the same batches) and
    ``loss_fn(model, batch)`` (a scalar tensor). The learning rate warms up
    linearly for ``warmup`` steps (default: 5% of the steps) and then follows a
    cosine down to 10% of ``lr`` (``schedule="constant"``: stays at ``lr``; with
    ``warmup=0`` and ``weight_decay=0`` that is plain Adam, as in notebooks/03 and 04).
    Gradients are clipped to norm ``clip`` (None: no
    clipping). Dropout draws from the global torch RNG, seeded with ``seed``
    inside and restored afterwards. ``progress`` shows a text progress bar.
    The model is left in eval mode.
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    for name, fn in (("make_batch", make_batch), ("loss_fn", loss_fn)):
        if not callable(fn):
            raise ValueError(f"{name} must be a function, got {type(fn).__name__}")
    factors = lr_factors(steps, warmup, schedule)  # checks steps, warmup and schedule; a fraction of lr per step
    for name, value, low in (("lr", lr, 0.0), ("weight_decay", weight_decay, 0.0), ("clip", clip, 0.0)):
        if name == "clip" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or value < low:
            raise ValueError(f"{name} must be a finite number >= {low:g}, got {name}={value!r}")
    if lr == 0:
        raise ValueError("lr must be positive, got lr=0")
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f"model {type(model).__name__} has no trainable parameters")
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: factors[min(s, steps - 1)])
    step_iter = range(steps)
    bar = None
    if progress:
        from tqdm import tqdm  # the plain text bar: no ipywidgets needed in a notebook

        bar = tqdm(step_iter, desc=desc, mininterval=2.0, ncols=80, file=sys.stdout)  # stderr shows pink in Lab
        step_iter = bar
    losses: list[float] = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model.train()
        try:
            for step in step_iter:
                batch = make_batch(step, generator)
                loss = loss_fn(model, batch)
                if not isinstance(loss, torch.Tensor) or loss.ndim != 0:
                    got = f"{type(loss).__name__} {getattr(loss, 'shape', '')}"
                    raise ValueError(f"loss_fn must return a scalar tensor, got {got}")
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if clip is not None:
                    nn.utils.clip_grad_norm_(params, clip)
                optimizer.step()
                scheduler.step()
                losses.append(loss.item())
                if bar is not None and step % 50 == 0:
                    bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
        finally:
            if bar is not None:
                bar.close()
            model.eval()
    return losses


def sequence_accuracy(pred: torch.Tensor, target: torch.Tensor, pad: int | None = None) -> float:
    """Fraction of sequences predicted exactly right: every token of a row must match.

    Taught in notebooks/05_transformer_block.ipynb. ``pred`` and ``target`` are
    integer tensors ``(N, T)``; positions where ``target == pad`` are ignored.
    """
    if not isinstance(pred, torch.Tensor) or not isinstance(target, torch.Tensor):
        raise ValueError(f"pred and target must be torch tensors, got {type(pred).__name__} and {type(target).__name__}")
    if pred.shape != target.shape or pred.ndim != 2:
        raise ValueError(f"pred and target must both have shape (N, T), got pred {shape_of(pred)}, target {shape_of(target)}")
    if pred.is_floating_point() or target.is_floating_point():
        raise ValueError(f"pred and target must hold token ids (integers), got {pred.dtype} and {target.dtype}")
    if pred.shape[0] == 0:
        raise ValueError("pred and target hold no sequences (N=0)")
    same = pred == target  # (N, T)
    if pad is not None:
        same = same | (target == pad)  # padding never counts as a mistake
    return same.all(dim=1).float().mean().item()

"""Checkers for notebooks/05_transformer_block.ipynb: positional encodings, LayerNorm, assembling a pre-LN block.

Taught in notebooks/05_transformer_block.ipynb.
"""

from __future__ import annotations

import numpy as np
import torch

from ..block import TransformerBlock, sinusoidal_positions
from ..masks import causal_mask
from ._core import Wrong, as_array, checker, expect_callable, expect_close, expect_shape, fresh_rng, fresh_torch, pick
from ._loops import expect_no_loops
from ._run import Shortcut, call

_POSITIONS = [
    Shortcut("attention", "sinusoidal_positions", "the library's sinusoidal_positions"),
    Shortcut("attention", "PositionalEncoding", "the library's PositionalEncoding"),
]
_LAYER_NORM = [
    Shortcut("torch.nn.functional", "layer_norm", "torch's layer_norm (F.layer_norm or nn.LayerNorm)"),
    Shortcut("torch", "layer_norm", "torch.layer_norm"),
]


def _pe_variants(T: int, d: int) -> dict[str, np.ndarray]:
    """Typical wrong positional encodings, to recognise them."""
    t = np.arange(T)[:, None]  # (T, 1)
    two_i = np.arange(0, d, 2)[None, :]  # (1, d/2)
    k = np.arange(d)[None, :]  # (1, d)
    angles = t / 10000 ** (two_i / d)  # (T, d/2)
    swapped = np.empty((T, d))
    swapped[:, 0::2], swapped[:, 1::2] = np.cos(angles), np.sin(angles)
    per_column = t / 10000 ** (k / d)  # (T, d): every column its own frequency
    own_freq = np.where(k % 2 == 0, np.sin(per_column), np.cos(per_column))
    times = t * 10000 ** (two_i / d)  # multiplied instead of divided
    multiplied = np.empty((T, d))
    multiplied[:, 0::2], multiplied[:, 1::2] = np.sin(times), np.cos(times)
    by_pair = t / 10000 ** (np.arange(d // 2)[None, :] / d)  # i where 2i belongs
    pair_index = np.empty((T, d))
    pair_index[:, 0::2], pair_index[:, 1::2] = np.sin(by_pair), np.cos(by_pair)
    return {
        "pair index": pair_index,
        "swapped": swapped,
        "halves": np.concatenate([np.sin(angles), np.cos(angles)], axis=1),
        "own_freq": own_freq,
        "multiplied": multiplied,
    }


@checker("sinusoidal positional encoding")
def check_positional_encoding(positional_encoding) -> str:
    """Check ``positional_encoding(T, d_model) -> (T, d_model)`` against :func:`attention.sinusoidal_positions`."""
    expect_callable(positional_encoding, "positional_encoding")
    expect_no_loops(
        positional_encoding,
        "positional_encoding",
        "Build a (T, d_model/2) table of angles by broadcasting "
        "a column of positions (T, 1) against a row of frequencies, then fill the even and odd columns.",
    )
    rng = fresh_rng()  # after two fixed cases, two sizes no one has seen before
    fresh = [(pick(rng, 2, 40, {6, 20}), 2 * pick(rng, 1, 17, {2, 4})) for _ in "ab"]
    for T, d in ((6, 4), (20, 8), *fresh):
        got = as_array(call(positional_encoding, T, d, shortcuts=_POSITIONS), f"positional_encoding({T}, {d})")
        if got.shape == (d, T) and d != T:
            raise Wrong(f"positional_encoding({T}, {d}) has shape ({d}, {T}): transposed. One ROW per position: (T, d_model)")
        got = expect_shape(got, (T, d), f"positional_encoding({T}, {d})")
        expected = sinusoidal_positions(T, d).double().numpy()
        if np.allclose(got, expected, atol=1e-5):
            continue
        wrong = _pe_variants(T, d)
        if np.allclose(got, wrong["swapped"], atol=1e-5):
            raise Wrong("sin and cos are swapped: even features (0, 2, 4, ...) use sin, odd features use cos")
        if np.allclose(got, wrong["halves"], atol=1e-5):
            raise Wrong("you put all the sines first, then all the cosines: interleave them (sin in column 2i, cos in 2i+1)")
        if np.allclose(got, wrong["own_freq"], atol=1e-5):
            raise Wrong("columns 2i and 2i+1 must share ONE frequency 1/10000^(2i/d_model): use the even index 2i for both")
        if np.allclose(got, wrong["pair index"], atol=1e-5):
            raise Wrong(
                "the exponent is 2i/d_model, not i/d_model: with i = 0, 1, 2, ... counting the pairs, use 2 * i "
                "(or two_i = torch.arange(0, d_model, 2))"
            )
        if np.allclose(got, wrong["multiplied"], atol=1e-5):
            raise Wrong("the angle is t / 10000^(2i/d_model): you multiplied by 10000^(2i/d_model) instead of dividing")
        if np.allclose(got[1:], expected[:-1], atol=1e-5) or np.allclose(got[:-1], expected[1:], atol=1e-5):
            raise Wrong("your positions are shifted by one: the first row is position t = 0 (sin 0 = 0, cos 0 = 1)")
        expect_close(got, expected, f"positional_encoding({T}, {d})", atol=1e-5)
    return "your encodings match attention.sinusoidal_positions."


@checker("layer normalisation")
def check_layer_norm(layer_norm) -> str:
    """Check ``layer_norm(x (..., d), eps) -> (..., d)``: normalise each token vector (no learned scale/shift)."""
    expect_callable(layer_norm, "layer_norm")
    g = torch.Generator().manual_seed(6)
    fixed = 3.0 + 2.0 * torch.randn(2, 5, 6, generator=g, dtype=torch.float64)  # (B, T, d): mean 3, spread 2
    fixed[1, 2] = 7.0  # one constant token vector: its variance is 0
    rng = fresh_rng()  # then a size, numbers and an eps no one has seen before
    g = fresh_torch(rng)
    B, T, d = pick(rng, 1, 5, {2}), pick(rng, 2, 8, {5}), pick(rng, 2, 10, {6})
    fresh = float(rng.uniform(-5, 5)) + float(rng.uniform(0.5, 4)) * torch.randn(B, T, d, generator=g, dtype=torch.float64)
    fresh[rng.integers(B), rng.integers(T)] = float(rng.uniform(-3, 3))  # a constant token vector
    for x, eps in ((fixed, 1e-5), (fixed, 0.5), (fresh, float(rng.choice([0.05, 0.2, 1.0, 2.0])))):
        d = x.shape[-1]
        got = expect_shape(
            call(layer_norm, x.clone(), eps, shortcuts=_LAYER_NORM),
            tuple(x.shape),
            f"layer_norm(x of shape {tuple(x.shape)}, eps={eps:g})",
        )
        expected = torch.nn.functional.layer_norm(x, (d,), eps=eps).numpy()
        if np.allclose(got, expected, atol=1e-6):
            continue
        if not np.isfinite(got).all():
            raise Wrong(f"you got NaN or inf for a token whose {d} features are all equal (variance 0): add eps INSIDE the sqrt")
        for other in (1e-5, 1e-6, 1e-8, 1e-12, 0.0):
            if other != eps and np.allclose(got, torch.nn.functional.layer_norm(x, (d,), eps=other).numpy(), atol=1e-6):
                raise Wrong(
                    f"you ignored the eps argument: this call passed eps={eps:g}, and your result is the one "
                    f"for eps={other:g}. Use the eps you are given inside the square root"
                )
        mean = x.mean(-1, keepdim=True)
        candidates = {
            "unbiased": (x - mean) / (x.var(-1, keepdim=True, unbiased=True) + eps).sqrt(),
            "eps outside": (x - mean) / (x.var(-1, keepdim=True, unbiased=False).sqrt() + eps),
            "by variance": (x - mean) / (x.var(-1, keepdim=True, unbiased=False) + eps),
            "no centring": x / (x.var(-1, keepdim=True, unbiased=False) + eps).sqrt(),
        }
        messages = {
            "unbiased": "use the plain (biased) variance mean((x - mu)^2), not torch.var's default unbiased one: unbiased=False",
            "eps outside": "eps goes inside the square root: (x - mu) / sqrt(var + eps)",
            "by variance": "divide by the standard deviation sqrt(var + eps), not by the variance",
            "no centring": "subtract the mean first: (x - mu) / sqrt(var + eps)",
        }
        for name, wrong in candidates.items():
            if np.allclose(got, wrong.numpy(), atol=1e-6):
                raise Wrong(messages[name])
        for axis in (0, 1):
            m, v = x.mean(axis, keepdim=True), x.var(axis, keepdim=True, unbiased=False)
            if np.allclose(got, ((x - m) / (v + eps).sqrt()).numpy(), atol=1e-6):
                raise Wrong(f"you normalised over axis {axis}: normalise each token vector over the LAST axis (d_model)")
        expect_close(got, expected, f"layer_norm(x, eps={eps})")
    return "your LayerNorm matches torch.nn.functional.layer_norm: every token vector has mean 0 and variance 1."


def _block_variants(block: TransformerBlock, x: torch.Tensor, mask: torch.Tensor) -> dict[str, torch.Tensor]:
    """Typical wrong assemblies of a pre-LN block from its parts."""

    def attn(h, m=mask):
        return block.self_attn(h, mask=m)[0]

    post = block.ln1(x + attn(x))
    h = x + attn(block.ln1(x))
    return {
        "post-LN": block.ln3(post + block.ffn(post)),
        "no mask": (lambda y: y + block.ffn(block.ln3(y)))(x + attn(block.ln1(x), None)),
        "no residual": block.ffn(block.ln3(attn(block.ln1(x)))),
        "no FFN": h,
        "normed residual": (lambda y: y + block.ffn(block.ln3(y)))(block.ln1(x) + attn(block.ln1(x))),
        "no attention residual": (lambda y: y + block.ffn(block.ln3(y)))(attn(block.ln1(x))),
        "no FFN residual": block.ffn(block.ln3(h)),
        "FFN reads old x": h + block.ffn(block.ln3(x)),
        "one norm": h + block.ffn(block.ln1(h)),
    }


_BLOCK_MESSAGES = {
    "post-LN": "that is the post-LN block of the 2017 paper, LN(x + sublayer(x)): here normalise BEFORE each sub-layer, "
    "x + sublayer(LN(x))",
    "no mask": "the mask is ignored: pass mask=mask to block.self_attn, or every position sees the future",
    "no residual": "the residual connections are missing: ADD each sub-layer's output to x (x = x + ...)",
    "no FFN": "you stopped after attention: add the feed-forward step x = x + block.ffn(block.ln3(x))",
    "normed residual": "add the sub-layer's output to the ORIGINAL x, not to ln1(x): x = x + attn(ln1(x))",
    "no attention residual": "the first residual is missing: x = x + block.self_attn(block.ln1(x), mask=mask)[0] "
    "(you replaced x by the attention output)",
    "no FFN residual": "the second residual is missing: return x + block.ffn(block.ln3(x)), not just the FFN output",
    "FFN reads old x": "the feed-forward step must read the UPDATED x (after the attention residual): "
    "x = x + attn(...) first, then x + block.ffn(block.ln3(x)) with that new x",
    "one norm": "use block.ln3 before the feed-forward network (ln1 belongs to attention)",
}


@checker("assemble a pre-LN block")
def check_pre_ln_block(pre_ln_block) -> str:
    """Check ``pre_ln_block(block, x, mask) -> (B, T, d_model)`` against ``block(x, mask=mask)``."""
    expect_callable(pre_ln_block, "pre_ln_block")
    rng = fresh_rng()  # after the fixed case, a block of a size and with weights no one has seen before
    heads, d_k = pick(rng, 1, 4, {2}), pick(rng, 2, 6, {4})
    fresh = (pick(rng, 1, 4, {2}), pick(rng, 2, 8, {5}), heads * d_k, heads, 2 * heads * d_k)
    for seed, (B, T, d, h, d_ff) in ((60, (2, 5, 8, 2, 16)), (int(rng.integers(2**62)), fresh)):
        torch.manual_seed(seed)
        block = TransformerBlock(d, h, d_ff).double().eval()
        with torch.no_grad():
            for ln in (block.ln1, block.ln3):  # non-trivial LayerNorm scales, so a skipped norm shows
                ln.weight.uniform_(0.5, 1.5)
                ln.bias.uniform_(-0.5, 0.5)
        g = torch.Generator().manual_seed(seed + 1)
        x = 2.0 + torch.randn(B, T, d, generator=g, dtype=torch.float64)  # (B, T, d_model)
        mask = causal_mask(T)  # (T, T)
        what = f"pre_ln_block(block, x {(B, T, d)}, mask {(T, T)})"
        whole = Shortcut(block, "forward", "block(x, mask=mask), the whole block")
        with torch.no_grad():
            got = expect_shape(call(pre_ln_block, block, x.clone(), mask, what=what, shortcuts=[whole]), (B, T, d), what)
            expected = block(x, mask=mask).numpy()
            if not np.allclose(got, expected, atol=1e-6):
                for name, wrong in _block_variants(block, x, mask).items():
                    if np.allclose(got, wrong.numpy(), atol=1e-6):
                        raise Wrong(_BLOCK_MESSAGES[name])
                expect_close(got, expected, what)
    return "your block equals attention.TransformerBlock: LN, attention, residual; LN, FFN, residual."

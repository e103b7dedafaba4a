"""Exercise checkers: call them with your answer to see NOT DONE YET, WRONG (and what is wrong) or DONE.

Taught in notebooks/00_start_here.ipynb. One module per lesson.
"""

from ._core import CheckResult, checker
from .lesson00 import check_split_appetite
from .lesson01 import check_scores, check_soft_lookup, check_softmax_temperature, check_temperature_for
from .lesson02 import check_attention_weights, check_scaled_dot_product
from .lesson03 import check_permutation_test, check_self_attention
from .lesson04 import check_count_parameters, check_merge_heads, check_split_heads
from .lesson05 import check_layer_norm, check_positional_encoding, check_pre_ln_block
from .lesson06 import check_additive_scores
from .lesson07 import check_cross_attention, check_padded_cross_weights, check_shift_right
from .lesson08 import check_find_head
from .lesson09 import check_kv_cache_bytes, check_online_softmax_update
from .lesson10 import check_latent_cache_bytes, check_rope, check_sliding_window_mask
from .lesson11 import check_patchify, check_pool_orders
from .lesson12 import check_matching_cost, check_object_patches
from .lesson13 import check_best_span, check_mix
from .predict import check_choice, check_prediction

__all__ = [
    "CheckResult",
    "check_choice",
    "check_prediction",
    "check_layer_norm",
    "check_positional_encoding",
    "check_pre_ln_block",
    "check_additive_scores",
    "check_split_appetite",
    "check_scores",
    "check_soft_lookup",
    "check_softmax_temperature",
    "check_temperature_for",
    "check_attention_weights",
    "check_scaled_dot_product",
    "check_permutation_test",
    "check_self_attention",
    "check_count_parameters",
    "check_merge_heads",
    "check_split_heads",
    "check_cross_attention",
    "check_padded_cross_weights",
    "check_shift_right",
    "check_kv_cache_bytes",
    "check_online_softmax_update",
    "check_find_head",
    "check_patchify",
    "check_pool_orders",
    "checker",
    "check_latent_cache_bytes",
    "check_rope",
    "check_sliding_window_mask",
    "check_find_head",
    "check_patchify",
    "check_pool_orders",
    "checker",
    "check_matching_cost",
    "check_object_patches",
    "check_best_span",
    "check_mix",
]

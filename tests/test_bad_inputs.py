"""Bad input -> a clear ValueError naming the argument (and the shapes), raised before any computation; nothing silent.

Each case is one that a learner met (issue 12): before, it was accepted silently, gave a wrong answer, or
crashed deep inside torch, NumPy or the csv module (ZeroDivisionError, AttributeError, RuntimeError, ...).
"""

import warnings

import numpy as np
import pytest
import torch

import attention as A

X = torch.randn(2, 3, 8)  # (B, T, d_model)
WEIGHTS = torch.full((1, 2, 3, 3), 1 / 3)  # (layers, heads, T, T)
TOKENS = ["[CLS]", "hi", "[SEP]"]


def _cache():
    cache = A.KVCache(8)
    cache.append(torch.randn(1, 2, 3, 4), torch.randn(1, 2, 3, 4))  # B=1, h=2, t=3, d=4, float32
    return cache


CASES = {
    # dtypes that do not match the module's weights: torch said "mat1 and mat2 must have the same dtype"
    "MultiHeadAttention float64 input": (
        lambda: A.MultiHeadAttention(8, 2)(X.double()),
        r"query has dtype torch.float64 but the MultiHeadAttention's weights are torch.float32",
    ),
    "TransformerBlock float64 input": (
        lambda: A.TransformerBlock(8, 2, 16)(X.double()),
        r"x has dtype torch.float64 but the TransformerBlock's weights are torch.float32",
    ),
    "FeedForward float64 input": (
        lambda: A.FeedForward(8, 16)(X.double()),
        r"x has dtype torch.float64 but the FeedForward's weights are torch.float32",
    ),
    # zeros that were ZeroDivisionErrors
    "attention with d_k = 0": (
        lambda: A.scaled_dot_product_attention(torch.randn(2, 3, 0), torch.randn(2, 4, 0), torch.randn(2, 4, 5)),
        r"d_k=0 .*query \(2, 3, 0\), key \(2, 4, 0\)",
    ),
    "NumPy attention with d_k = 0": (
        lambda: A.scaled_dot_product_attention_np(np.zeros((3, 0)), np.zeros((4, 0)), np.zeros((4, 5))),
        r"d_k=0 .*query \(3, 0\), key \(4, 0\)",
    ),
    "split_heads(x, 0)": (lambda: A.split_heads(X, 0), r"num_heads must be an int >= 1, got 0"),
    "grouped_query_attention with h_kv = 0": (
        lambda: A.grouped_query_attention(torch.randn(1, 4, 3, 8), torch.randn(1, 0, 3, 8), torch.randn(1, 0, 3, 8)),
        r"h_kv=0 .*key \(1, 0, 3, 8\)",
    ),
    "recommend with d = 0 flavours": (lambda: A.recommend(np.zeros((5, 0)), [0]), r"features .* got \(5, 0\)"),
    "recommend with a NaN flavour (was: silently the menu order)": (
        lambda: A.recommend(np.array([[0.1, np.nan], [0.3, 0.2], [0.5, 0.5]]), [0]),
        r"features must be finite.*row 0 .*column 1 is nan",
    ),
    # NumPy masks given to torch modules: "mask must be boolean ... got dtype bool", or AttributeError: unsqueeze
    "MultiHeadAttention with a 2-D NumPy mask": (
        lambda: A.MultiHeadAttention(8, 2)(X, mask=np.ones((3, 3), bool)),
        r"mask must be a torch.Tensor for torch inputs, got ndarray with shape \(3, 3\) .*torch.from_numpy",
    ),
    "MultiHeadAttention with a 3-D NumPy mask": (
        lambda: A.MultiHeadAttention(8, 2)(X, mask=np.ones((2, 3, 3), bool)),
        r"mask must be a torch.Tensor .* \(2, 3, 3\)",
    ),
    "TransformerBlock with a NumPy mask": (
        lambda: A.TransformerBlock(8, 2, 16)(X, mask=np.ones((3, 3), bool)),
        r"mask must be a torch.Tensor .* \(3, 3\)",
    ),
    # arguments that were not validated
    "MultiHeadAttention(8, 2.0)": (lambda: A.MultiHeadAttention(8, 2.0), r"num_heads must be a positive int.*num_heads=2.0"),
    "MultiHeadAttention(8.0, 2)": (lambda: A.MultiHeadAttention(8.0, 2), r"d_model must be a positive int.*d_model=8.0"),
    "MultiHeadAttention dropout=1.5": (
        lambda: A.MultiHeadAttention(8, 2, dropout=1.5),
        r"dropout must be a number in \[0, 1\), got 1.5",
    ),
    "TransformerBlock dropout=1.5": (lambda: A.TransformerBlock(8, 2, 16, dropout=1.5), r"dropout must be .*got 1.5"),
    "image_to_patches(x, 2.0)": (
        lambda: A.image_to_patches(torch.zeros(1, 4, 4), 2.0),
        r"patch_size must be an int >= 1, got 2.0",
    ),
    "image_to_patches(list, 2)": (
        lambda: A.image_to_patches([[[0.0] * 4] * 4], 2),
        r"images must be a torch.Tensor of shape \(B, H, W\), got list",
    ),
    "padding_mask([], 4)": (lambda: A.padding_mask([], 4), r"lengths is empty"),
    "padding_mask([2], 4.0)": (lambda: A.padding_mask([2], 4.0), r"T must be a positive int .*got 4.0"),
    "softmax_torch on ints": (
        lambda: A.softmax_torch(torch.tensor([1, 2, 3])),
        r"scores must be a floating-point tensor, got dtype torch.int64 with shape \(3,\)",
    ),
    "online_softmax_update with mismatched running sums": (
        lambda: A.online_softmax_update(torch.zeros(3), torch.zeros(2), torch.zeros(3, 4)),
        r"running_max and running_sum must have the shape of scores without its last axis, \(3,\).*running_sum \(2,\)",
    ),
    "online_softmax_update on NumPy arrays": (
        lambda: A.online_softmax_update(np.zeros(3), np.zeros(3), np.zeros((3, 4))),
        r"running_max must be a torch.Tensor, got ndarray \(3,\)",
    ),
    "KVCache(True)": (lambda: A.KVCache(True), r"max_len must be an int >= 1, got True"),
    "float64 keys appended to a float32 cache (was: silently rounded)": (
        lambda: _cache().append(torch.randn(1, 2, 1, 4).double(), torch.randn(1, 2, 1, 4).double()),
        r"dtype torch.float64 but the cache holds torch.float32",
    ),
    "B=3 query against a B=1 cache": (
        lambda: _cache().attend(torch.randn(3, 2, 1, 4)),
        r"query must be \(B=1, h=2, t, d_k=4\) like the cache.*got \(3, 2, 1, 4\)",
    ),
    "head_view_offline with T = 0": (
        lambda: A.head_view_offline(torch.zeros(1, 2, 0, 0), []),
        r"attentions must have .* T >= 1 .*\(1, 2, 0, 0\)",
    ),
    "head_view_offline with sentence_b_start > T": (
        lambda: A.head_view_offline(WEIGHTS, TOKENS, sentence_b_start=7),
        r"sentence_b_start must be .* in 1..2, got 7",
    ),
    "head_view_offline with heads=[50]": (
        lambda: A.head_view_offline(WEIGHTS, TOKENS, heads=[50]),
        r"heads must be a non-empty list of head indices in 0..1 \(there are 2\), got \[50\]",
    ),
    "model_view_offline with include_layers=[9]": (
        lambda: A.model_view_offline(WEIGHTS, TOKENS, include_layers=[9]),
        r"include_layers must be .* in 0..0 .*got \[9\]",
    ),
}


@pytest.mark.parametrize("call, message", CASES.values(), ids=CASES.keys())
def test_bad_input_is_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.fixture(scope="module")
def sentence():
    return A.pretrained_attention("The animal didn't cross the street because it was too tired.")


def test_pretrained_head_and_k_are_checked(sentence):
    with pytest.raises(ValueError, match=r"k must be an int >= 1 \(how many links\), got k=-1"):
        sentence.strongest_links(3, 1, k=-1)
    with pytest.raises(ValueError, match=r"layer must be an int in 0..5, got layer=99 .*\(6, 12, 16, 16\)"):
        sentence.weight("it", "animal", layer=99, head=1)
    with pytest.raises(ValueError, match=r"head must be an int in 0..11, got head=12"):
        sentence.strongest_links(3, 12)


def test_text_the_model_cannot_read_is_refused_or_named():
    with pytest.raises(ValueError, match=r"text is empty \(only invisible characters"):
        A.pretrained_attention("\u200b\u200b")  # zero-width spaces: nothing to read
    with pytest.warns(UserWarning, match=r"5 of the 7 tokens of '我喜欢吃辣子鸡' are \[UNK\]"):
        A.pretrained_attention("我喜欢吃辣子鸡")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # English text: no warning
        A.pretrained_attention("The animal was tired.")


# ---------------------------------------------------------------- softmax: nothing silent, no overflow


def test_numpy_softmax_lets_nan_through_and_zeroes_only_fully_masked_rows():
    weights = A.softmax(np.array([[1.0, np.nan, 2.0], [-np.inf, -np.inf, -np.inf], [0.0, -np.inf, 0.0]]))
    assert np.isnan(weights[0]).all()  # as torch.softmax: a NaN score is not a masked row
    np.testing.assert_array_equal(weights[1], [0.0, 0.0, 0.0])  # every key masked: zeros
    np.testing.assert_allclose(weights[2], [0.5, 0.0, 0.5])
    torch_row = torch.softmax(torch.tensor([1.0, float("nan"), 2.0]), dim=-1)
    assert torch.isnan(torch_row).all()


@pytest.mark.parametrize(
    "dtype, scores, temperature",
    [(np.float32, [10.0, 9.0], 1e-38), (np.float16, [1000.0, 900.0], 0.01), (np.float16, [10.0, 9.0], 1e-7)],
)
def test_tiny_temperatures_do_not_overflow(dtype, scores, temperature):
    """Dividing by the temperature before subtracting the max made inf - inf = NaN."""
    ours = A.softmax(np.array(scores, dtype=dtype), temperature=temperature)
    np.testing.assert_allclose(ours.astype(float), [1.0, 0.0])
    theirs = A.softmax_torch(torch.tensor(scores, dtype=getattr(torch, np.dtype(dtype).name)), temperature=temperature)
    torch.testing.assert_close(theirs.float(), torch.tensor([1.0, 0.0]))


def test_numpy_attention_with_no_keys_gives_zeros_like_torch():
    out, w = A.scaled_dot_product_attention_np(np.ones((3, 4)), np.zeros((0, 4)), np.zeros((0, 5)))
    out_t, w_t = A.scaled_dot_product_attention(torch.ones(3, 4), torch.zeros(0, 4), torch.zeros(0, 5))
    assert out.shape == tuple(out_t.shape) == (3, 5) and w.shape == tuple(w_t.shape) == (3, 0)
    assert (out == 0).all() and (out_t == 0).all()


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), True, "1"])
def test_temperature_must_be_a_finite_positive_number(bad):
    with pytest.raises(ValueError, match="temperature must be > 0 and finite"):
        A.softmax(np.array([1.0, 2.0]), temperature=bad)


# ---------------------------------------------------------------- the menu file


HEADER = "dish,chinese,category,spicy,salty,sweet,sour,umami,description\n"
CHICKEN = "spicy chicken,辣子鸡,meat,0.95,0.6,0.1,0.1,0.6,fried chicken with chillies\n"
GREENS = "greens,炒青菜,vegetable,0.0,0.4,0.1,0.0,0.3,stir-fried greens\n"


def _file(tmp_path, data: bytes):
    path = tmp_path / "menu.csv"
    path.write_bytes(data)
    return path


def test_menu_header_with_a_repeated_column_is_refused(tmp_path):
    header = HEADER.replace("description", "spicy,description")  # a second 'spicy' used to win silently
    with pytest.raises(ValueError, match=r"line 1: column\(s\) \['spicy'\] appear more than once"):
        A.load_menu(_file(tmp_path, (header + CHICKEN.replace(",fried", ",0.0,fried")).encode()))


def test_menu_row_with_an_unquoted_comma_is_refused(tmp_path):
    row = CHICKEN.replace("with chillies", "with chillies, peanuts")  # used to cut the description silently
    with pytest.raises(ValueError, match=r"line 2: 1 more field\(s\) .*\[' peanuts'\].*double quotes"):
        A.load_menu(_file(tmp_path, (HEADER + row + GREENS).encode()))


def test_menu_row_with_too_few_fields_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"line 3: only 4 of the 9 columns"):
        A.load_menu(_file(tmp_path, (HEADER + CHICKEN + "greens,炒青菜,vegetable,0.0\n").encode()))


def test_menu_errors_name_the_line_of_the_file(tmp_path):
    text = HEADER + CHICKEN + "\n\n" + GREENS.replace("0.4", "4.0")  # blank lines before the bad row
    with pytest.raises(ValueError, match=r"line 5 \(greens\): column 'salty' must be between 0 and 1, got 4.0"):
        A.load_menu(_file(tmp_path, text.encode()))
    quoted = HEADER + CHICKEN.replace("fried chicken with chillies", '"fried chicken,\nwith chillies"')
    with pytest.raises(ValueError, match=r"line 4 \(greens\)"):  # a quoted line break in row 1
        A.load_menu(_file(tmp_path, (quoted + GREENS.replace("0.4", "4.0")).encode()))


def test_menu_saved_by_excel_with_a_byte_order_mark_loads(tmp_path):
    menu = A.load_menu(_file(tmp_path, b"\xef\xbb\xbf" + (HEADER + CHICKEN + GREENS).encode()))
    assert menu.dishes == ["spicy chicken", "greens"] and menu.chinese == ["辣子鸡", "炒青菜"]


@pytest.mark.parametrize(
    "data",
    [(HEADER + CHICKEN + GREENS).encode("gbk"), (HEADER + CHICKEN + GREENS).encode("utf-16"), bytes(range(256))],
    ids=["GBK", "UTF-16", "binary"],
)
def test_menu_that_is_not_utf8_text_is_refused_with_what_to_do(tmp_path, data):
    with pytest.raises(ValueError, match=r"menu.csv is not UTF-8 text \(byte \d+ is .*\): save it as 'CSV UTF-8'"):
        A.load_menu(_file(tmp_path, data))


def test_menu_with_nul_bytes_is_not_text(tmp_path):
    with pytest.raises(ValueError, match="not a text file"):
        A.load_menu(_file(tmp_path, (HEADER + CHICKEN).encode() + b"\x00\x00"))


def test_menu_path_must_be_a_path():
    with pytest.raises(ValueError, match=r"path must be a file path \(a str or pathlib.Path\), got int: 3"):
        A.load_menu(3)

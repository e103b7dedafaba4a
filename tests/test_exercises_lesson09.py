"""Tests for the lesson 09 checkers: right answers pass, typical mistakes get precise messages, stubs are todo."""

import numpy as np
import pytest
import torch

from attention.exercises import check_kv_cache_bytes, check_online_softmax_update


def update_right(m, s, chunk):
    new_m = torch.maximum(m, chunk.amax(-1))
    return new_m, s * torch.exp(m - new_m) + torch.exp(chunk - new_m[:, None]).sum(-1)


def update_numpy(m, s, chunk):
    m, s, chunk = m.numpy(), s.numpy(), chunk.numpy()
    new_m = np.maximum(m, chunk.max(-1))
    return new_m, s * np.exp(m - new_m) + np.exp(chunk - new_m[:, None]).sum(-1)


def update_no_rescale(m, s, chunk):
    new_m = torch.maximum(m, chunk.amax(-1))
    return new_m, s + torch.exp(chunk - new_m[:, None]).sum(-1)


def update_upside_down(m, s, chunk):
    new_m = torch.maximum(m, chunk.amax(-1))
    factor = torch.where(torch.isneginf(m), torch.zeros_like(m), torch.exp(new_m - m))
    return new_m, s * factor + torch.exp(chunk - new_m[:, None]).sum(-1)


def update_chunk_max_only(m, s, chunk):
    new_m = chunk.amax(-1)
    return new_m, s * torch.exp(m - new_m) + torch.exp(chunk - new_m[:, None]).sum(-1)


def update_old_max(m, s, chunk):
    new_m = torch.maximum(m, chunk.amax(-1))
    return new_m, s * torch.exp(m - new_m) + torch.exp(chunk - m[:, None]).sum(-1)


def update_chunk_own_max(m, s, chunk):
    new_m = torch.maximum(m, chunk.amax(-1))
    return new_m, s * torch.exp(m - new_m) + torch.exp(chunk - chunk.amax(-1, keepdim=True)).sum(-1)


def update_no_max(m, s, chunk):
    new_m = torch.maximum(m, chunk.amax(-1))
    return new_m, s + torch.exp(chunk).sum(-1)


def test_online_softmax_update_right_answers_pass():
    assert check_online_softmax_update(update_right).passed
    assert check_online_softmax_update(update_numpy).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (update_no_rescale, "the old sum was not rescaled"),
        (update_upside_down, "upside down"),
        (update_chunk_max_only, "max of the running max AND the chunk's max"),
        (update_old_max, "subtract new_max"),
        (update_no_max, "subtract new_max"),
        (update_chunk_own_max, "not the chunk's own max"),
        (lambda m, s, chunk: update_right(m, s, chunk)[1], "return a tuple (new_max, new_sum)"),
        (lambda m, s, chunk: (update_right(m, s, chunk)[0][:2], update_right(m, s, chunk)[1]), "should have shape (3,)"),
        (
            lambda m, s, chunk: (update_right(m, s, chunk)[0], update_right(m, s, chunk)[1] * 1.01),
            "differs from the expected values",
        ),
        (lambda m, s, chunk: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_online_softmax_update_typical_mistakes(answer, message):
    result = check_online_softmax_update(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_online_softmax_update_stub_and_non_function():
    def stub(m, s, chunk):
        raise NotImplementedError("your code here")

    assert check_online_softmax_update(stub).status == "todo"
    assert check_online_softmax_update(None).status == "todo"
    with pytest.raises(ValueError, match="online_softmax_update must be a function"):
        check_online_softmax_update(np.ones(3))


def bytes_right(batch, seq_len, num_layers, num_kv_heads, head_dim, bytes_per_value):
    return 2 * batch * seq_len * num_layers * num_kv_heads * head_dim * bytes_per_value


def test_kv_cache_bytes_right_answer_passes():
    assert check_kv_cache_bytes(bytes_right).passed
    assert check_kv_cache_bytes(lambda *a: float(bytes_right(*a))).passed


@pytest.mark.parametrize(
    "answer, message",
    [
        (lambda *a: bytes_right(*a) // 2, "keys AND values"),
        (lambda *a: bytes_right(*a) // a[5], "numbers, not bytes"),
        (lambda *a: bytes_right(*a) * 8, "bits, not bytes"),
        (lambda *a: bytes_right(*a) // a[2], "multiply by num_layers=12"),
        (lambda *a: bytes_right(*a) // a[0], "multiply by batch=3"),
        (lambda *a: bytes_right(*a) // a[3], "num_kv_heads=5"),
        (lambda *a: bytes_right(*a) // (a[2] * a[3]), "multiply by num_layers=12 AND num_kv_heads=5"),
        (lambda *a: bytes_right(*a) + 1, "expected 92160000"),
        (lambda *a: "many", "should be a whole number, got str 'many'"),
    ],
)
def test_kv_cache_bytes_typical_mistakes(answer, message):
    result = check_kv_cache_bytes(answer)
    assert result.status == "wrong", result
    assert message in result.message


def test_kv_cache_bytes_stub_and_non_function():
    def stub(*args):
        raise NotImplementedError("your code here")

    assert check_kv_cache_bytes(stub).status == "todo"
    with pytest.raises(ValueError, match="kv_cache_bytes must be a function"):
        check_kv_cache_bytes(42)

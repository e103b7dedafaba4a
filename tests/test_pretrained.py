"""The offline pretrained model: shapes, rows summing to 1, sentence pairs, clear errors."""

import pytest
import torch

from attention.pretrained import load_pretrained, pretrained_attention

SENTENCE = "The animal didn't cross the street because it was too tired."


def test_loads_once_with_the_expected_size():
    first, second = load_pretrained(), load_pretrained()
    assert first is second
    assert (first.num_layers, first.num_heads, first.max_tokens) == (6, 12, 512)


def test_tokens_and_attention_shapes():
    result = pretrained_attention(SENTENCE)
    assert result.tokens[0] == "[CLS]" and result.tokens[-1] == "[SEP]"
    assert "it" in result.tokens and "animal" in result.tokens
    T = len(result.tokens)
    assert result.attentions.shape == (6, 12, T, T)
    torch.testing.assert_close(result.attentions.sum(-1), torch.ones(6, 12, T), atol=1e-5, rtol=0)
    assert result.sentence_b_start is None


def test_matches_the_transformers_model_directly():
    loaded = load_pretrained()
    encoded = loaded.tokenizer(SENTENCE, return_tensors="pt")
    with torch.no_grad():
        output = loaded.model(**encoded, output_attentions=True)
    torch.testing.assert_close(pretrained_attention(SENTENCE).attentions[2], output.attentions[2][0])


def test_it_attends_to_animal_in_layer_3_head_1():
    result = pretrained_attention(SENTENCE)
    assert result.weight("it", "animal", layer=3, head=1) > 0.5
    assert result.weight("it", "street", layer=3, head=1) < 0.1


def test_sentence_pair_marks_where_b_starts():
    result = pretrained_attention("The cat sat.", "It was tired.")
    assert result.tokens[result.sentence_b_start - 1] == "[SEP]"
    assert result.tokens[result.sentence_b_start] == "it"
    assert result.tokens.count("[SEP]") == 2


@pytest.mark.parametrize("text, pair", [("", None), ("   ", None), ("fine", ""), (None, None)])
def test_empty_or_non_text_input_is_refused(text, pair):
    with pytest.raises(ValueError, match="text"):
        pretrained_attention(text, pair)


def test_too_long_input_names_both_lengths():
    with pytest.raises(ValueError, match=r"602 tokens long .* at most 512 tokens"):
        pretrained_attention("word " * 600)


def test_missing_token_is_named():
    with pytest.raises(ValueError, match="'dog' is not among the tokens"):
        pretrained_attention(SENTENCE).index("dog")


def test_strongest_links_skip_special_tokens_and_are_sorted():
    result = pretrained_attention(SENTENCE)
    links = result.strongest_links(layer=3, head=1, k=4)
    assert len(links) == 4 and links[0][:2] == ("it", "animal")
    assert [w for _, _, w in links] == sorted((w for _, _, w in links), reverse=True)
    assert not any(t in ("[CLS]", "[SEP]", ".") for q, k, _ in links for t in (q, k))
    with_special = result.strongest_links(layer=3, head=1, k=3, skip_special=False)
    assert any("[CLS]" in (q, k) or "[SEP]" in (q, k) for q, k, _ in with_special)
    with pytest.raises(ValueError, match=r"layer must be an int in 0..5, got layer=6 .*\(6, 12, 16, 16\)"):
        result.strongest_links(layer=6, head=0)


def test_bertviz_layers_is_the_format_bertviz_takes():
    result = pretrained_attention("The animal was tired.")
    layers = result.bertviz_layers()
    assert len(layers) == 6 and all(layer.shape == (1, 12, len(result.tokens), len(result.tokens)) for layer in layers)
    assert all(torch.equal(layer[0], result.attentions[i]) for i, layer in enumerate(layers))

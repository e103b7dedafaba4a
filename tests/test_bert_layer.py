"""A BERT layer in our MultiHeadAttention: same weights, same sub-layer output; head ablation; sentence embeddings."""

import pytest
import torch
from transformers import BertConfig, BertModel

from attention import ablate_head, load_bert_attention, load_pretrained, sentence_embedding

SENTENCES = ["The animal didn't cross the street because it was too tired.", "The animal was tired."]


def tiny_bert(seed: int, heads: int = 4) -> BertModel:
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=50,
        hidden_size=8 * heads,
        num_hidden_layers=3,
        num_attention_heads=heads,
        intermediate_size=40,
        max_position_embeddings=32,
        attn_implementation="eager",
    )
    return BertModel(config, add_pooling_layer=False).eval()


def run_layer(bert, layer, ids, attention_mask):
    """The model's own weights and sub-layer output for one layer, and that layer's input."""
    seen = {}
    sublayer = bert.encoder.layer[layer].attention
    hook = sublayer.register_forward_hook(lambda m, i, out: seen.update(out=out[0] if isinstance(out, tuple) else out))
    try:
        with torch.no_grad():
            out = bert(input_ids=ids, attention_mask=attention_mask, output_attentions=True, output_hidden_states=True)
    finally:
        hook.remove()
    return out.hidden_states[layer], out.attentions[layer], seen["out"]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("heads", [2, 4])
def test_every_layer_matches_a_random_bert_with_padding(seed, heads):
    bert = tiny_bert(seed, heads)
    g = torch.Generator().manual_seed(seed)
    B, T = 3, 9
    ids = torch.randint(1, 50, (B, T), generator=g)
    attention_mask = torch.ones(B, T, dtype=torch.long)
    attention_mask[1, 5:] = 0  # padding
    attention_mask[2, 2:] = 0
    for layer in range(3):
        x, their_weights, their_out = run_layer(bert, layer, ids, attention_mask)
        ours = load_bert_attention(bert, layer)
        assert not ours.training and ours.num_heads == heads
        with torch.no_grad():
            out, weights = ours(x, mask=attention_mask.bool()[:, None, None, :])  # (B, 1, 1, T): True = may attend
            sub = bert.encoder.layer[layer].attention.output.LayerNorm(x + out)  # post-LN
        torch.testing.assert_close(weights, their_weights, atol=1e-6, rtol=0)
        torch.testing.assert_close(sub, their_out, atol=1e-5, rtol=0)
        assert (weights[1, :, :, 5:] == 0).all() and (weights[2, :, :, 2:] == 0).all()


def test_the_weights_are_copies_not_shared():
    bert = tiny_bert(0)
    ours = load_bert_attention(bert, 1)
    with torch.no_grad():
        ours.w_q.weight.zero_()
    assert bert.encoder.layer[1].attention.self.query.weight.abs().sum() > 0
    torch.testing.assert_close(ours.w_o.bias, bert.encoder.layer[1].attention.output.dense.bias)


@pytest.mark.parametrize("layer", [-1, 3, 1.0, True, "0"])
def test_bad_layer(layer):
    with pytest.raises(ValueError, match="layer must be an int in 0..2"):
        load_bert_attention(tiny_bert(0), layer)


@pytest.mark.parametrize("model", [None, torch.nn.Linear(2, 2), "bert"])
def test_not_a_bert(model):
    with pytest.raises(ValueError, match="BERT-style encoder"):
        load_bert_attention(model, 0)
    with pytest.raises(ValueError, match="BERT-style encoder"):
        with ablate_head(model, 0, 0):
            pass


def test_ablating_a_head_zeroes_its_slice_of_w_o_and_restores_it():
    bert = tiny_bert(1)
    ids = torch.randint(1, 50, (2, 7), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        before = bert(input_ids=ids).last_hidden_state
    w_o = bert.encoder.layer[2].attention.output.dense.weight
    saved = w_o.detach().clone()
    with ablate_head(bert, 2, 3):
        assert (w_o[:, 24:32] == 0).all() and torch.equal(w_o[:, :24], saved[:, :24])
        with torch.no_grad():
            ablated = bert(input_ids=ids).last_hidden_state
    assert torch.equal(w_o, saved)
    # the oracle: the layer's heads before W_O, with head 3's part set to zero by hand
    x = bert(input_ids=ids, output_hidden_states=True).hidden_states[2].detach()
    ours = load_bert_attention(bert, 2)
    with torch.no_grad():
        ours.w_o.weight[:, 24:32] = 0
        sub = bert.encoder.layer[2].attention.output.LayerNorm(x + ours(x)[0])
        rest = bert.encoder.layer[2]
        out = rest.output(rest.intermediate(sub), sub)
    torch.testing.assert_close(out, ablated, atol=1e-5, rtol=0)
    assert (before - ablated).abs().max() > 1e-3


def test_ablation_is_undone_after_an_error():
    bert = tiny_bert(2)
    saved = bert.encoder.layer[0].attention.output.dense.weight.detach().clone()
    with pytest.raises(KeyError):
        with ablate_head(bert, 0, 1):
            raise KeyError("spicy")
    assert torch.equal(bert.encoder.layer[0].attention.output.dense.weight, saved)


@pytest.mark.parametrize(("layer", "head", "match"), [(0, 4, "head must be an int in 0..3"), (5, 0, "layer"), (0, -1, "head")])
def test_bad_head(layer, head, match):
    with pytest.raises(ValueError, match=match):
        with ablate_head(tiny_bert(0), layer, head):
            pass


def test_minilm_layer_matches_and_sentence_embedding_matches_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    from attention.pretrained import _model_path

    loaded = load_pretrained()
    batch = loaded.tokenizer(SENTENCES, padding=True, return_tensors="pt")
    for layer in (0, 3, 5):
        x, their_weights, their_out = run_layer(loaded.model, layer, batch["input_ids"], batch["attention_mask"])
        with torch.no_grad():
            ours = load_bert_attention(loaded.model, layer)
            out, weights = ours(x, mask=batch["attention_mask"].bool()[:, None, None, :])
            sub = loaded.model.encoder.layer[layer].attention.output.LayerNorm(x + out)
        assert (weights - their_weights).abs().max() < 1e-5 and (sub - their_out).abs().max() < 1e-5
    ours = sentence_embedding(SENTENCES)
    theirs = SentenceTransformer(_model_path(), device="cpu").encode(SENTENCES, convert_to_tensor=True)
    assert ours.shape == (2, 384)
    torch.testing.assert_close(ours, theirs.cpu(), atol=1e-5, rtol=0)
    torch.testing.assert_close(ours.norm(dim=-1), torch.ones(2), atol=1e-6, rtol=0)


@pytest.mark.parametrize("texts", ["one sentence", [], [""], ["fine", 3], None])
def test_sentence_embedding_bad_input(texts):
    with pytest.raises(ValueError, match="texts"):
        sentence_embedding(texts)


def embedding_of(bert, ids):
    with torch.no_grad():
        return torch.nn.functional.normalize(bert(input_ids=ids).last_hidden_state.mean(1), dim=-1)[0]


@pytest.mark.parametrize("seed", [0, 1])
def test_ablation_effects_match_one_ablation_at_a_time(seed):
    from attention.bert_layer import _ablation_effects

    bert = tiny_bert(seed)
    ids = torch.randint(1, 50, (1, 8), generator=torch.Generator().manual_seed(seed))
    base = embedding_of(bert, ids)
    effects = _ablation_effects(bert, ids)
    assert effects.shape == (3, 4)
    for layer in range(3):
        for head in range(4):
            with ablate_head(bert, layer, head):
                expected = 1 - float(base @ embedding_of(bert, ids))
            assert abs(float(effects[layer, head]) - expected) < 1e-5
    assert not bert.encoder.layer[0].attention.output.dense._forward_pre_hooks  # hooks removed


def test_head_ablation_effects_on_minilm():
    from attention import head_ablation_effects

    text = "The animal was tired."
    effects = head_ablation_effects(text)
    assert effects.shape == (6, 12) and (effects > -1e-6).all()
    base = sentence_embedding([text])[0]
    for layer, head in [(0, 0), (3, 1), (5, 11)]:
        with ablate_head(load_pretrained().model, layer, head):
            expected = 1 - float(base @ sentence_embedding([text])[0])
        assert abs(float(effects[layer, head]) - expected) < 1e-5
    with pytest.raises(ValueError, match="text"):
        head_ablation_effects("")

"""Training: a tiny model learns in seconds, reproducibly, and the masking recipe is BERT's."""

from __future__ import annotations

import pytest
import torch

from sslgloss.errors import ModelError
from sslgloss.ml.causal_model import CausalLM, CausalLMConfig
from sslgloss.ml.data import pack
from sslgloss.ml.masked_model import MaskedLM, MaskedLMConfig
from sslgloss.ml.masking import MaskingConfig, mask_tokens
from sslgloss.ml.tokenizer import MASK, SEP, SPECIAL_TOKENS
from sslgloss.ml.train import preset, train, with_overrides


def _tiny(kind, tokenizer, steps, **overrides):
    chosen = preset("tiny", kind, tokenizer.get_vocab_size())
    stream = pack(tokenizer, overrides.pop("lines", tokenizer.toy_lines))
    return train(kind, stream, tokenizer, chosen.model, with_overrides(chosen.train, steps=steps, **overrides), progress=False)


def test_tiny_masked_model_loss_falls(toy_tokenizer):
    result = _tiny("masked", toy_tokenizer, 120)
    start, end = sum(result.losses[:10]) / 10, sum(result.losses[-10:]) / 10
    assert end < 0.6 * start, (start, end)


def test_tiny_next_word_model_loss_falls(toy_tokenizer):
    result = _tiny("next-word", toy_tokenizer, 120)
    start, end = sum(result.losses[:10]) / 10, sum(result.losses[-10:]) / 10
    assert end < 0.5 * start, (start, end)


def test_same_seed_same_weights(toy_tokenizer):
    a = _tiny("masked", toy_tokenizer, 5, seed=3).model.state_dict()
    b = _tiny("masked", toy_tokenizer, 5, seed=3).model.state_dict()
    c = _tiny("masked", toy_tokenizer, 5, seed=4).model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_memorised_sentence_is_recovered(toy_tokenizer):
    sentence = "the cat sat on the mat."
    result = _tiny("masked", toy_tokenizer, 150, lines=[sentence] * 50)
    tok = toy_tokenizer
    ids = [tok.token_to_id(SEP), *tok.encode("the cat sat on the [MASK].", add_special_tokens=False).ids, tok.token_to_id(SEP)]
    pos = ids.index(tok.token_to_id(MASK))
    logits, _ = result.model(torch.tensor([ids]))
    assert tok.id_to_token(int(logits[0, pos].argmax())) == "mat"


def test_masking_follows_bert_proportions():
    torch.manual_seed(0)
    B, T, V = 256, 100, 1000
    ids = torch.randint(len(SPECIAL_TOKENS), V, (B, T))
    ids[:, 0] = 3  # a [SEP] at the start of every row must never be chosen
    gen = torch.Generator().manual_seed(0)
    inputs, targets = mask_tokens(ids, MaskingConfig(), mask_id=4, vocab_size=V, special_ids=[0, 1, 2, 3, 4],
                                  generator=gen, first_random_id=5)
    chosen = targets != -100
    assert (chosen.sum(1) == 15).all()  # a fixed number per row: 15% of 100
    assert not chosen[:, 0].any()
    assert torch.equal(targets[chosen], ids[chosen])
    became_mask = (inputs[chosen] == 4).float().mean()
    kept = (inputs[chosen] == ids[chosen]).float().mean()
    assert abs(became_mask - 0.8) < 0.03 and abs(kept - 0.1) < 0.03  # the rest (~10%) are random tokens
    assert torch.equal(inputs[~chosen], ids[~chosen])


def test_masking_is_configurable():
    ids = torch.randint(5, 100, (64, 50))
    inputs, targets = mask_tokens(ids, MaskingConfig(rate=0.4, mask_prob=1.0, random_prob=0.0), 4, 100, [0, 1, 2, 3, 4])
    chosen = targets != -100
    assert (chosen.sum(1) == 20).all() and (inputs[chosen] == 4).all()


def test_models_return_logits_and_loss():
    m = MaskedLM(MaskedLMConfig(vocab_size=50, d_model=16, n_layers=1, n_heads=4, d_ff=32))
    logits, loss = m(torch.randint(0, 50, (2, 7)))
    assert logits.shape == (2, 7, 50) and loss is None
    c = CausalLM(CausalLMConfig(vocab_size=50, d_model=16, n_layers=1, n_heads=4, d_ff=32, block_size=8))
    x = torch.randint(0, 50, (2, 7))
    logits, loss = c(x, x)
    assert logits.shape == (2, 7, 50) and loss.item() > 0


def test_kv_cache_gives_the_same_logits_as_a_full_pass():
    torch.manual_seed(0)
    c = CausalLM(CausalLMConfig(vocab_size=50, d_model=16, n_layers=2, n_heads=4, d_ff=32, block_size=16)).eval()
    x = torch.randint(0, 50, (1, 9))
    full, _ = c(x)
    cache = c.new_cache()
    first, _ = c(x[:, :5], kv_cache=cache)
    steps = [c(x[:, i : i + 1], kv_cache=cache)[0] for i in range(5, 9)]
    assert torch.allclose(torch.cat([first, *steps], dim=1), full, atol=1e-5)


def test_decode_step_matches_the_full_pass_and_can_hand_back_to_forward():
    torch.manual_seed(0)
    c = CausalLM(CausalLMConfig(vocab_size=50, d_model=16, n_layers=2, n_heads=4, d_ff=32, block_size=16)).eval()
    x = torch.randint(0, 50, (1, 12))
    full, _ = c(x)
    cache = c.new_cache()
    c(x[:, :5], kv_cache=cache)
    steps = [c.decode_step(int(x[0, i]), cache) for i in range(5, 9)]  # the generation path
    assert torch.allclose(torch.stack(steps), full[0, 5:9], atol=1e-5)
    more, _ = c(x[:, 9:12], kv_cache=cache)  # forward() continues from a cache decode_step filled
    assert torch.allclose(more[0], full[0, 9:12], atol=1e-5)
    last, _ = c(x, last_only=True)
    assert last.shape == (1, 1, 50) and torch.allclose(last[0, 0], full[0, -1], atol=1e-6)


def test_decode_layers_run_compiled_and_compute_what_the_python_function_does():
    from sslgloss.ml import causal_model

    fn = causal_model._decode_layers_fn()
    assert isinstance(fn, torch.jit.ScriptFunction)  # else generation silently loses its speed-up
    torch.manual_seed(0)
    c = CausalLM(CausalLMConfig(vocab_size=50, d_model=16, n_layers=2, n_heads=4, d_ff=32, block_size=8)).eval()
    layers = c._decode_weights()["layers"]
    bias = c._decode_weights()["alibi"][:, 8 - 1 - 2 :].unsqueeze(1)
    x = torch.randn(1, 16)
    bufs = [[torch.randn(4, 8, 4) for _ in range(2)] for _ in range(2)]
    copies = [[b.clone() for b in pair] for pair in bufs]
    with torch.inference_mode():
        a = fn(x, layers, bufs[0], bufs[1], 2, bias, 4, 1e-5)
        b = causal_model.decode_layers(x, layers, copies[0], copies[1], 2, bias, 4, 1e-5)
    assert torch.allclose(a, b, atol=1e-6) and torch.allclose(bufs[0][1], copies[0][1])


def test_decode_step_notices_changed_weights_and_a_full_cache():
    torch.manual_seed(0)
    c = CausalLM(CausalLMConfig(vocab_size=50, d_model=16, n_layers=1, n_heads=4, d_ff=32, block_size=4)).eval()
    cache = c.new_cache()
    c(torch.tensor([[1, 2, 3]]), kv_cache=cache)
    before = c.decode_step(4, cache)
    with torch.no_grad():
        c.tok_emb.weight.mul_(2)  # e.g. a live training step between two generations
    cache = c.new_cache()
    c(torch.tensor([[1, 2, 3]]), kv_cache=cache)
    after = c.decode_step(4, cache)
    assert torch.allclose(after, c(torch.tensor([[1, 2, 3, 4]]))[0][0, -1], atol=1e-5)
    assert not torch.allclose(before, after)
    with pytest.raises(ValueError, match="block_size"):
        c.decode_step(5, cache)


def test_masked_attention_heads_look_left_right_and_both_ways():
    m = MaskedLM(MaskedLMConfig(vocab_size=50, d_model=16, n_layers=1, n_heads=4, d_ff=32)).eval()
    att = m.attention_maps(torch.randint(0, 50, (1, 6)))[0][0]  # (H, T, T)
    assert torch.allclose(att.sum(-1), torch.ones(4, 6), atol=1e-5)
    assert (att[0].triu(1) == 0).all()  # head 0: only itself and the left
    assert (att[1].tril(-1) == 0).all()  # head 1: only itself and the right
    assert (att[2].triu(1) > 0).any() and (att[2].tril(-1) > 0).any()


def test_a_masked_model_can_start_from_a_next_word_models_weights(toy_tokenizer):
    from sslgloss.ml.train import warm_start

    size = dict(vocab_size=50, d_model=16, n_layers=2, n_heads=4, d_ff=32)
    causal = CausalLM(CausalLMConfig(block_size=16, **size))
    masked = MaskedLM(MaskedLMConfig(**size))
    copied = warm_start(masked, causal.state_dict())
    # the shared transformer: embedding, every block, the final norm; not the masked model's own head
    assert "tok_emb.weight" in copied and "blocks.1.mlp.fc.weight" in copied and "ln_f.weight" in copied
    assert not any(name.startswith("head_") for name in copied)
    assert torch.equal(masked.blocks[0].attn.qkv.weight, causal.blocks[0].attn.qkv.weight)
    # a warm start from a trained next-word model begins well below a fresh model's loss
    teacher = _tiny("next-word", toy_tokenizer, 150).model
    chosen = preset("tiny", "masked", toy_tokenizer.get_vocab_size())
    stream = pack(toy_tokenizer, toy_tokenizer.toy_lines)
    config = with_overrides(chosen.train, steps=5)
    fresh = train("masked", stream, toy_tokenizer, chosen.model, config, progress=False)
    warm = train("masked", stream, toy_tokenizer, chosen.model, config, progress=False, init_state=teacher.state_dict())
    assert sum(warm.losses) < sum(fresh.losses)
    with pytest.raises(ModelError, match="shares no parameter"):
        train("masked", stream, toy_tokenizer, chosen.model, config, progress=False, init_state={"x": torch.zeros(1)})

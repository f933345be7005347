"""A small GPT-like causal language model: predict the next token from the ones before it.

Position comes from ALiBi (a causal attention bias of -slope * distance per
head; Press et al., 2022) rather than a position table, and generation keeps a
key/value cache so each new token costs one position's work, not the whole
prefix again.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from sslgloss.ml.blocks import Block, alibi_slopes, init_weights


def decode_layers(x: torch.Tensor, layers: list[list[torch.Tensor]], kbufs: list[torch.Tensor],
                  vbufs: list[torch.Tensor], past: int, bias: torch.Tensor, n_heads: int, eps: float) -> torch.Tensor:
    """The transformer blocks for one new token (x: (1, C)); writes its key and value at ``past``.

    ``layers[i]``: ln1 weight, ln1 bias, qkv bias, qkv weight (in, out), proj bias, proj weight, ln2
    weight, ln2 bias, fc bias, fc weight, mlp-out bias, mlp-out weight. ``bias``: ALiBi, (H, 1, past + 1).
    """
    C = x.shape[1]
    hd = C // n_heads
    scale = 1.0 / math.sqrt(hd)
    for i in range(len(layers)):
        w = layers[i]
        kbuf, vbuf = kbufs[i], vbufs[i]
        h = F.layer_norm(x, [C], w[0], w[1], eps)
        qkv = torch.addmm(w[2], h, w[3]).view(3, n_heads, hd)
        kbuf[:, past] = qkv[1]
        vbuf[:, past] = qkv[2]
        keys, values = kbuf[:, : past + 1], vbuf[:, : past + 1]  # (H, past + 1, hd)
        scores = torch.baddbmm(bias, qkv[0].unsqueeze(1), keys.transpose(1, 2), alpha=scale)
        y = torch.bmm(scores.softmax(dim=-1), values).view(1, C)
        x = x + torch.addmm(w[4], y, w[5])
        h = F.layer_norm(x, [C], w[6], w[7], eps)
        x = x + torch.addmm(w[10], F.gelu(torch.addmm(w[8], h, w[9])), w[11])
    return x


@functools.cache  # once per process (two threads racing here at worst compile it twice)
def _decode_layers_fn():
    """decode_layers through TorchScript (measured ~30% faster per generated token), else as Python."""
    try:
        with warnings.catch_warnings():  # torch 2.13 marks TorchScript deprecated; it still works
            warnings.filterwarnings("ignore", message=".*torch.jit.script.*deprecated", category=DeprecationWarning)
            return torch.jit.script(decode_layers)
    except Exception:  # a torch without TorchScript: the Python function computes the same
        return decode_layers


@dataclass
class CausalLMConfig:
    vocab_size: int = 8192
    d_model: int = 256
    n_layers: int = 4
    n_heads: int = 4
    d_ff: int = 1024
    block_size: int = 128  # context length used in training; generation keeps at most this many tokens
    dropout: float = 0.1


class CausalLM(nn.Module):
    def __init__(self, config: CausalLMConfig):
        super().__init__()
        self.config = config
        c = config
        self.tok_emb = nn.Embedding(c.vocab_size, c.d_model)
        self.drop = nn.Dropout(c.dropout)
        self.blocks = nn.ModuleList([Block(c.d_model, c.n_heads, c.d_ff, c.dropout) for _ in range(c.n_layers)])
        self.ln_f = nn.LayerNorm(c.d_model)
        self.register_buffer("slopes", alibi_slopes(c.n_heads), persistent=False)
        init_weights(self, c.n_layers)
        # the output layer is the embedding matrix (tied): fewer parameters, and it helps small models

    def _bias(self, past: int, T: int, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        q_pos = torch.arange(past, past + T)
        k_pos = torch.arange(0, past + T)
        dist = q_pos[:, None] - k_pos[None, :]  # (T, past + T), >= 0 where the key is visible
        bias = (-self.slopes[:, None, None] * dist).masked_fill(dist < 0, float("-inf"))  # (H, T, past + T)
        bias = bias.unsqueeze(0)  # (1, H, T, past + T)
        if attention_mask is not None:  # (B, past + T), 0 = padding key
            bias = bias.masked_fill((attention_mask == 0)[:, None, None, :], float("-inf"))
        return bias

    def forward(
        self,
        idx: torch.Tensor,  # (B, T)
        targets: torch.Tensor | None = None,  # (B, T) next-token ids, -100 where there is none
        kv_cache: list[dict] | None = None,  # one dict per layer, from new_cache(); updated in place
        attn_out: list | None = None,
        last_only: bool = False,  # logits for the last position only, (B, 1, V): all that inference needs
    ):
        B, T = idx.shape
        past = kv_cache[0]["k"].shape[2] if kv_cache and "k" in kv_cache[0] else 0
        bias = self._bias(past, T)
        x = self.drop(self.tok_emb(idx))  # (B, T, C)
        for i, block in enumerate(self.blocks):
            x = block(x, bias, kv_cache[i] if kv_cache is not None else None, attn_out)
        if last_only:
            x = x[:, -1:]  # the vocabulary projection is the single largest matrix: skip it where unused
        x = self.ln_f(x)
        logits = x @ self.tok_emb.weight.T  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    def new_cache(self) -> list[dict]:
        return [{} for _ in self.blocks]

    def _decode_weights(self) -> dict:
        """The weights transposed to (in, out) and contiguous, for decode_step; rebuilt when any changes.

        One-row products read the whole matrix from memory; in this layout MKL reads it about twice
        as fast as through the (out, in) layout of nn.Linear (measured: 1.0 vs 0.5 ms for the
        8,192-word output matrix with a cold cache). Costs one more copy of the matrices (~21 MB).
        """
        key = tuple(p._version for p in self.parameters())
        packed = getattr(self, "_decode_pack", None)
        if packed is None or packed["key"] != key:
            t = lambda w: w.detach().T.contiguous()  # noqa: E731
            d = lambda w: w.detach()  # noqa: E731
            packed = {
                "key": key,
                # per block, in decode_layers' order
                "layers": [
                    [d(b.ln1.weight), d(b.ln1.bias), d(b.attn.qkv.bias), t(b.attn.qkv.weight),
                     d(b.attn.proj.bias), t(b.attn.proj.weight), d(b.ln2.weight), d(b.ln2.bias),
                     d(b.mlp.fc.bias), t(b.mlp.fc.weight), d(b.mlp.proj.bias), t(b.mlp.proj.weight)]
                    for b in self.blocks
                ],
                "out": t(self.tok_emb.weight),
                # -slope * distance for distances block_size-1 .. 0: a query at position p reads the last p+1
                "alibi": -self.slopes[:, None] * torch.arange(self.config.block_size - 1, -1, -1, dtype=torch.float32),
            }
            self._decode_pack = packed
        return packed

    @torch.inference_mode()
    def decode_step(self, token: int, kv_cache: list[dict]) -> torch.Tensor:
        """Vocabulary logits (V,) for one more token after the cached prefix (batch 1, eval mode).

        The same computation as ``forward(torch.tensor([[token]]), kv_cache=..., last_only=True)``,
        written for generation's one-token-at-a-time loop: no batch or time dimension, keys and values
        written into buffers of ``block_size`` instead of concatenated, weights pre-transposed
        (see _decode_weights), and the layers run by a TorchScript function (decode_layers) so the
        ~80 small tensor operations of a step skip Python's per-call overhead.
        benchmarks/bench_models.py measures the result.
        """
        c = self.config
        H, C = c.n_heads, c.d_model
        hd = C // H
        past = kv_cache[0]["k"].shape[2] if "k" in kv_cache[0] else 0
        if past >= c.block_size:
            raise ValueError(f"the cache already holds {past} tokens, the model's block_size is {c.block_size}")
        packed = self._decode_weights()
        bias = packed["alibi"][:, c.block_size - 1 - past :].unsqueeze(1)  # (H, 1, past + 1)
        for cache in kv_cache:
            if cache.get("kbuf_len") != past:  # first step after a forward(): copy its keys and values in
                cache["kbuf"] = torch.empty(H, c.block_size, hd)
                cache["vbuf"] = torch.empty(H, c.block_size, hd)
                if past:
                    cache["kbuf"][:, :past] = cache["k"][0]
                    cache["vbuf"][:, :past] = cache["v"][0]
        x = self.tok_emb.weight[token].view(1, C)
        x = _decode_layers_fn()(x, packed["layers"], [cache["kbuf"] for cache in kv_cache],
                                [cache["vbuf"] for cache in kv_cache], past, bias, H, self.blocks[0].ln1.eps)
        for cache in kv_cache:  # keep the forward() view of the cache in step, so either path can continue
            cache["k"] = cache["kbuf"][:, : past + 1].unsqueeze(0)
            cache["v"] = cache["vbuf"][:, : past + 1].unsqueeze(0)
            cache["kbuf_len"] = past + 1
        x = F.layer_norm(x, (C,), self.ln_f.weight, self.ln_f.bias, self.ln_f.eps)
        return (x @ packed["out"])[0]

    @torch.no_grad()
    def attention_maps(self, idx: torch.Tensor) -> list[torch.Tensor]:
        maps: list[torch.Tensor] = []
        self.forward(idx, attn_out=maps)
        return maps

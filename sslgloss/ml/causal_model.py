"""A small GPT-like causal language model: predict the next token from the ones before it.

Position comes from ALiBi (a causal attention bias of -slope * distance per
head; Press et al., 2022) rather than a position table, and generation keeps a
key/value cache so each new token costs one position's work, not the whole
prefix again.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from sslgloss.ml.blocks import Block, alibi_slopes, init_weights


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
    ):
        B, T = idx.shape
        past = kv_cache[0]["k"].shape[2] if kv_cache and "k" in kv_cache[0] else 0
        bias = self._bias(past, T)
        x = self.drop(self.tok_emb(idx))  # (B, T, C)
        for i, block in enumerate(self.blocks):
            x = block(x, bias, kv_cache[i] if kv_cache is not None else None, attn_out)
        x = self.ln_f(x)
        logits = x @ self.tok_emb.weight.T  # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100)
        return logits, loss

    def new_cache(self) -> list[dict]:
        return [{} for _ in self.blocks]

    @torch.no_grad()
    def attention_maps(self, idx: torch.Tensor) -> list[torch.Tensor]:
        maps: list[torch.Tensor] = []
        self.forward(idx, attn_out=maps)
        return maps

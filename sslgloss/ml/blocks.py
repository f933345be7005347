"""The transformer block both language models are built from (pre-LayerNorm, GPT-2 style).

Position enters only through an additive attention bias that each model builds
(ALiBi-like: a penalty growing with distance), so there is no position
embedding table and the models run on inputs a little longer than they saw.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class SelfAttention(nn.Module):
    def __init__(self, d_model: int, n_heads: int, dropout: float):
        super().__init__()
        assert d_model % n_heads == 0, "d_model must be divisible by n_heads"
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.dropout = dropout
        self.resid_drop = nn.Dropout(dropout)

    def forward(
        self,
        x: torch.Tensor,  # (B, T, C)
        attn_bias: torch.Tensor,  # (B or 1, H, T, T_total), additive, -inf where not allowed
        kv_cache: dict | None = None,  # {"k": (B, H, T_past, hd), "v": ...}, updated in place
        attn_out: list | None = None,  # when given, the attention weights (B, H, T, T_total) are appended
    ) -> torch.Tensor:
        B, T, C = x.shape
        hd = C // self.n_heads
        q, k, v = self.qkv(x).split(C, dim=2)
        q = q.view(B, T, self.n_heads, hd).transpose(1, 2)  # (B, H, T, hd)
        k = k.view(B, T, self.n_heads, hd).transpose(1, 2)
        v = v.view(B, T, self.n_heads, hd).transpose(1, 2)
        if kv_cache is not None:
            if "k" in kv_cache:
                k = torch.cat([kv_cache["k"], k], dim=2)  # (B, H, T_past + T, hd)
                v = torch.cat([kv_cache["v"], v], dim=2)
            kv_cache["k"], kv_cache["v"] = k, v
        if attn_out is not None:
            # explicit softmax so the weights can be shown; only used for visualisation
            att = (q @ k.transpose(-2, -1)) / math.sqrt(hd) + attn_bias
            att = att.softmax(dim=-1)
            attn_out.append(att)
            y = att @ v
        else:
            y = F.scaled_dot_product_attention(
                q, k, v, attn_mask=attn_bias.to(q.dtype), dropout_p=self.dropout if self.training else 0.0
            )
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        return self.resid_drop(self.proj(y))


class MLP(nn.Module):
    def __init__(self, d_model: int, d_ff: int, dropout: float):
        super().__init__()
        self.fc = nn.Linear(d_model, d_ff)
        self.proj = nn.Linear(d_ff, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.proj(F.gelu(self.fc(x))))


class Block(nn.Module):
    def __init__(self, d_model: int, n_heads: int, d_ff: int, dropout: float):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = SelfAttention(d_model, n_heads, dropout)
        self.ln2 = nn.LayerNorm(d_model)
        self.mlp = MLP(d_model, d_ff, dropout)

    def forward(self, x, attn_bias, kv_cache=None, attn_out=None):
        x = x + self.attn(self.ln1(x), attn_bias, kv_cache, attn_out)
        return x + self.mlp(self.ln2(x))


def alibi_slopes(n_heads: int) -> torch.Tensor:
    """ALiBi's geometric slopes 2^(-8/n), 2^(-16/n), ... (Press et al., 2022)."""
    return torch.tensor([2 ** (-8 * (h + 1) / n_heads) for h in range(n_heads)])


def init_weights(model: nn.Module, n_layers: int) -> None:
    """GPT-2 initialisation: N(0, 0.02), residual projections scaled down by depth."""
    for name, p in model.named_parameters():
        if p.dim() >= 2:
            std = 0.02 / math.sqrt(2 * n_layers) if name.endswith("proj.weight") else 0.02
            nn.init.normal_(p, mean=0.0, std=std)
        elif name.endswith("bias"):
            nn.init.zeros_(p)

"""A masked autoencoder (MAE) for tiny images: hide some patches, reconstruct their pixels.

The model follows He et al. (2021) at toy scale: the image is cut into
patches, the encoder attends only over the visible patches (plus one always
visible summary token), and a light decoder gets the encoded visible patches
plus a learned "mask token" at every hidden position and predicts the hidden
pixels. The loss is the mean squared error over hidden pixels only, so the
model is rewarded for inferring what it cannot see, not for copying.

Instead of gathering the visible patches into a shorter sequence (the paper's
trick for speed), hidden patches are excluded with an attention key mask:
the result is the same, and it lets every image in a batch hide a different
number of patches, which the demo needs (a learner can hide any patches).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class MAEConfig:
    image_size: int = 8  # pixels per side
    patch_size: int = 2  # pixels per patch side -> (8 / 2)^2 = 16 patches of 4 pixels
    dim: int = 64
    heads: int = 4
    encoder_layers: int = 2
    decoder_layers: int = 1
    mlp_ratio: int = 2

    @property
    def patches_per_side(self) -> int:
        return self.image_size // self.patch_size

    @property
    def num_patches(self) -> int:
        return self.patches_per_side ** 2

    @property
    def patch_dim(self) -> int:
        return self.patch_size ** 2


def patchify(images: torch.Tensor, patch_size: int) -> torch.Tensor:
    """(B, H, W) -> (B, N, P): patches in row-major order, pixels row-major inside a patch."""
    b, h, w = images.shape
    p = patch_size
    x = images.reshape(b, h // p, p, w // p, p)  # (B, rows, p, cols, p)
    return x.permute(0, 1, 3, 2, 4).reshape(b, (h // p) * (w // p), p * p)


def unpatchify(patches: torch.Tensor, patch_size: int) -> torch.Tensor:
    """(B, N, P) -> (B, H, W), the inverse of ``patchify``."""
    b, n, _ = patches.shape
    p = patch_size
    side = int(round(n ** 0.5))
    x = patches.reshape(b, side, side, p, p).permute(0, 1, 3, 2, 4)  # (B, rows, p, cols, p)
    return x.reshape(b, side * p, side * p)


def _blocks(cfg: MAEConfig, layers: int) -> nn.TransformerEncoder:
    layer = nn.TransformerEncoderLayer(cfg.dim, cfg.heads, cfg.dim * cfg.mlp_ratio, dropout=0.0,
                                       activation="gelu", batch_first=True, norm_first=True)
    return nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)


class MaskedAutoencoder(nn.Module):
    def __init__(self, config: MAEConfig):
        super().__init__()
        self.config = config
        n, d = config.num_patches, config.dim
        self.patch_embed = nn.Linear(config.patch_dim, d)
        self.pos_embed = nn.Parameter(torch.randn(1, n, d) * 0.02)
        self.summary_token = nn.Parameter(torch.zeros(1, 1, d))  # always visible: no row is ever all-masked
        self.encoder = _blocks(config, config.encoder_layers)
        self.encoder_norm = nn.LayerNorm(d)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, d))
        self.decoder_pos_embed = nn.Parameter(torch.randn(1, n, d) * 0.02)
        self.decoder = _blocks(config, config.decoder_layers)
        self.decoder_norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, config.patch_dim)

    def encode(self, patches: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Encode visible patches. patches (B, N, P), mask (B, N) True = hidden -> (B, 1 + N, D).

        Outputs at hidden positions are meaningless and must not be used.
        """
        b = patches.shape[0]
        x = self.patch_embed(patches) + self.pos_embed  # (B, N, D)
        x = torch.cat([self.summary_token.expand(b, -1, -1), x], dim=1)  # (B, 1+N, D)
        padding = torch.cat([torch.zeros(b, 1, dtype=torch.bool, device=mask.device), mask], dim=1)
        return self.encoder_norm(self.encoder(x, src_key_padding_mask=padding))

    def forward(self, patches: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Predict every patch's pixels from the visible ones; loss = MSE over hidden pixels.

        patches (B, N, P) in [0, 1]; mask (B, N) bool, True = hidden.
        Returns (predicted patches (B, N, P), loss).
        """
        encoded = self.encode(patches, mask)  # (B, 1+N, D)
        summary, tokens = encoded[:, :1], encoded[:, 1:]
        tokens = torch.where(mask.unsqueeze(-1), self.mask_token.expand_as(tokens), tokens)
        x = torch.cat([summary, tokens + self.decoder_pos_embed], dim=1)
        pred = self.head(self.decoder_norm(self.decoder(x)))[:, 1:]  # (B, N, P)
        hidden = mask.unsqueeze(-1).expand_as(pred)
        loss = F.mse_loss(pred[hidden], patches[hidden]) if hidden.any() else pred.sum() * 0.0
        return pred, loss

    @torch.no_grad()
    def features(self, patches: torch.Tensor) -> torch.Tensor:
        """Representation of whole images for a linear probe: (B, N, P) -> (B, 2D), nothing hidden."""
        mask = torch.zeros(patches.shape[:2], dtype=torch.bool)
        encoded = self.encode(patches, mask)
        return torch.cat([encoded[:, 0], encoded[:, 1:].mean(dim=1)], dim=-1)

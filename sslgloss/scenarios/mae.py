"""A masked autoencoder (MAE) for tiny images: hide some patches, reconstruct their pixels.

The image is cut into patches (2x2 pixels of an 8x8 digit: 16 patches); a
random subset is hidden; the encoder sees only the visible patches and
compresses them into a short code; the decoder predicts every pixel from
that code; the loss is the mean squared error over the *hidden* pixels
only, so the model is rewarded for inferring what it cannot see, not for
copying what it can (He et al., 2021, "Masked Autoencoders Are Scalable
Vision Learners").

Encoder and decoder are small MLPs rather than the paper's vision
transformer. An MLP takes a fixed-size input, so hidden patches are zeroed
and 16 flags say which ones are hidden; the paper's encoder drops them from
the sequence instead. The information is the same, only the cost on large
images differs. We tried a 2-layer transformer first: on 16 patches it sat
on the "paint the average digit" plateau for hundreds of steps, whereas
the MLP leaves it within a few seconds of training, which a live demo
trained on first use needs.
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
    hidden: int = 256
    latent: int = 64  # the code the linear probe reads

    @property
    def num_patches(self) -> int:
        return (self.image_size // self.patch_size) ** 2

    @property
    def num_pixels(self) -> int:
        return self.image_size ** 2


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


class MaskedAutoencoder(nn.Module):
    def __init__(self, config: MAEConfig):
        super().__init__()
        self.config = config
        n_in = config.num_pixels + config.num_patches  # visible pixels + which patches are hidden
        self.encoder = nn.Sequential(nn.Linear(n_in, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, config.latent))
        self.decoder = nn.Sequential(nn.GELU(), nn.Linear(config.latent + config.num_patches, config.hidden),
                                     nn.GELU(), nn.Linear(config.hidden, config.num_pixels))

    def encode(self, patches: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """patches (B, N, P) in [0, 1], mask (B, N) True = hidden -> code (B, latent)."""
        visible = patches.masked_fill(mask.unsqueeze(-1), 0.0).flatten(1)  # (B, N*P): hidden pixels erased
        return self.encoder(torch.cat([visible, mask.float()], dim=1))

    def forward(self, patches: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Predict every patch from the visible ones; loss = MSE over hidden pixels.

        patches (B, N, P); mask (B, N) bool, True = hidden. Returns (predicted patches (B, N, P), loss).
        """
        code = self.encode(patches, mask)  # (B, latent)
        pred = self.decoder(torch.cat([code, mask.float()], dim=1)).view_as(patches)  # (B, N, P)
        hidden = mask.unsqueeze(-1).expand_as(pred)
        loss = F.mse_loss(pred[hidden], patches[hidden]) if hidden.any() else pred.sum() * 0.0
        return pred, loss

    @torch.no_grad()
    def features(self, patches: torch.Tensor) -> torch.Tensor:
        """Representation of whole images for a linear probe: (B, N, P) -> (B, latent), nothing hidden."""
        return self.encode(patches, torch.zeros(patches.shape[:2], dtype=torch.bool))

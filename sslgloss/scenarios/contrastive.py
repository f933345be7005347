"""A SimCLR-style contrastive encoder for spectrograms, and its NT-Xent loss.

Two augmented views of the same clip are a positive pair; the other 2B - 2
views in the batch are negatives. The encoder is a small CNN that pools
over both time and frequency, so an embedding says *what patterns* occur
(rhythms, timbres, intervals) more than *when* or *at which pitch*: that
inductive bias, plus augmentations that shift time and pitch, is what lets
style emerge without labels (Chen et al., 2020, "A Simple Framework for
Contrastive Learning of Visual Representations").
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class EncoderConfig:
    n_mels: int = 32
    channels: tuple[int, ...] = (16, 32, 64)
    embed_dim: int = 64  # what the demo shows and clusters
    proj_dim: int = 32  # where the loss is computed (SimCLR's projection head)
    temperature: float = 0.2


class SpectrogramEncoder(nn.Module):
    def __init__(self, config: EncoderConfig):
        super().__init__()
        layers: list[nn.Module] = []
        c_in = 1
        for i, c in enumerate(config.channels):
            layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU()]
            if i < len(config.channels) - 1:
                layers.append(nn.MaxPool2d(2))
            c_in = c
        self.conv = nn.Sequential(*layers)
        self.out = nn.Linear(2 * c_in, config.embed_dim)

    def forward(self, spec: torch.Tensor) -> torch.Tensor:
        """(B, n_mels, T) log-mel -> (B, embed_dim)."""
        x = spec.unsqueeze(1)  # (B, 1, M, T)
        x = (x - x.mean(dim=(2, 3), keepdim=True)) / (x.std(dim=(2, 3), keepdim=True) + 1e-5)  # loudness-free
        x = self.conv(x)  # (B, C, M', T')
        pooled = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1)  # (B, 2C): where-free
        return self.out(pooled)


def nt_xent(z_a: torch.Tensor, z_b: torch.Tensor, temperature: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Normalised-temperature cross-entropy over 2B views. Returns (similarity logits (2B, 2B), loss)."""
    z = F.normalize(torch.cat([z_a, z_b]), dim=1)  # (2B, P)
    logits = z @ z.T / temperature  # (2B, 2B)
    n = z_a.shape[0]
    logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool), float("-inf"))  # a view is not its own pair
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return logits, F.cross_entropy(logits, targets)


class ContrastiveModel(nn.Module):
    def __init__(self, config: EncoderConfig):
        super().__init__()
        self.config = config
        self.encoder = SpectrogramEncoder(config)
        self.projection = nn.Sequential(nn.Linear(config.embed_dim, config.embed_dim), nn.ReLU(),
                                        nn.Linear(config.embed_dim, config.proj_dim))

    def forward(self, view_a: torch.Tensor, view_b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Two batches of spectrograms, (B, M, T) each, row i of both from the same clip -> (logits, loss)."""
        z_a = self.projection(self.encoder(view_a))
        z_b = self.projection(self.encoder(view_b))
        return nt_xent(z_a, z_b, self.config.temperature)

    @torch.no_grad()
    def embed(self, spec: torch.Tensor) -> torch.Tensor:
        """(B, M, T) -> (B, embed_dim), L2-normalised: the representation the demo maps and clusters."""
        return F.normalize(self.encoder(spec), dim=1)

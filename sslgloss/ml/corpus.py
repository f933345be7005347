"""The text the small language models learn from: the glossary plus WordNet 3.0, offline.

Sources and licences
--------------------
* **WordNet 3.0** glosses and their quoted example sentences, read from Debian's
  ``wordnet-base`` package (``/usr/share/wordnet/data.{noun,verb,adj,adv}``,
  Latin-1; ``apt-get install -y wordnet-base``). WordNet is (c) 2006 Princeton
  University under the WordNet 3.0 licence, a permissive licence that allows
  use, copying and redistribution with its copyright notice
  (https://wordnet.princeton.edu/license-and-commercial-use). The example
  sentences are everyday English ("the team is a unit"), which is what makes
  prompts such as "The cat sat on the [MASK]." answerable at all.
* **The glossary itself**: every term's title, summary and section text (this
  project, MIT licence), repeated a few times because it is small and it is the
  register the demos are about.

One line per WordNet synset: ``lemma, lemma: gloss; "example"; "example"``.
The headwords stay in front of the gloss because a transformer can use them
(the examples usually repeat the headword) where a trigram model cannot.

The held-out split is a pure function of each line's text (a hash), so it is
the same on every machine and does not shift when the glossary grows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from sslgloss.errors import ModelError

WORDNET_DIR = Path("/usr/share/wordnet")
WORDNET_FILES = ("data.noun", "data.verb", "data.adj", "data.adv")
SOURCE_NOTE = (
    "WordNet 3.0 glosses and example sentences (c) 2006 Princeton University, WordNet 3.0 licence "
    "(permissive; redistribution allowed with the notice), read from Debian's wordnet-base; "
    "plus the sslgloss glossary term files (MIT)."
)
HELDOUT_PERCENT = 2  # ~2,400 lines: enough for stable top-5 and perplexity figures


@dataclass
class Corpus:
    """Training and held-out lines plus where they came from."""

    train: list[str]
    heldout: list[str]
    sources: dict[str, int] = field(default_factory=dict)  # source name -> line count (before split)
    note: str = SOURCE_NOTE

    @property
    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for line in self.train + ["\x00"] + self.heldout:
            h.update(line.encode("utf-8"))
            h.update(b"\n")
        return h.hexdigest()[:16]


def is_heldout(line: str, percent: int = HELDOUT_PERCENT) -> bool:
    """Deterministic split: a line is held out when its hash falls in the first ``percent`` buckets."""
    digest = hashlib.md5(line.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "little") % 100 < percent


_ADJ_MARKER = re.compile(r"\((?:a|p|ip)\)$")


def parse_wordnet_line(line: str) -> str | None:
    """One synset line of a ``data.*`` file -> ``lemma, lemma: gloss`` (None for licence header lines).

    >>> parse_wordnet_line('00003553 03 n 02 whole 0 unit 0 015 @ 00002684 n 0000 | an assemblage; "the team is a unit"  ')
    'whole, unit: an assemblage; "the team is a unit"'
    """
    if line.startswith("  ") or " | " not in line:
        return None
    head, gloss = line.split(" | ", 1)
    fields = head.split()
    try:
        count = int(fields[3], 16)
    except (IndexError, ValueError):
        return None
    lemmas = []
    for i in range(count):
        word = fields[4 + 2 * i]
        word = _ADJ_MARKER.sub("", word).replace("_", " ")
        if word.lower() not in (w.lower() for w in lemmas):
            lemmas.append(word)
    gloss = gloss.strip()
    return f"{', '.join(lemmas)}: {gloss}" if lemmas else gloss


def wordnet_lines(directory: Path = WORDNET_DIR) -> list[str]:
    """Every synset of WordNet as one line; raises ModelError naming the apt package when missing."""
    lines: list[str] = []
    for name in WORDNET_FILES:
        path = Path(directory) / name
        if not path.exists():
            raise ModelError(
                f"WordNet data file {path} not found; install it with `apt-get install -y wordnet-base` "
                "(the training corpus and `sslgloss eval` need it; the shipped weights do not)"
            )
        with open(path, encoding="latin-1") as fh:
            for raw in fh:
                parsed = parse_wordnet_line(raw)
                if parsed:
                    lines.append(parsed)
    return lines


_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_WIKI_LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
_MD_NOISE = re.compile(r"[*_`>#]+")


def markdown_to_lines(text: str) -> list[str]:
    """Plain-text paragraphs of a Markdown body (code blocks, tables and HTML dropped, links kept as text)."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = _WIKI_LINK.sub(lambda m: m.group(2) or m.group(1).replace("-", " "), text)
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"<[^>]+>", " ", text)
    out = []
    for para in re.split(r"\n\s*\n", text):
        if para.lstrip().startswith("|"):
            continue
        para = _MD_NOISE.sub("", para)
        para = re.sub(r"^\s*(?:[-+]|\d+\.)\s+", "", para, flags=re.M)
        para = " ".join(para.split())
        if len(para.split()) >= 4:
            out.append(para)
    return out


def glossary_lines() -> list[str]:
    """The glossary's own text, one paragraph a line.

    Uses ``sslgloss.load_glossary()`` when the core API exists, else reads the
    term files directly (the one place to swap if the loading path changes).
    """
    try:
        from sslgloss import load_glossary  # type: ignore[attr-defined]

        glossary = load_glossary()
        lines = []
        for term in glossary.terms.values():
            lines.append(f"{term.title}: {term.summary}")
            for body in term.sections.values():
                lines.extend(markdown_to_lines(body))
        return lines
    except Exception:  # core API missing or glossary invalid: fall back to reading the files
        return _glossary_lines_from_files()


def _glossary_lines_from_files() -> list[str]:
    import yaml

    terms_dir = Path(__file__).resolve().parent.parent / "terms"
    lines: list[str] = []
    for path in sorted(terms_dir.glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        meta: dict = {}
        body = text
        if text.startswith("---"):
            parts = text.split("---", 2)
            if len(parts) == 3:
                try:
                    meta = yaml.safe_load(parts[1]) or {}
                except yaml.YAMLError:
                    meta = {}
                body = parts[2]
        if isinstance(meta, dict) and meta.get("title") and meta.get("summary"):
            lines.append(f"{meta['title']}: {' '.join(str(meta['summary']).split())}")
        body = re.sub(r"^#+ .*$", "\n", body, flags=re.M)
        lines.extend(markdown_to_lines(body))
    return lines


def build_corpus(
    include_wordnet: bool = True,
    include_glossary: bool = True,
    glossary_repeat: int = 4,
    wordnet_dir: Path = WORDNET_DIR,
    extra_lines: list[str] | None = None,
) -> Corpus:
    """The corpus, split deterministically into train and held-out lines."""
    sources: dict[str, int] = {}
    pool: list[tuple[str, int]] = []  # (line, repeat)
    if include_wordnet:
        wn = wordnet_lines(wordnet_dir)
        sources["wordnet-3.0"] = len(wn)
        pool += [(line, 1) for line in wn]
    if include_glossary:
        gl = glossary_lines()
        sources["glossary"] = len(gl)
        pool += [(line, glossary_repeat) for line in gl]
    if extra_lines:
        sources["extra"] = len(extra_lines)
        pool += [(line, 1) for line in extra_lines]
    train: list[str] = []
    heldout: list[str] = []
    for line, repeat in pool:
        if is_heldout(line):
            heldout.append(line)  # held-out text is never repeated
        else:
            train.extend([line] * repeat)
    if not train:
        raise ModelError("the training corpus is empty: enable WordNet or the glossary, or pass extra lines")
    return Corpus(train=train, heldout=heldout, sources=sources)

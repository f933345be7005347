"""The text the small language models learn from: WordNet 3.0, Jane Austen's novels and the glossary, offline.

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
* **Jane Austen's six completed novels** (1811-1817, public domain), as packaged by
  Julia Silge's janeaustenr (MIT licence), read from Debian's ``r-cran-janeaustenr``.
  WordNet is definitional: it has the *word* "sofa" but few scenes in which someone
  sits on one. The novels add ~0.7 M words of narrative and dialogue about rooms,
  doors, letters, tea, walks and weather, the everyday register of the probe
  sentences. Only the package's data files are read (``data/Rdata.rdb``, R's
  lazy-load format: zlib-compressed serialized character vectors, decoded with
  the ``rdata`` library), so R itself is not needed: ``make setup`` runs
  ``apt-get download r-cran-janeaustenr`` and unpacks it into the virtualenv
  (``.venv/share/sslgloss/janeaustenr``); an ``apt-get install`` of the package
  (which pulls in R) works too. One line per sentence.
* **The glossary itself**: every term's title, summary and section text (this
  project, MIT licence), repeated a few times because it is small and it is the
  register the demos are about.

One line per WordNet synset: ``gloss; "example"; "example"``, without the
synset's headwords. An earlier corpus put them in front (``cat, true cat: feline
mammal ...; "..."``): the examples repeat the headword, so a masked model could
often answer by copying a word from the start of the line, and it learned to copy.
It answered "The cat sat on the [MASK]." with *cat*, "He wrote a letter with a
[MASK]." with *letter*, "The sun rises in the [MASK]." with *sun*. Without the
headwords a hidden word in an example must come from its context.

The held-out split is a pure function of each line's text (a hash), so it is
the same on every machine and does not shift when the glossary grows.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sslgloss.errors import ModelError

WORDNET_DIR = Path("/usr/share/wordnet")
WORDNET_FILES = ("data.noun", "data.verb", "data.adj", "data.adv")
AUSTEN_PACKAGE = "r-cran-janeaustenr"
AUSTEN_NOVELS = ("sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion")
SOURCE_NOTE = (
    "WordNet 3.0 glosses and example sentences (c) 2006 Princeton University, WordNet 3.0 licence "
    "(permissive; redistribution allowed with the notice), read from Debian's wordnet-base; "
    "Jane Austen's six novels (public domain) from the janeaustenr package (c) Julia Silge, MIT, "
    "read from Debian's r-cran-janeaustenr; plus the sslgloss glossary term files (MIT)."
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


def _synset(line: str) -> tuple[str, list[str], str] | None:
    """One ``data.*`` line's part of speech, lemmas (once each, ``_`` read as a space) and gloss;
    None for the licence header lines and anything unreadable."""
    if line.startswith("  ") or " | " not in line:
        return None
    head, gloss = line.split(" | ", 1)
    fields = head.split()
    try:
        count, pos = int(fields[3], 16), fields[2]
    except (IndexError, ValueError):
        return None
    lemmas: list[str] = []
    for i in range(count):
        word = _ADJ_MARKER.sub("", fields[4 + 2 * i]).replace("_", " ")
        if word.lower() not in (w.lower() for w in lemmas):
            lemmas.append(word)
    return pos, lemmas, gloss.strip()


def parse_wordnet_line(line: str, headwords: bool = False) -> str | None:
    """One synset line of a ``data.*`` file -> its gloss (None for licence header lines).

    ``headwords=True`` puts the synset's lemmas in front, ``lemma, lemma: gloss`` (not used for
    training: see the module's docstring).

    >>> parse_wordnet_line('00003553 03 n 02 whole 0 unit 0 015 @ 00002684 n 0000 | an assemblage; "the team is a unit"  ')
    'an assemblage; "the team is a unit"'
    >>> parse_wordnet_line('00003553 03 n 02 whole 0 unit 0 015 @ 00002684 n 0000 | an assemblage  ', headwords=True)
    'whole, unit: an assemblage'
    """
    synset = _synset(line)
    if synset is None:
        return None
    _, lemmas, gloss = synset
    return f"{', '.join(lemmas)}: {gloss}" if lemmas and headwords else gloss


def _wordnet_files(directory: Path) -> Iterator[str]:
    """Every raw line of WordNet's four data files; ModelError naming the apt package when one is missing."""
    for name in WORDNET_FILES:
        path = Path(directory) / name
        if not path.exists():
            raise ModelError(
                f"WordNet data file {path} not found; install it with `apt-get install -y wordnet-base` "
                "(the training corpus and `sslgloss eval` need it; the shipped weights do not)"
            )
        with open(path, encoding="latin-1") as fh:
            yield from fh


def wordnet_lines(directory: Path = WORDNET_DIR) -> list[str]:
    """Every synset of WordNet as one line; raises ModelError naming the apt package when missing."""
    return [parsed for parsed in map(parse_wordnet_line, _wordnet_files(directory)) if parsed]


_QUOTED = re.compile(r'"([^"]+)"')
_DETERMINERS = ("a ", "an ", "the ", "any ", "one ", "someone", "something", "(")
_TEMPLATES = {"n": "{name} is {definition}.", "v": "To {name} is to {definition}.",
              "a": "{name} means {definition}.", "r": "{name} means {definition}."}


def _sentences(pos: str, lemmas: list[str], gloss: str) -> list[str]:
    """A synset as plain sentences: its definition said with its word, then each example alone."""
    examples = [e.strip() for e in _QUOTED.findall(gloss) if len(e.split()) >= 3]
    definition = _QUOTED.sub("", gloss).strip().strip(";").strip()
    definition = re.sub(r"\s*;\s*(;\s*)*", "; ", definition).rstrip(";: ").strip()
    out = []
    if lemmas and definition:
        if pos == "n" and not definition.lower().startswith(_DETERMINERS):
            definition = ("an " if definition[:1].lower() in "aeiou" else "a ") + definition
        name = lemmas[0] + (f", or {lemmas[1]}," if len(lemmas) > 1 else "")
        out.append(_TEMPLATES.get("a" if pos == "s" else pos, _TEMPLATES["a"]).format(name=name, definition=definition))
    return out + examples


def wordnet_sentence(line: str) -> list[str]:
    """One synset line as plain sentences: the definition said with its word, then each example alone.

    The word and its definition share a sentence, so what a word means can be learned ("Milk is a
    white liquid ..."); its examples stand on their own, so the word cannot be copied from them.

    >>> wordnet_sentence('02084071 05 n 02 dog 0 domestic_dog 0 001 @ 02083346 n 0000 | a member of the '
    ...                  'genus Canis; "the dog barked all night"  ')
    ['dog, or domestic dog, is a member of the genus Canis.', 'the dog barked all night']
    """
    synset = _synset(line)
    return _sentences(*synset) if synset else []


def wordnet_sentence_lines(directory: Path = WORDNET_DIR) -> list[str]:
    """WordNet as sentences (:func:`wordnet_sentence`), the pretrained-start model's reading.

    A synset whose classic line (:func:`parse_wordnet_line`) is held out is left out whole, so a
    model trained on these sentences never saw any held-out line of the classic corpus: held-out
    figures stay comparable with the from-scratch models and the trigram baseline.
    """
    lines: list[str] = []
    for raw in _wordnet_files(directory):
        synset = _synset(raw)
        if synset and synset[2] and not is_heldout(synset[2]):  # synset[2] is the classic line
            lines.extend(_sentences(*synset))
    return lines


def austen_data_dirs() -> list[Path]:
    """Where the janeaustenr data files may be, in order: $SSLGLOSS_AUSTEN_DIR, the venv, an R install."""
    dirs = []
    if os.environ.get("SSLGLOSS_AUSTEN_DIR"):
        dirs.append(Path(os.environ["SSLGLOSS_AUSTEN_DIR"]))
    dirs.append(Path(sys.prefix) / "share" / "sslgloss" / "janeaustenr" / "data")
    dirs.append(Path("/usr/lib/R/site-library/janeaustenr/data"))
    return dirs


def read_r_lazyload(directory: Path) -> dict[str, list[str]]:
    """The character vectors of an R package's lazy-load data base (``Rdata.rdx`` + ``Rdata.rdb``).

    The ``.rdx`` index is a gzipped serialized list whose ``variables`` map each name to an
    (offset, length) in the ``.rdb``; each such chunk is a 4-byte length and a zlib stream of one
    serialized object. ``rdata`` decodes R's serialization format.
    """
    import warnings

    import rdata

    directory = Path(directory)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Unknown file type", module="rdata")  # chunks carry no file header
            index = rdata.conversion.convert(rdata.parser.parse_data(gzip.decompress((directory / "Rdata.rdx").read_bytes())))
            blob = (directory / "Rdata.rdb").read_bytes()
            out: dict[str, list[str]] = {}
            for name, (offset, length) in index["variables"].items():
                chunk = blob[int(offset) : int(offset) + int(length)]
                obj = rdata.conversion.convert(rdata.parser.parse_data(zlib.decompress(chunk[4:])))
                out[str(name)] = ["" if v is None else str(v) for v in obj]
        return out
    except (OSError, zlib.error, KeyError, ValueError, TypeError) as exc:
        raise ModelError(f"cannot read the R data files in {directory}: {exc}") from exc


_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Dr|St|Messrs|Col|Capt)\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?])(?:[\"\u201d']?)\s+(?=[\"\u201c']?[A-Z])")


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph of prose -> sentences (a full stop after Mr/Mrs/Dr does not end one).

    >>> split_sentences('Mr. Darcy bowed. "Is it far?" she asked. It was not.')
    ['Mr. Darcy bowed.', '"Is it far?" she asked.', 'It was not.']
    """
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        piece = paragraph[start : m.start() + len(m.group(0).rstrip())].strip()
        if _ABBREVIATION.search(piece):
            continue  # keep going: this full stop belongs to a title
        parts.append(piece)
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def novel_paragraphs(lines: list[str]) -> list[str]:
    """Wrapped lines of a novel -> paragraphs; chapter headings, titles and other short lines dropped."""
    paragraphs, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line.strip())
            continue
        if current:
            text = " ".join(current)
            text = text.replace("_", "").replace("--", " -- ")
            text = " ".join(text.split())
            if len(text.split()) >= 4 and not text.isupper() and not text.upper().startswith("CHAPTER"):
                paragraphs.append(text)
            current = []
    return paragraphs


def austen_lines(directory: Path | None = None) -> list[str]:
    """Jane Austen's six novels, one sentence a line; raises ModelError saying how to install them."""
    candidates = [Path(directory)] if directory else austen_data_dirs()
    found = next((d for d in candidates if (d / "Rdata.rdb").exists()), None)
    if found is None:
        raise ModelError(
            "Jane Austen's novels (Debian package r-cran-janeaustenr) not found in "
            + ", ".join(str(d) for d in candidates)
            + "; `make setup` unpacks them into the virtualenv, or run `apt-get install -y r-cran-janeaustenr` "
            "(the training corpus and `sslgloss eval` need them; the shipped weights do not)"
        )
    novels = read_r_lazyload(found)
    missing = [name for name in AUSTEN_NOVELS if name not in novels]
    if missing:
        raise ModelError(f"{found / 'Rdata.rdb'} lacks the novels {', '.join(missing)}: is it janeaustenr's?")
    out: list[str] = []
    for name in AUSTEN_NOVELS:
        for paragraph in novel_paragraphs(novels[name]):
            out.extend(s for s in split_sentences(paragraph) if len(s.split()) >= 3)
    return out


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
        return glossary_lines_from_files()


def glossary_lines_from_files() -> list[str]:
    """The glossary's text read straight from the term files shipped in the package, one paragraph a line.

    No plugin loading or validation, so it is quick and cannot fail on a broken plugin: what
    "watch it learn" trains on, and :func:`glossary_lines`' fallback.
    """
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
    include_austen: bool = True,
    austen_repeat: int = 2,
    austen_dir: Path | None = None,
    wordnet_as_sentences: bool = False,
) -> Corpus:
    """The corpus, split deterministically into train and held-out lines."""
    sources: dict[str, int] = {}
    pool: list[tuple[str, int]] = []  # (line, repeat)
    if include_wordnet:
        wn = wordnet_sentence_lines(wordnet_dir) if wordnet_as_sentences else wordnet_lines(wordnet_dir)
        sources["wordnet-3.0"] = len(wn)
        pool += [(line, 1) for line in wn]
    if include_austen:
        novels = austen_lines(austen_dir)
        sources["jane-austen"] = len(novels)
        pool += [(line, austen_repeat) for line in novels]
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
        raise ModelError("the training corpus is empty: enable WordNet, Austen or the glossary, or pass extra lines")
    return Corpus(train=train, heldout=heldout, sources=sources)

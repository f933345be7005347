"""The words site search finds a term's page by.

mkdocs-material's search (lunr) weighs a page's ``tags`` most (10^6 against 10^3 for its
title), ranks a word by how often it occurs and how rare it is, not by how long the field is,
and matches every word typed as a prefix. A term page's search tags are built here so that,
within those rules, typing a term's name, an alias, an abbreviation or a plural finds its page
first (pages.py puts them in the page's metadata; sslgloss.css hides them in the results).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

def plural(word: str) -> str | None:
    """The regular plural of an English word, or None where it would be no word at all
    (abbreviations, names with digits, words already ending in s).

    >>> [plural(w) for w in ("Embedding", "Ontology", "approach", "BERT", "Word2vec", "Perplexity", "bias")]
    ['Embeddings', 'Ontologies', 'approaches', None, None, 'Perplexities', None]
    """
    if not word.isalpha() or word.isupper() or word[-1] in "sS":
        return None
    if word.endswith(("x", "ch", "sh")):
        return word + "es"
    if len(word) > 2 and word[-1] == "y" and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


# where site search splits words: the search plugin's `separator` in mkdocs.yml
SEARCH_SEPARATOR = re.compile(r'[\s\-,:;!?=\[\]()"“”‘’/]+|\.(?!\d)')


def search_keywords(title: str, aliases: Iterable[str] = ()) -> list[str]:
    """The words site search finds a term's page by, lower-cased (its page's search ``tags``).

    Every word of the title and the aliases, and the plural of each name's last word, once each
    (a term with many aliases must not outweigh one with few); the words of a one- or two-word
    title again, since search does not favour a short match ("BERT" must beat "Sentence-BERT");
    and the title's words run together from each word on, so that a word of the title also
    matches a word no other term has ("next word" finds Next-Word Prediction before WordNet).

    >>> search_keywords("Knowledge Graph", ["KG"])
    ['knowledge', 'graph', 'kg', 'graphs', 'knowledge', 'graph', 'knowledgegraph']
    >>> search_keywords("Next-Word Prediction", ["next-token prediction"])
    ['next', 'word', 'prediction', 'token', 'predictions', 'nextwordprediction', 'wordprediction']
    """
    def words(name: str) -> list[str]:
        return [w.lower() for w in SEARCH_SEPARATOR.split(name) if w]

    names = [title, *aliases]
    plurals = [plural(name.split()[-1]) for name in names if name.split()]
    found = dict.fromkeys(w for name in names + [p for p in plurals if p] for w in words(name))
    title_words = words(title)
    again = title_words * max(0, 3 - len(title_words))
    joined = ["".join(title_words[i:]) for i in range(len(title_words) - 1)]
    return list(found) + again + [j for j in joined if j not in found]

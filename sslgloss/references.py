"""Checks of a reference's optional fields (authors, year, url, doi, isbn), in our own words.

A reference needs only a title; what else it gives is checked here so that a
typo in a year or a DOI is caught where it is written. Each check raises
``ValueError`` with a message meant for a contributor; ``sslgloss.schema``
turns it into a ``file:line`` problem.

>>> check_isbn("978-0-262-03561-3")
'9780262035613'
>>> check_doi("https://doi.org/10.1038/nature14539")
'10.1038/nature14539'
"""

from __future__ import annotations

import re
from typing import Any

MIN_YEAR, MAX_YEAR = 1500, 2100
_URL_RE = re.compile(r"^https?://[^\s/]+\S*$")
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


def join_authors(value: Any) -> Any:
    """``authors`` may be one string or a list of names; the page shows them joined by commas."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    if isinstance(value, str) and not value.strip():
        raise ValueError("`authors` is empty; leave it out when a source names no author")
    return value


def check_year(value: int | None) -> int | None:
    if value is not None and not MIN_YEAR <= value <= MAX_YEAR:
        raise ValueError(f"{value} is not a publication year (between {MIN_YEAR} and {MAX_YEAR})")
    return value


def check_url(value: str | None) -> str | None:
    if value is not None and not _URL_RE.match(value):
        raise ValueError(f"`{value[:60]}` is not a web address starting with https:// or http://")
    return value


def check_doi(value: str | None) -> str | None:
    """A DOI such as ``10.1038/nature14539``; a doi.org link or ``doi:`` prefix is accepted and dropped."""
    if value is None:
        return None
    bare = value
    for prefix in _DOI_PREFIXES:
        if bare.lower().startswith(prefix):
            bare = bare[len(prefix):]
            break
    if not _DOI_RE.match(bare):
        raise ValueError(f"`{value[:60]}` is not a DOI; a DOI looks like 10.1038/nature14539")
    return bare


def _isbn_ok(digits: str) -> bool:
    if len(digits) == 10:
        total = sum((10 - i) * (10 if c in "Xx" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    total = sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits))
    return total % 10 == 0


def check_isbn(value: Any) -> Any:
    """An ISBN-10 or ISBN-13, hyphens and spaces allowed; its check digit must be right."""
    if value is None:
        return None
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return value  # the type check reports it
    digits = re.sub(r"[\s-]", "", value.removeprefix("ISBN").removeprefix(":").strip())
    if not re.fullmatch(r"\d{9}[\dXx]|\d{13}", digits):
        raise ValueError(f"`{value}` is not an ISBN: it needs 10 or 13 digits")
    if not _isbn_ok(digits):
        raise ValueError(f"`{value}` is not a valid ISBN: its check digit does not match (a typo?)")
    return digits.upper()

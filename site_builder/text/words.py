"""Turning text into search terms, the same way assets/js/search.js turns a query into terms.

Words are runs of Unicode letters and digits, joined by inner hyphens or apostrophes
("co-responding", "o'brien"). A joined word is indexed as its parts and as one word, so "co-resp"
(searched as "coresp") and "responding" both find "co-responding". Stop words are lunr's list; the
stemmer is lunr.js's Porter stemmer (search_stemmer.py), memoised.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import filterfalse

from lunr.stop_word_filter import WORDS as STOP_WORDS

from site_builder.text.stemmer import porter_stem

WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")  # search.js: WORD_RE
JOINER_RE = re.compile(r"['’\-]")
POSSESSIVE_RE = re.compile(r"['’]s$")
TAG_RE = re.compile(r"<[^>]*>")
MAX_WORD_LENGTH = 40  # longer "words" are hashes or URLs: noise in the index


stem = porter_stem  # lunr.js's Porter stem of a lower-case word (the "stemmer" pipeline function)


@lru_cache(maxsize=1 << 18)
def index_term(word: str) -> str | None:
    """The index term of a lower-case word, or ``None`` for a stop word."""
    return None if word in STOP_WORDS else porter_stem(word)


def words(text: str) -> list[str]:
    """The lower-case words of ``text``; a joined word gives its parts and then itself, joined up."""
    found: list[str] = WORD_RE.findall(unicodedata.normalize("NFKC", text).lower())
    joined = list(filterfalse(str.isalnum, found))
    if joined:
        found = list(filter(str.isalnum, found))
        for word in joined:
            parts = JOINER_RE.split(POSSESSIVE_RE.sub("", word))
            found += parts
            if len(parts) > 1:
                found.append("".join(parts))
    if max(map(len, found), default=0) > MAX_WORD_LENGTH:
        found = [word for word in found if len(word) <= MAX_WORD_LENGTH]
    return found


def terms(text: str) -> list[str]:
    """The index terms of ``text``: words without stop words, stemmed."""
    return [t for t in map(index_term, words(text)) if t is not None]


def term_counts(text: str) -> tuple[dict[str, int], int]:
    """How often each index term occurs in ``text`` (first occurrence first), and how many terms it has."""
    found = words(text)
    counts: Counter[str | None] = Counter(map(index_term, found))
    stop_words = counts.pop(None, 0)
    return dict(counts), len(found) - stop_words  # type: ignore[arg-type]  # None is gone


def html_text(fragment: str) -> str:
    """The text of a sanitised HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(TAG_RE.sub(" ", fragment))

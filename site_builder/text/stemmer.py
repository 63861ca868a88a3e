"""The Porter stemmer exactly as lunr.js 2.3.9 runs it (a line-by-line port of ``lunr.stemmer``).

lunr.py's own port differs on words ending in a vowel and "y" (it stems "Medway" to "medwai" and
"Surrey" to "surrei"; lunr.js keeps them), so an index stemmed by lunr.py would miss words that
lunr.js stems differently at query time. This port is registered in lunr.py's pipeline under
lunr.js's label, "stemmer", so lunr.py loads and queries our indexes with it too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lunr.pipeline import Pipeline

STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble", "alli": "al",
    "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al",
    "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble", "logi": "log",
}
STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_c = "[^aeiou]"
_v = "[aeiouy]"
_C = _c + "[^aeiouy]*"
_V = _v + "[aeiou]*"
MGR0 = re.compile("^(" + _C + ")?" + _V + _C)
MEQ1 = re.compile("^(" + _C + ")?" + _V + _C + "(" + _V + ")?$")
MGR1 = re.compile("^(" + _C + ")?" + _V + _C + _V + _C)
S_V = re.compile("^(" + _C + ")?" + _v)
RE_1A = re.compile(r"^(.+?)(ss|i)es$")
RE2_1A = re.compile(r"^(.+?)([^s])s$")
RE_1B = re.compile(r"^(.+?)eed$")
RE2_1B = re.compile(r"^(.+?)(ed|ing)$")
RE2_1B_2 = re.compile(r"(at|bl|iz)$")
RE3_1B_2 = re.compile(r"([^aeiouylsz])\1$")
RE4_1B_2 = re.compile("^" + _C + _v + "[^aeiouwxy]$")
RE_1C = re.compile(r"^(.+?[^aeiou])y$")
RE_2 = re.compile(r"^(.+?)(" + "|".join(STEP2) + ")$")
RE_3 = re.compile(r"^(.+?)(" + "|".join(STEP3) + ")$")
RE_4 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")
RE2_4 = re.compile(r"^(.+?)(s|t)(ion)$")
RE_5 = re.compile(r"^(.+?)e$")
RE_5_1 = re.compile(r"ll$")
RE3_5 = re.compile("^" + _C + _v + "[^aeiouwxy]$")


def _step1(w: str) -> str:
    if (m := RE_1A.search(w)) or (m := RE2_1A.search(w)):
        w = m[1] + m[2]
    if m := RE_1B.search(w):
        if MGR0.search(m[1]):
            w = w[:-1]
    elif (m := RE2_1B.search(w)) and S_V.search(m[1]):
        w = m[1]
        if RE2_1B_2.search(w):
            w += "e"
        elif RE3_1B_2.search(w):
            w = w[:-1]
        elif RE4_1B_2.search(w):
            w += "e"
    if m := RE_1C.search(w):
        w = m[1] + "i"
    return w


def _steps2to5(w: str) -> str:
    if (m := RE_2.search(w)) and MGR0.search(m[1]):
        w = m[1] + STEP2[m[2]]
    if (m := RE_3.search(w)) and MGR0.search(m[1]):
        w = m[1] + STEP3[m[2]]
    if m := RE_4.search(w):
        if MGR1.search(m[1]):
            w = m[1]
    elif (m := RE2_4.search(w)) and MGR1.search(m[1] + m[2]):
        w = m[1] + m[2]
    if (m := RE_5.search(w)) and (MGR1.search(m[1]) or (MEQ1.search(m[1]) and not RE3_5.search(m[1]))):
        w = m[1]
    if RE_5_1.search(w) and MGR1.search(w):
        w = w[:-1]
    return w


@lru_cache(maxsize=1 << 17)
def porter_stem(word: str) -> str:
    """lunr.js's ``porterStemmer(word)``."""
    if len(word) < 3:
        return word
    initial_y = word[0] == "y"
    w = "Y" + word[1:] if initial_y else word
    w = _steps2to5(_step1(w))
    return "y" + w[1:] if initial_y else w


def stemmer(token: Any, i: int | None = None, tokens: list[Any] | None = None) -> Any:
    """lunr.py pipeline function (``token.update(porterStemmer)``), registered as "stemmer"."""
    return token.update(lambda text, metadata=None: porter_stem(text))


Pipeline.registered_functions.pop("stemmer", None)  # replace lunr.py's port, without its warning
Pipeline.register_function(stemmer, "stemmer")

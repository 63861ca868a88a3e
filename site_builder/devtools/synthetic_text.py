"""Zipf-like prose for synthetic projects: a few words are very common and most are rare, as in real text.

The vocabulary starts with the words of the shipped projects, most frequent first, and is padded
with made-up words to the size Heaps' law predicts for the corpus, so the search index grows with
the catalogue as it would with real content.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from itertools import accumulate

SYLLABLES = ("ba be bi bo bu ca ce co cu da de di do fa fe fi fo ga ge go ha he hi ho ka ke ki ko "
             "la le li lo lu ma me mi mo mu na ne ni no pa pe pi po ra re ri ro sa se si so ta te ti to "
             "va ve vi vo wa we wi wo ya yo za zo").split()
FALLBACK_WORDS = (
    "the of and to in a for with is on that by as are was this from be at it an or have has which their "
    "police fire ambulance service services collaboration joint shared control room station response "
    "officers staff crews community safety patients calls demand partners local county force trust "
    "training estates fleet vehicles building headquarters project pilot evaluation savings costs "
    "public emergency rescue paramedics firefighters missing people welfare falls cardiac arrest "
    "co-responding prevention visits data information systems governance board agreement funding"
).split()
# A word as :func:`prose_words` counts it: link targets and Markdown marks are not words.
COUNTED_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
BODY_WORDS = (400, 600)


def prose_words(markdown: str) -> int:
    """The number of words a reader sees in ``markdown`` (link addresses are not counted)."""
    return len(COUNTED_WORD.findall(LINK_TARGET.sub("]", markdown)))


def capitalised(text: str) -> str:
    """``text`` with its first letter in upper case (after any Markdown mark)."""
    marks = len(text) - len(text.lstrip("[*"))
    return text[:marks] + text[marks:marks + 1].upper() + text[marks + 1:]


class Prose:
    """Words, phrases and Markdown bodies drawn from one Zipf-weighted vocabulary of ``size`` words."""

    def __init__(self, rng: random.Random, head: Sequence[str], size: int) -> None:
        self.rng = rng
        vocabulary = list(dict.fromkeys(head or FALLBACK_WORDS))
        seen = set(vocabulary)
        while len(vocabulary) < size:
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                vocabulary.append(word)
        self.vocabulary = vocabulary
        self.body_words = 0  # in every body so far
        self.cumulative = list(accumulate(1.0 / (rank + 1) for rank in range(len(vocabulary))))

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)

    def rare(self) -> str:
        """A word from the less common half of the vocabulary (names a place or a thing)."""
        return self.vocabulary[self.rng.randrange(len(self.vocabulary) // 2, len(self.vocabulary))]

    def text(self, chars: int, start: str = "") -> str:
        """Words making about ``chars`` characters (never fewer), the first capitalised."""
        out = start.split()
        while len(" ".join(out)) < chars:
            out += self.words(4)
        while len(out) > 1 and len(" ".join(out[:-1])) >= chars:
            out.pop()
        return capitalised(" ".join(out))

    def slug(self, chars: int) -> str:
        return "-".join(self.text(chars).lower().split())

    def sentences(self, count: int, mark: Callable[[list[str]], list[str]] | None = None) -> str:
        """``count`` words as sentences of 8 to 28 words, with the odd comma."""
        words = self.words(count)
        if mark is not None:
            words = mark(words)
        out: list[str] = []
        while words:
            size = min(len(words), self.rng.randint(8, 28))
            if 0 < len(words) - size < 5:
                size = len(words)  # no stub sentence at the end
            sentence, words = words[:size], words[size:]
            if size > 12 and self.rng.random() < 0.4:
                comma = self.rng.randrange(4, size - 4)
                sentence[comma] += ","
            out.append(capitalised(" ".join(sentence)) + ".")
        return " ".join(out)

    def _marked(self, url: Callable[[], str], links: int, bold: int) -> Callable[[list[str]], list[str]]:
        def mark(words: list[str]) -> list[str]:
            starts = range(0, len(words) - 3, 4)  # spans of up to 3 words never overlap
            spans = sorted(self.rng.sample(starts, min(links + bold, len(starts))))
            for number, start in enumerate(spans):
                end = start + self.rng.randint(1, 3)
                if number < links:
                    words[start] = "[" + words[start]
                    words[end - 1] += f"]({url()})"
                else:
                    words[start] = "**" + words[start]
                    words[end - 1] += "**"
            return words

        return mark

    def body(self, paragraph_words: Sequence[int], heading_words: Sequence[int], url: Callable[[], str]) -> str:
        """A Markdown body of 400 to 600 words: paragraphs, two headings, a list, a link or two and some bold."""
        rng = self.rng
        total = rng.randint(*BODY_WORDS)
        self.body_words += total
        headings = [max(2, rng.choice(heading_words)) for _ in range(2)]
        items = [rng.randint(4, 12) for _ in range(rng.randint(3, 5))]
        left = total - sum(headings) - sum(items)
        sizes: list[int] = []
        while left > 0:
            size = min(left, max(20, rng.choice(paragraph_words)))
            if left - size < 20 and sizes:
                size = left
            sizes.append(size)
            left -= size
        marks = {rng.randrange(len(sizes)): self._marked(url, rng.randint(1, 2), rng.randint(1, 2))}
        paragraphs = [self.sentences(size, marks.get(index)) for index, size in enumerate(sizes)]
        listing = "\n".join("- " + self.sentences(n).rstrip(".") for n in items)
        split = max(1, len(paragraphs) // 2)
        blocks = [*paragraphs[:split], "## " + capitalised(" ".join(self.words(headings[0]))),
                  *paragraphs[split:split + 1], listing, "## " + capitalised(" ".join(self.words(headings[1]))),
                  *paragraphs[split + 1:]]
        return "\n\n".join(blocks) + "\n"

"""Bounds on python-markdown's work, so every body renders in time and memory linear in its size.

python-markdown's inline link parsing scans from each ``[`` to the end of the paragraph looking for the
matching ``]`` (and from each ``(`` for the matching ``)``), so a run of 30,000 ``[`` takes minutes. Code
spans scan the same way for their closing backticks, the table extension splits the whole block again
each time another block processor takes one line from it, nested lists recurse once per level, and deep
inline nesting (``**`` a thousand times) reaches Python's recursion limit in the ``toc`` extension and
the serialiser. The raw-HTML block preprocessor runs the standard library's HTML tokenizer, whose
start-tag pattern is quadratic on ``<a <a <a ...``.

:class:`BoundedExtension` replaces each of those processors, in our renderer only, with one that gives
up past a fixed nesting depth or window (the text is then rendered literally): the library itself is
not patched. Raw HTML is still passed on inline (and then sanitised by nh3), but not parsed as blocks.
The limits are far beyond anything a description needs; ``body_scan`` rejects bodies that reach them, so
that a contributor learns why, and this module keeps the renderer safe whatever reaches it.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown, util
from markdown.blockprocessors import BlockQuoteProcessor, HashHeaderProcessor, HRProcessor, ListIndentProcessor, SetextHeaderProcessor
from markdown.extensions import Extension
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.extensions.tables import TableProcessor
from markdown.inlinepatterns import (
    BACKTICK_RE,
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    BacktickInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.treeprocessors import Treeprocessor

from site_builder.catalogue.body_scan import MAX_BRACKET_DEPTH  # check rejects deeper nesting

MAX_LINK_TEXT = 4096  # characters of link text, and of a link's address
MAX_LINK_TITLE = 1024  # characters of a link's address and title, when it has a title
MAX_CODE_SPAN = 4096  # characters from an opening run of backticks to its closing run
MAX_BLOCK_DEPTH = 32  # lists and block quotes inside each other
MAX_TREE_DEPTH = 64  # elements inside each other in the rendered HTML

_BRACKETS = re.compile(r"[\[\]]")
_PARENS = re.compile(r"[()]")
_TICKS = re.compile(r"`+")
_QUOTES = re.compile("['\"]")
_QUOTE_CLOSE = re.compile("['\"] *\\)")


class _BoundedLinkText(LinkInlineProcessor):
    """Link text ends at its matching ``]`` within ``MAX_LINK_TEXT`` characters and ``MAX_BRACKET_DEPTH`` levels."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        depth = 1
        for match in _BRACKETS.finditer(data, index, index + MAX_LINK_TEXT):
            if match.group() == "[":
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    break
            else:
                depth -= 1
                if depth == 0:
                    return data[index:match.start()], match.end(), True
        return "", index, False

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """The library's parser, run on the text up to where the library itself would stop.

        Its loop stops at the ``)`` that closes the address, except inside a title, where it runs on
        to a ``)`` right after a closing quote, or to the end of the paragraph if there is none, then
        backs up. Both places are found here by regex first, so the loop never runs further.
        """
        if not data.startswith("(", index):
            return "", None, index, False
        end = index + MAX_LINK_TEXT
        if (match := self.RE_LINK.match(data, index, end)) and match.group(1):
            return super().getLink(data[:end], index)  # [text](<address> "title"): a regex, no loop
        depth, close = 0, -1
        for paren in _PARENS.finditer(data, index, end):
            depth += 1 if paren.group() == "(" else -1
            if depth == 0:
                close = paren.end()
                break
            if depth > MAX_BRACKET_DEPTH:
                return "", None, index, False
        if close < 0:
            return "", None, index, False  # no ')' closes it within reach
        quote = _QUOTES.search(data, index, close)
        if quote is None:
            return super().getLink(data[:close], index)
        href, title, stop, handled = super().getLink(data[:_title_end(data, quote, close, index + MAX_LINK_TITLE)], index)
        if stop < 0:  # the library's fallback for an unclosed title can end at -1: no link then
            return "", None, index, False
        return href, title, stop, handled


def _title_end(data: str, quote: re.Match[str], close: int, end: int) -> int:
    """Where the library's loop stops for an address with a quote in it (see ``getLink``).

    It stops at the first ``)`` after a quote (spaces between) other than the opening quote and the
    first quote of the other kind, which open titles; failing that it backs up to a point before
    ``close``, the ``)`` that balances the brackets.
    """
    first = quote.start()
    other = "'" if quote.group() == '"' else '"'
    other_at = data.find(other, first + 1, end)
    for candidate in _QUOTE_CLOSE.finditer(data, first, end):
        if candidate.start() not in (first, other_at):
            return candidate.end()
    return close


class BoundedLink(_BoundedLinkText):
    pass


class BoundedImage(_BoundedLinkText, ImageInlineProcessor):
    pass


class BoundedReference(_BoundedLinkText, ReferenceInlineProcessor):
    pass


class BoundedShortReference(_BoundedLinkText, ShortReferenceInlineProcessor):
    pass


class BoundedImageReference(_BoundedLinkText, ImageReferenceInlineProcessor):
    pass


class BoundedShortImageReference(_BoundedLinkText, ShortImageReferenceInlineProcessor):
    pass


class BoundedBacktick(BacktickInlineProcessor):
    """Code spans close within ``MAX_CODE_SPAN`` characters; the search runs at regex speed."""

    # The stubs say ``tuple[int, int] | None``; the library returns ``(start, None)`` for no match, as here.
    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:  # type: ignore[override]
        opening = _TICKS.match(text, start)
        ticks = len(opening.group()) if opening else 0
        start += ticks
        end = start + MAX_CODE_SPAN
        closing = _run_of(ticks).search(text, start, end)
        if closing:
            return start, closing.start()
        if ticks > 1 and not _longer_than(ticks).search(text, start, end):
            for length in range(ticks - 1, 0, -1):  # as the library: the first of the longest shorter runs closes it
                if shorter := _run_of(length).search(text, start, end):
                    return start - (ticks - length), shorter.start()
        return start + ticks, None  # as the library: where to go on searching


@functools.lru_cache(maxsize=64)
def _longer_than(length: int) -> re.Pattern[str]:
    return re.compile(f"`{{{length + 1},}}")


@functools.lru_cache(maxsize=64)
def _run_of(length: int) -> re.Pattern[str]:
    """A run of exactly ``length`` backticks."""
    return re.compile(f"(?<!`)`{{{length}}}(?!`)")


class BoundedTable(TableProcessor):
    """The table test reads the first two lines, not the whole block, unless the table has one column."""

    def test(self, parent: etree.Element, block: str) -> bool:
        head = block.split("\n", 2)
        if not super().test(parent, "\n".join(head[:2])):
            return False
        if len(head) < 3 or len(self.separator) != 1:
            return True
        return super().test(parent, block)  # one bordered column: every row needs a pipe, as before


class _Shallow:
    """A block processor that does not nest deeper than ``MAX_BLOCK_DEPTH`` (the parser's state stack
    grows by one for each list or quote level); past it, the block is parsed as something flat."""

    parser: Any

    def test(self, parent: etree.Element, block: str) -> bool:
        if len(self.parser.state) >= MAX_BLOCK_DEPTH:
            return False
        result: bool = super().test(parent, block)  # type: ignore[misc]
        return result


class _RemembersMisses:
    """A block processor whose test searches the whole block for a line that starts something.

    Other processors take lines from the front of a block and hand back the rest, so the same lines
    would be searched again and again; a block made of the last whole lines of one that had no match
    has none either.
    """

    _miss = ""

    def test(self, parent: etree.Element, block: str) -> bool:
        if _last_lines_of(block, self._miss):
            return False
        result: bool = super().test(parent, block)  # type: ignore[misc]
        if not result:
            self._miss = block
        return result


def _last_lines_of(block: str, other: str) -> bool:
    """Is ``block`` made of the last whole lines of ``other``?"""
    return len(block) <= len(other) and other.endswith(block) and (len(block) == len(other) or other[-len(block) - 1] == "\n")


class MemoHashHeader(_RemembersMisses, HashHeaderProcessor):
    pass


class MemoHR(_RemembersMisses, HRProcessor):
    pass


class QuickSetext(SetextHeaderProcessor):
    """The library's run, splitting off only the heading's two lines instead of every line of the block."""

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n", 2)
        heading = etree.SubElement(parent, "h1" if lines[1].startswith("=") else "h2")
        heading.text = lines[0].strip()
        if len(lines) > 2:
            blocks.insert(0, lines[2])


class ShallowListIndent(_Shallow, ListIndentProcessor):
    pass


class ShallowOList(_Shallow, SaneOListProcessor):
    pass


class ShallowUList(_Shallow, SaneUListProcessor):
    pass


class ShallowBlockQuote(BlockQuoteProcessor):
    """Quotes nest at most ``MAX_BLOCK_DEPTH`` deep, and the search for a quoted line remembers misses
    as ``_RemembersMisses`` does (only the search: the depth is not a property of the block)."""

    _miss = ""

    def test(self, parent: etree.Element, block: str) -> bool:
        if len(self.parser.state) >= MAX_BLOCK_DEPTH or util.nearing_recursion_limit():
            return False
        if _last_lines_of(block, self._miss):
            return False
        if self.RE.search(block):
            return True
        self._miss = block
        return False


class FlattenDeepElements(Treeprocessor):
    """Elements nested deeper than ``MAX_TREE_DEPTH`` are replaced by their text (iteratively: no recursion)."""

    def run(self, root: etree.Element) -> None:
        stack = [(root, 0)]
        while stack:
            element, depth = stack.pop()
            for child in list(element):
                if depth + 1 < MAX_TREE_DEPTH:
                    stack.append((child, depth + 1))
                    continue
                flat, tail = "".join(_texts(child)), child.tail
                child.clear()
                child.text, child.tail = flat, tail


def _texts(element: etree.Element) -> list[str]:
    """All the text in ``element`` and its descendants, in document order, without recursion."""
    out: list[str] = []
    stack: list[etree.Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        if item.text:
            out.append(item.text)
        for child in reversed(item):
            if child.tail:
                stack.append(child.tail)
            stack.append(child)
    return out


class BoundedExtension(Extension):
    """Swaps the unbounded processors for the bounded ones above, under the same names and priorities.

    Registered after the ``tables`` and ``sane_lists`` extensions, whose processors it replaces.
    """

    def extendMarkdown(self, md: Markdown) -> None:
        inline = md.inlinePatterns
        for name, cls, pattern in (
            ("reference", BoundedReference, REFERENCE_RE),
            ("link", BoundedLink, LINK_RE),
            ("image_link", BoundedImage, IMAGE_LINK_RE),
            ("image_reference", BoundedImageReference, IMAGE_REFERENCE_RE),
            ("short_reference", BoundedShortReference, REFERENCE_RE),
            ("short_image_ref", BoundedShortImageReference, IMAGE_REFERENCE_RE),
        ):
            inline.register(cls(pattern, md), name, _priority(inline, name))
        inline.register(BoundedBacktick(BACKTICK_RE), "backtick", _priority(inline, "backtick"))
        blocks = md.parser.blockprocessors
        for name, block_cls in (("indent", ShallowListIndent), ("olist", ShallowOList), ("ulist", ShallowUList),
                                ("quote", ShallowBlockQuote), ("hashheader", MemoHashHeader), ("hr", MemoHR), ("setextheader", QuickSetext)):
            blocks.register(block_cls(md.parser), name, _priority(blocks, name))
        table = blocks["table"]
        assert isinstance(table, TableProcessor), "the tables extension must be loaded first"
        config = table.config  # type: ignore[attr-defined]  # set in __init__, missing from the stubs
        blocks.register(BoundedTable(md.parser, config), "table", _priority(blocks, "table"))
        md.preprocessors.deregister("html_block")
        md.treeprocessors.register(FlattenDeepElements(md), "flatten_deep", _priority(md.treeprocessors, "inline") - 1)


def _priority(registry: Any, name: str) -> float:
    """The priority ``name`` is registered with, so that its replacement runs in the same place."""
    for item in registry._priority:  # the registry offers no public way to read a priority
        if item.name == name:
            return float(item.priority)
    raise KeyError(name)

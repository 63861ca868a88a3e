"""Decoding a file's bytes (encoding, size) and splitting off the front matter; its characters: test_text_checks.py."""

from __future__ import annotations

import pytest

from site_builder.diagnostics.report import Diagnostic
from site_builder.text.source_file import MAX_FILE_BYTES, SplitFile, decode_text, split_front_matter

PATH = "content/projects/x.md"
TEXT = "---\ntitle: Kent joint control room\nstatus: pilot\n---\nThe fire control room.\n"


def error(line: int, col: int, message: str, hint: str) -> list[Diagnostic]:
    return [Diagnostic(PATH, line, col, "error", "", message, hint)]


UTF8_HINT = ("save the file with the encoding 'UTF-8' (not 'ANSI', 'Western' or 'Latin-1'), "
             "then check accented letters and curly quotes")


# --- encodings and line endings -------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    TEXT.encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
    TEXT.replace("\n", "\r\n").encode("utf-8"),
    b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8"),
    TEXT.replace("\n", "\r").encode("utf-8"),
])
def test_utf8_with_or_without_bom_and_any_line_ending_reads_the_same(raw: bytes) -> None:
    assert decode_text(raw, PATH) == (TEXT, [])


def test_non_ascii_text_is_kept() -> None:
    text = "---\ntitle: Café — “Blue light” hub 🚒\n---\nÉté.\n"
    assert decode_text(text.encode("utf-8"), PATH) == (text, [])


@pytest.mark.parametrize(("raw", "encoding"), [
    (TEXT.encode("utf-16"), "UTF-16"),
    (b"\xfe\xff" + TEXT.encode("utf-16-be"), "UTF-16"),
    (TEXT.encode("utf-32"), "UTF-32"),
    (b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"), "UTF-32"),
])
def test_utf16_and_utf32_are_refused(raw: bytes, encoding: str) -> None:
    assert decode_text(raw, PATH) == (None, error(1, 1, f"expected UTF-8 text, found a file encoded as {encoding}",
                                                  "save the file with the encoding 'UTF-8'"))


def test_latin1_is_refused_at_the_first_bad_byte() -> None:
    raw = "---\ntitle: Kent\nsummary: Caf\u00e9 control\n".encode("latin-1")
    assert decode_text(raw, PATH) == (None, error(3, 13, "expected UTF-8 text, found the byte 0xE9, which is not UTF-8", UTF8_HINT))


def test_column_of_a_bad_byte_counts_characters_not_bytes() -> None:
    """Regression: the column was a byte offset, wrong after a BOM or a multi-byte character."""
    line = "summary: “quoted” café ".encode() + b"\x93bad\x94"
    expected = error(2, 24, "expected UTF-8 text, found the byte 0x93, which is not UTF-8", UTF8_HINT)
    assert decode_text(b"---\n" + line, PATH) == (None, expected)
    assert decode_text(b"\xef\xbb\xbf---\r\n" + line, PATH) == (None, expected)
    assert decode_text(b"\xef\xbb\xbf" + line, PATH) == (None, error(1, 24, expected[0].message, UTF8_HINT))


def test_nul_byte_is_refused_where_it_is() -> None:
    for raw in (b"---\ntitle: a\x00b\n", b"\xef\xbb\xbf---\r\ntitle: a\x00b\r\n", "---\ntitle: é\x00\n".encode()):
        text, found = decode_text(raw, PATH)
        assert text is None
        assert (found[0].line, found[0].message) == (2, "expected text, found a NUL byte (a zero byte, as in binary files or UTF-16 text)")
    assert decode_text("---\ntitle: é\x00\n".encode(), PATH)[1][0].col == 9
    assert decode_text(b"\xef\xbb\xbf\x00", PATH)[1][0].col == 1


@pytest.mark.parametrize("raw", [b"", b"\n", b" \t\r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_empty_file(raw: bytes) -> None:
    assert decode_text(raw, PATH) == (None, error(
        1, 1, "expected front matter and a description, found an empty file",
        "start with a line '---', then the fields, then another '---', then the description"))


def test_size_limit() -> None:
    fits = TEXT.encode() + b"x" * (MAX_FILE_BYTES - len(TEXT))
    assert decode_text(fits, PATH)[1] == []
    assert decode_text(fits + b"x", PATH) == (None, error(1, 1, "expected a file of at most 256 KB (262,144 bytes), found 262,145 bytes",
                                                          "shorten the description and link to longer documents instead"))
    assert decode_text(b"x" * 3_000_000, PATH)[1][0].message == "expected a file of at most 256 KB, found 2,930 KB"


# --- front matter --------------------------------------------------------------------------------------

def test_split_front_matter() -> None:
    assert split_front_matter(TEXT, PATH) == (SplitFile("title: Kent joint control room\nstatus: pilot\n", 2,
                                                        "The fire control room.\n", 5), [])


def test_fences_may_have_trailing_spaces_and_the_body_may_be_missing() -> None:
    assert split_front_matter("--- \ntitle: x\n---\t\n", PATH) == (SplitFile("title: x\n", 2, "", 4), [])
    assert split_front_matter("---\ntitle: x\n---", PATH) == (SplitFile("title: x\n", 2, "", 3), [])
    assert split_front_matter("---\n---\nbody\n", PATH) == (SplitFile("", 2, "body\n", 3), [])


def test_only_the_first_closing_fence_counts() -> None:
    split, _ = split_front_matter("---\na: 1\n---\nbody\n---\nmore\n", PATH)
    assert split == SplitFile("a: 1\n", 2, "body\n---\nmore\n", 4)


@pytest.mark.parametrize(("text", "found"), [
    ("title: x\n---\n", "'title: x'"),
    ("\n---\ntitle: x\n---\n", "an empty line"),
    ("----\ntitle: x\n----\n", "'----'"),
    ("-- -\n", "'-- -'"),
    ("# Kent joint control room " + "x" * 40 + "\n", repr("# Kent joint control room " + "x" * 14)),
])
def test_missing_front_matter(text: str, found: str) -> None:
    assert split_front_matter(text, PATH) == (None, error(
        1, 1, f"missing front matter: expected '---' on line 1, found {found}",
        "start the file with a line '---', then the fields, then another '---'"))


@pytest.mark.parametrize(("text", "line"), [("---\ntitle: x\nstatus: pilot\n", 3), ("---\ntitle: x", 2), ("---", 1), ("---\n", 1)])
def test_unterminated_front_matter(text: str, line: int) -> None:
    assert split_front_matter(text, PATH) == (None, error(
        line, 1, "front matter is not closed: expected a line '---' after the fields, found the end of the file",
        "add a line '---' after the last field, before the description"))

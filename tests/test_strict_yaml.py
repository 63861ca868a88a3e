"""The strict YAML reader: every scalar a string, positions for everything, and no YAML trickery."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest

from site_builder.text.strict_yaml import (
    MAX_DEPTH,
    MAX_PROBLEMS,
    Position,
    SourceMap,
    StrictYamlReader,
    YamlProblem,
    format_path,
    read_strict_yaml,
)


def read(text: str, first_line: int = 1) -> tuple[Any, SourceMap, list[YamlProblem]]:
    return read_strict_yaml(text, first_line)


def problems(text: str) -> list[tuple[int, int, str, str]]:
    """``(line, col, field, message)`` for each problem."""
    return [(p.position.line, p.position.col, p.field, p.message) for p in read(text)[2]]


def event_reader(text: str, first_line: int = 1) -> tuple[Any, SourceMap, list[YamlProblem]]:
    reader = StrictYamlReader(text, first_line)
    return reader.read(), reader.source, reader.problems


# --- every scalar stays a string ----------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "NO", "No", "no", "n", "N", "yes", "Yes", "Y", "on", "On", "off", "OFF", "true", "True", "FALSE", "~", "null", "Null",
    "012", "0o12", "0x1F", "1:30", "190:20:30", "1.10", "1e3", "-1", "+1", ".inf", "-.inf", ".NaN", "1_000",
    "2020-01-01", "2001-12-14t21:59:43.10-05:00", "NO title here", "=",
])
def test_implicit_types_stay_strings(value: str) -> None:
    data, _, found = read(f"value: {value}\nlist: [{value}]\n")
    assert found == []
    assert data == {"value": value, "list": [value]}


def test_keys_stay_strings_too() -> None:
    data, _, found = read("yes: a\n3: b\n~: c\n1.5: d\nnull: e\n")
    assert found == []
    assert data == {"yes": "a", "3": "b", "~": "c", "1.5": "d", "null": "e"}


def test_an_empty_value_is_none_and_an_empty_quoted_value_is_text() -> None:
    data, _, found = read("a:\nb: ''\nc: \"\"\nd: |\ne: >\nf:\n  -\n  - ''\n")
    assert found == []
    assert data == {"a": None, "b": "", "c": "", "d": "", "e": "", "f": [None, ""]}


def test_quoting_and_block_scalars() -> None:
    data, _, found = read("a: 'it''s'\nb: \"tab\\there\"\nc: |\n  line one\n  line two\nd: >-\n  folded\n  text\ne: plain\n  continued\n")
    assert found == []
    assert data == {"a": "it's", "b": "tab\there", "c": "line one\nline two\n", "d": "folded text", "e": "plain continued"}


def test_empty_text_and_comments_only() -> None:
    assert read("") == (None, SourceMap(), [])
    assert read("# just a comment\n")[0] is None


# --- positions ----------------------------------------------------------------------------------------

def test_positions_of_keys_values_and_list_items() -> None:
    text = ("title: Kent\n"            # line 2 once offset
            "partners:\n"
            "  - kent-police\n"
            "  - kent-fire\n"
            "funding:\n"
            "  - source: Home Office\n"
            "    amount_gbp: 100\n"
            "contact: {role: Manager, email: a@b.uk}\n")
    data, source, found = read(text, first_line=2)
    assert found == []
    assert data["funding"] == [{"source": "Home Office", "amount_gbp": "100"}]
    assert source.keys[("title",)] == Position(2, 1)
    assert source.values[("title",)] == Position(2, 8)
    assert source.value(("partners", 0)) == Position(4, 5)
    assert source.value(("partners", 1)) == Position(5, 5)
    assert source.key(("funding", 0, "amount_gbp")) == Position(8, 5)
    assert source.value(("funding", 0, "amount_gbp")) == Position(8, 17)
    assert source.value(("contact", "email")) == Position(9, 33)
    # a path with no position of its own falls back to its nearest located parent
    assert source.value(("funding", 0, "year")) == Position(7, 5)
    assert source.value(("nowhere", 3)) == Position(2, 1)
    assert source.key(("funding", 0)) == Position(7, 5)


def test_position_of_the_root_of_an_empty_source_map() -> None:
    assert SourceMap().value(("x",)) == Position(1, 1)


@pytest.mark.parametrize(("path", "text"), [
    ((), ""), (("title",), "title"), (("funding", 0, "amount_gbp"), "funding[0].amount_gbp"), ((0, "id"), "[0].id"),
])
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


# --- what is refused ----------------------------------------------------------------------------------

def test_anchor_and_alias() -> None:
    assert problems("a: &x one\nb: *x\nc: [*x, two]\n") == [
        (1, 4, "a", "anchor '&x' is not allowed"),
        (2, 4, "b", "alias '*x' is not allowed"),
        (3, 5, "c[0]", "alias '*x' is not allowed"),
    ]
    data = read("a: &x one\nb: *x\n")[0]
    assert data == {"a": "one", "b": None}  # an alias is never expanded


def test_anchor_on_a_mapping_and_alias_to_it() -> None:
    assert problems("base: &b\n  role: x\ncontact: *b\n") == [
        (1, 7, "base", "anchor '&b' is not allowed"),
        (3, 10, "contact", "alias '*b' is not allowed"),
    ]


def test_merge_key() -> None:
    assert problems("contact:\n  <<: {role: x}\n  email: a@b.uk\n") == [(2, 3, "contact", "merge key '<<' is not allowed")]
    assert problems("base: &b {role: x}\ncontact:\n  <<: *b\n") == [
        (1, 7, "base", "anchor '&b' is not allowed"),
        (3, 3, "contact", "merge key '<<' is not allowed"),
        (3, 7, "contact.<<", "alias '*b' is not allowed"),
    ]


@pytest.mark.parametrize(("text", "tag"), [
    ("a: !!python/object:os.system x\n", "!!python/object:os.system"),
    ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply:os.system"),
    ("a: !!str 2019\n", "!!str"),
    ("a: !!binary aGVsbG8=\n", "!!binary"),
    ("a: !custom x\n", "!custom"),
    ("a: !<tag:example.org,2000:x> y\n", "tag:example.org,2000:x"),
    ("a: ! x\n", "!"),
    ("!!map {a: b}\n", "!!map"),
])
def test_explicit_tags(text: str, tag: str) -> None:
    assert [(p.message, p.hint) for p in read(text)[2]] == [
        (f"tag '{tag}' is not allowed", "remove the tag (the part starting with '!'); plain values are enough")]


def test_a_quoted_non_specific_tag_is_harmless() -> None:
    assert read("a: ! 'x'\n")[:3:2] == ({"a": "x"}, [])


def test_duplicate_keys_at_every_depth() -> None:
    text = ("title: a\n"
            "title: b\n"
            "contact:\n"
            "  role: x\n"
            "  role: y\n"
            "funding:\n"
            "  - source: s\n"
            "    source: t\n"
            "    deeper: {k: 1, k: 2}\n")
    assert problems(text) == [
        (2, 1, "title", "duplicate key 'title' (first given on line 1)"),
        (5, 3, "contact.role", "duplicate key 'role' (first given on line 4)"),
        (8, 5, "funding[0].source", "duplicate key 'source' (first given on line 7)"),
        (9, 20, "funding[0].deeper.k", "duplicate key 'k' (first given on line 9)"),
    ]
    data = read(text)[0]
    assert data["title"] == "a" and data["contact"] == {"role": "x"}  # the first one is kept


def test_keys_that_are_not_names() -> None:
    assert problems("? [a, b]\n: c\n") == [(1, 3, "", "expected a field name, found a list")]
    assert problems("? {a: b}\n: c\n") == [(1, 3, "", "expected a field name, found a set of fields")]
    assert problems("a: &x k\n*x : v\n")[1:] == [(2, 1, "", "alias '*x' is not allowed"), (2, 1, "", "expected a field name, found an alias")]


def test_more_than_one_document() -> None:
    assert problems("a: 1\n--- \nb: 2\n") == [(2, 1, "", "expected one block of fields, found a second one")]
    assert problems("a: 1\n--- [x, y]\n") == [(2, 1, "", "expected one block of fields, found a second one")]
    assert read("a: 1\n--- {b: 2}\n")[0] == {"a": "1"}


def test_directives_change_nothing() -> None:
    """A ``%YAML`` directive cannot change how values are read; a ``%TAG`` one only defines tags, which are refused."""
    assert read("%YAML 1.1\n---\na: 1\n")[::2] == ({"a": "1"}, [])
    assert problems("%TAG !e! tag:example.org,2000:\n---\na: !e!x y\n") == [(3, 4, "a", "tag 'tag:example.org,2000:x' is not allowed")]
    assert problems("%\n") == [(1, 2, "", "syntax error: expected a field, found a line starting with '%' (a YAML directive)")]


@pytest.mark.parametrize("text", [
    "a: " + "[" * 600 + "]" * 600 + "\n",
    "a: " + "{a: " * 600 + "b" + "}" * 600 + "\n",
    "".join("  " * i + f"k{i}:\n" for i in range(200)),
    "".join("  " * i + "-\n" for i in range(200)),
])
def test_deep_nesting_is_refused_without_recursion(text: str) -> None:
    found = read(text)[2]
    assert len(found) == 1
    assert found[0].message == f"expected fields nested at most {MAX_DEPTH} levels deep, found more"


def test_nesting_up_to_the_limit_is_fine() -> None:
    lists = MAX_DEPTH - 1  # inside the top-level mapping
    data, _, found = read("a: " + "[" * lists + "x" + "]" * lists + "\n")
    assert found == []
    inner = data["a"]
    for _ in range(lists - 1):
        inner = inner[0]
    assert inner == ["x"]
    assert read("a: " + "[" * (lists + 1) + "x" + "]" * (lists + 1) + "\n")[2][0].field == "a"


def test_the_number_of_problems_listed_is_capped() -> None:
    text = "".join(f"k{i}: &a{i} x\n" for i in range(50))
    found = read(text)[2]
    assert len(found) == MAX_PROBLEMS + 1
    last = found[-1]
    assert (last.position, last.message, last.hint) == (
        Position(21, 6), "30 more problems from here on are not listed", "fix those listed, then check again")


# --- a billion laughs --------------------------------------------------------------------------------

def billion_laughs(levels: int = 10, width: int = 10) -> str:
    lines = ['lol0: &lol0 "lol"']
    lines += [f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_without_expanding_anything() -> None:
    text = billion_laughs()  # 10**9 "lol"s if the aliases were expanded
    tracemalloc.start()
    try:
        data, _, found = read(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 512 * 1024, f"peak {peak} bytes"
    assert found[0].message == "anchor '&lol0' is not allowed"
    assert found[-1].message == "80 more problems from here on are not listed"  # 10 anchors and 90 aliases
    assert data["lol9"] == [None] * 10


def test_memory_grows_with_the_file_not_with_the_expansion() -> None:
    peaks = []
    for width in (5, 20):
        tracemalloc.start()
        try:
            read(billion_laughs(levels=9, width=width))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    # 5**9 against 20**9 expanded strings: a factor of 262,144. The file is about 4 times larger.
    assert peaks[1] < 8 * peaks[0], peaks


# --- syntax errors in words ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("title: Fire: a review\n", 1, 12, "unexpected ': ' inside a value"),
    ("title: x\nsummary\nstatus: pilot\n", 2, 1, "expected 'name: value', found a line without ': '"),
    ("partners:\n  - a\n b: c\n", 3, 2, "this line is not lined up with the fields around it"),
    ("- a\nb: c\n", 2, 1, "this line is not lined up with the list items around it"),
    ("partners: - a\n", 1, 11, "a list item cannot start on the same line as its field name"),
    ("note: @kent\n", 1, 7, "expected a value, found '@', which cannot start one"),
    ("note: `kent`\n", 1, 7, "expected a value, found '`', which cannot start one"),
    ("a:\n\tb: c\n", 2, 1, "expected spaces, found a tab"),
    ("title: 'Kent\nstatus: pilot\n", 1, 8, "a quotation mark is not closed"),
    ('title: "Kent\n', 1, 8, "a quotation mark is not closed"),
    ("themes: [a, b\n", 1, 9, "a list written in [ ] is not closed"),
    ("contact: {role: x\n", 1, 10, "a set of fields written in { } is not closed"),
    ('title: "C:\\data"\n', 1, 11, "unknown escape sequence after a backslash in double quotes"),
    ("a: 1\n...\nb: 2\n", 3, 1, "unexpected text after a line '...'"),
    ("a: [,]\n", 1, 5, "expected a value, found a symbol that cannot start one"),
    ("a: !<x\n", 1, 7, "expected a value, found a '!' that starts a YAML tag"),
])
def test_syntax_errors_are_explained(text: str, line: int, col: int, message: str) -> None:
    found = read(text, first_line=1)[2]
    assert [(p.position.line, p.position.col, p.field, p.message) for p in found] == [(line, col, "", f"syntax error: {message}")]
    assert found[0].hint


def test_syntax_error_lines_count_from_first_line() -> None:
    assert read("title: Fire: a review\n", first_line=2)[2][0].position == Position(2, 12)


# --- the fast path and the event reader agree ---------------------------------------------------------

PARITY = [
    "", "# comment\n", "x\n", "[a, b]\n", "a: b\n", "title: NO\non: on\nn: 012\nt: 1:30\nv: 1.10\n",
    "a:\nb: ''\nc: \"\"\nd: |\n  x\ne: >\n  y\n", "a: [x, {b: c}]\n", "a:\n  - b: 1\n    c: 2\n  -\n  - ''\n",
    "? a\n: b\n", "'': x\n", "a: 1\na: 2\n", "a: {b: 1, b: 2}\n", "- a\n- b: c\n", "a: b\n  c: d\n",
    "a: 'it''s'\nb: \"\\t\"\n", "? [a]\n: b\n", "a:\n  b:\n    c:\n      - d\n", "a: 1\n--- \nb: 2\n", "a: x\n...\n",
    "title: Kent joint control room\nsummary: >\n  Two\n  lines\npartners:\n  - kent-police\n  - kent-fire\n",
    "a: " + "[" * 30 + "]" * 30 + "\n", "a: \u00e9\u4e2d\U0001f600\n", "a: b # comment\n# c\n",
]


@pytest.mark.parametrize("text", PARITY)
def test_fast_path_and_event_reader_give_identical_results(text: str) -> None:
    fast_data, fast_source, fast_problems = read_strict_yaml(text, 2)
    data, source, found = event_reader(text, 2)
    assert fast_data == data
    assert fast_problems == found
    if not found:
        assert fast_source.values == source.values
        assert fast_source.keys == source.keys

"""Characters that must not reach the site: as written and as decoded, in every file, with the field they are in.

Single project files are in tests/fixtures/invalid/ (bidi.md, bidi-escape.md, control-escapes.md,
control-raw.md, invisible-title.md, invisible-body.md); these tests cover the parts they cannot: each
character class, where a position maps to, the registry and site.yaml, and the limits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.text.strict_yaml import Position
from site_builder.text.text_checks import BIDI_CONTROLS, MASK, TextProblem, only_invisible, raw_characters, read_checked_yaml
from tests.helpers import ORGANISATIONS, SITE, VALID_PROJECT, make_catalogue, pin_today, run_cli
from tests.test_check import TODAY, project

BIDI_HINT = "delete it: it can make the text display differently from what is stored"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_today(monkeypatch, TODAY)


def check(root: Path) -> tuple[int, str]:
    return run_cli("check", "--root", str(root))


@pytest.mark.parametrize(("char", "name"), [
    ("\u202e", "right-to-left override"), ("\u202d", "left-to-right override"), ("\u202a", "left-to-right embedding"),
    ("\u202b", "right-to-left embedding"), ("\u202c", "pop directional formatting"), ("\u2066", "left-to-right isolate"),
    ("\u2067", "right-to-left isolate"), ("\u2068", "first strong isolate"), ("\u2069", "pop directional isolate"),
    ("\u200e", "left-to-right mark"), ("\u200f", "right-to-left mark"), ("\u061c", "arabic letter mark"),
])
def test_each_bidi_control_is_refused_where_it_is_written_with_its_field(tmp_path: Path, char: str, name: str) -> None:
    text = project(("title: Kent joint control room", f"title: Kent {char}joint control room"),
                   ("sits beside", f"sits {char}beside"))
    message = f"expected ordinary text, found an invisible text-direction control character (U+{ord(char):04X} {name})"
    assert check(make_catalogue(tmp_path, {"p": text})) == (1, (
        f"content/projects/p.md:2:13: error: title: {message}; {BIDI_HINT}\n"
        f"content/projects/p.md:16:28: error: body: {message}; {BIDI_HINT}\n"
        "1 file checked: 2 errors, 0 warnings\n"))


def test_the_bidi_pattern_leaves_ordinary_text_alone() -> None:
    assert not BIDI_CONTROLS.search("Kent – “Blue light” café, العربية, עברית, 中文 🚒\u200d")


@pytest.mark.parametrize(("yaml", "path", "position"), [
    ("title: ok\nlinks:\n  - title: Press \u202erelease\n    url: x\n", ("links", 0, "title"), Position(3, 18)),
    ("title: ok\npartners: [kent-police, kent\u202e-fire]\n", ("partners", 1), Position(2, 29)),
    ("title: ok\nsum\u202emary: x\n", ("sum" + MASK + "mary",), Position(2, 4)),  # in a key: the key as read
    ("title: ok\nsummary: >\n  first line\n  second \u202e line\n", ("summary",), Position(4, 10)),  # a folded value
    ("# a comment \u202e first\ntitle: ok\n", (), Position(1, 13)),  # before any field: no field
])
def test_a_character_written_in_the_text_is_located_exactly_and_named_by_its_field(
        yaml: str, path: tuple[str | int, ...], position: Position) -> None:
    checked = read_checked_yaml(yaml)
    assert [(p.path, p.position) for p in checked.text_problems] == [(path, position)]
    assert checked.rejected == (frozenset({path[0]}) if path else frozenset())


def test_masking_keeps_the_lines_as_an_editor_counts_them() -> None:
    """libyaml takes U+0085 for a line break; once masked, the fields after it are where an editor shows them."""
    checked = read_checked_yaml("title: a\x85b\nstatus: x\n", 2)
    assert checked.data == {"title": f"a{MASK}b", "status": "x"}
    assert checked.source.value(("status",)) == Position(3, 9)
    assert [(p.path, p.position, p.message) for p in checked.text_problems] == [
        (("title",), Position(2, 9), "expected ordinary text, found the control character U+0085 (next line)")]


@pytest.mark.parametrize(("escape", "message"), [
    ("\\x01", "the control character U+0001"), ("\\0", "the control character U+0000 (null)"),
    ("\\e", "the control character U+001B (escape)"), ("\\x7F", "the control character U+007F (delete)"),
    ("\\x9B", "the control character U+009B"), ("\\uFFFE", "U+FFFE, which is not a character (a Unicode noncharacter)"),
    ("\\uFDD0", "U+FDD0, which is not a character (a Unicode noncharacter)"),
    ("\\U0010FFFF", "U+10FFFF, which is not a character (a Unicode noncharacter)"),
    ("\\t", "a tab (U+0009)"), ("\\u2067", "an invisible text-direction control character (U+2067 right-to-left isolate)"),
])
def test_each_escape_is_refused_in_the_decoded_value(escape: str, message: str) -> None:
    checked = read_checked_yaml(f'title: ok\nlessons:\n  - "Agree{escape} early"\n')
    assert [(p.path, p.position, p.message) for p in checked.text_problems] == [
        (("lessons", 0), Position(3, 5), f"expected ordinary text, found {message}")]
    assert f"it may be written as the escape {escape}" in checked.text_problems[0].hint


def test_ordinary_text_passes() -> None:
    text = 'title: "Café — “Blue light” hub 🚒 👩\u200d🚒, e\u0301, \u00a0non-breaking, soft\u00adhyphen"\nbody: |\n  two\n  lines\n'
    checked = read_checked_yaml(text)
    assert (checked.problems, checked.text_problems, checked.rejected) == ([], [], frozenset())


@pytest.mark.parametrize(("text", "found"), [
    ("\u200b" * 6, "only invisible characters (6 x U+200B zero width space)"),
    (" \u2060\ufeff\u00ad\n\u200c ", "only invisible characters (1 x U+2060 word joiner, 1 x U+FEFF zero width no-break space, "
                                     "1 x U+00AD soft hyphen, 1 x U+200C zero width non-joiner)"),
    ("\u3164\u2800\ufe0f", "only invisible characters (1 x U+3164 hangul filler, 1 x U+2800 braille pattern blank, "
                           "1 x U+FE0F variation selector-16)"),
    ("\u00a0\u3000", "only invisible characters (1 x U+00A0 no-break space, 1 x U+3000 ideographic space)"),
    ("  \n\t", None),  # plain spaces: the schema's own rules report an empty value
    ("", None),
    ("a\u200b", None),
    ("\u200b.", None),
])
def test_only_invisible(text: str, found: str | None) -> None:
    assert only_invisible(text) == found


def test_raw_characters_are_listed_up_to_twenty_then_counted(tmp_path: Path) -> None:
    body = "".join(f"line {i}\x07\n" for i in range(1, 101))
    code, out = check(make_catalogue(tmp_path, {"p": VALID_PROJECT + body}))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 22
    assert lines[0] == "content/projects/p.md:17:7: error: body: expected ordinary text, found the control character U+0007 (bell); delete it"
    assert lines[19].startswith("content/projects/p.md:36:8: ")
    assert lines[20] == ("content/projects/p.md:37:8: error: body: 80 more problems with characters from here on are not listed; "
                         "fix those listed, then check again")


def test_raw_characters_in_a_long_file_cost_little() -> None:
    """Every character of a file at the size limit refused: positions are found in one pass."""
    found = raw_characters("\x01" * 200_000 + "\nx\x02\n", 5)
    assert len(found) == 200_001
    assert found[-1] == (Position(6, 2), "\x02")


def test_a_tab_in_the_description_is_fine_but_not_in_a_field(tmp_path: Path) -> None:
    text = project(("sits beside", "sits\tbeside"), ("title: Kent joint control room", "title: Kent joint\tcontrol room"))
    assert check(make_catalogue(tmp_path, {"p": text})) == (1, (
        "content/projects/p.md:2:8: error: title: expected ordinary text, found a tab (U+0009); "
        "replace it with a space (it may be written as the escape \\t in double quotes)\n"
        "1 file checked: 1 error, 0 warnings\n"))


def test_a_refused_field_is_reported_once_and_the_other_fields_are_still_checked(tmp_path: Path) -> None:
    """'\\x01' makes the title too short too, but only the character is reported; the bad status is reported as well."""
    text = project(("title: Kent joint control room", 'title: "\\x01"'), ("status: operational", "status: operatonal"))
    assert check(make_catalogue(tmp_path, {"p": text})) == (1, (
        "content/projects/p.md:2:8: error: title: expected ordinary text, found the control character U+0001; "
        "delete it (it may be written as the escape \\x01 in double quotes)\n"
        "content/projects/p.md:4:9: error: status: expected proposed, in-development, pilot, operational, completed or "
        "discontinued, found 'operatonal'; did you mean 'operational'?\n"
        "1 file checked: 2 errors, 0 warnings\n"))


def test_read_checked_yaml_reports_problems_of_both_kinds_in_order() -> None:
    checked = read_checked_yaml('b: "\\x01"\na: x\x02\n')
    assert checked.text_problems == [
        TextProblem(("b",), Position(1, 4), "expected ordinary text, found the control character U+0001",
                    "delete it (it may be written as the escape \\x01 in double quotes)"),
        TextProblem(("a",), Position(2, 5), "expected ordinary text, found the control character U+0002", "delete it"),
    ]


# --- the registry and site.yaml ------------------------------------------------------------------------

def test_an_organisation_with_a_refused_character_cannot_be_used_until_fixed(tmp_path: Path) -> None:
    orgs = ORGANISATIONS.replace("name: Kent Police\n", 'name: "Kent \\u202EPolice"\n')
    root = make_catalogue(tmp_path, None, {"content/organisations.yaml": orgs})
    assert check(root) == (1, (
        "content/organisations.yaml:2:9: error: kent-police.name: expected ordinary text, found an invisible text-direction "
        "control character (U+202E right-to-left override); delete it (it may be written as the escape \\u202E in double "
        "quotes): it can make the text display differently from what is stored\n"
        "content/projects/kent-joint-control-room.md:7:5: error: partners[0]: organisation 'kent-police' cannot be used until "
        "its entry in content/organisations.yaml is fixed; fix the problems reported for content/organisations.yaml first\n"
        "1 file checked: 2 errors, 0 warnings\n"))


def test_a_raw_control_character_in_a_registry_comment_is_located_not_a_crash(tmp_path: Path) -> None:
    """It used to reach libyaml, which raised ReaderError: exit 3."""
    root = make_catalogue(tmp_path, None, {"content/organisations.yaml": "# a bell \x07\n" + ORGANISATIONS})
    assert check(root) == (1, "content/organisations.yaml:1:10: error: expected ordinary text, found the control character "
                              "U+0007 (bell); delete it\n1 file checked: 1 error, 0 warnings\n")


def test_site_yaml_is_checked_too(tmp_path: Path) -> None:
    site = SITE.replace("title: Emergency Services Collaboration Catalogue", 'title: "\\aEmergency Services Collaboration Catalogue"')
    root = make_catalogue(tmp_path / "catalogue", None, {"site.yaml": site})
    code, out = run_cli("build", "--root", str(root), "--out", str(tmp_path / "site"), "--jobs", "1")
    assert (code, out) == (1, "site.yaml:1:8: error: title: expected ordinary text, found the control character U+0007 (bell); "
                              "delete it (it may be written as the escape \\a in double quotes)\n"
                              "1 file checked: 1 error, 0 warnings\nbuild failed: the previous site was left as it was\n")

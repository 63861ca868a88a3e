"""A strict YAML reader for untrusted contributor text.

Every scalar stays a string (``NO``, ``012``, ``1:30`` and ``1.10`` are never a boolean or a
number): the schema types them later. Anchors, aliases, merge keys, tags and duplicate keys are
rejected. Aliases are never expanded, so a "billion laughs" file costs no more than its own size.
The reader works on libyaml's event stream and records a line and column for every key and value.
"""

from __future__ import annotations

import functools
import marshal
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from site_builder.diagnostics.report import quote, shorten

try:  # libyaml's C parser is an order of magnitude faster; fall back to pure Python without it.
    from yaml import CBaseLoader as _BaseLoader
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
    _BaseLoader = None  # type: ignore[assignment,misc]

PathPart = str | int
_QUOTED = ("'", '"', "|", ">")
Path = tuple[PathPart, ...]
MAX_DEPTH = 20  # a project's fields nest at most three deep; libyaml itself stops at 1,000
MAX_PROBLEMS = 20  # per file: a "billion laughs" file has thousands of aliases, and listing each helps no one

_SYNTAX_HINT = "check the indentation, and put quotes around text that contains ': ' or starts with a symbol"
# libyaml's problem text -> (point at where the construct started?, message, hint)
_SYNTAX_ERRORS: tuple[tuple[str, bool, str, str], ...] = (
    ("a tag", False, "expected a value, found a '!' that starts a YAML tag",
     "put the value in quotes if it starts with '!', for example note: \"!important\""),
    ("a directive", False, "expected a field, found a line starting with '%' (a YAML directive)",
     "put the value in quotes if it starts with '%', or remove the line"),
    ("mapping keys are not allowed", False, "unexpected '? ' inside a value", "put the whole value in quotes"),
    ("did not find expected node content", False, "expected a value, found a symbol that cannot start one",
     "put the value in quotes if it starts with a symbol such as ',', '[' or '-'"),
    ("mapping values are not allowed", False, "unexpected ': ' inside a value",
     "put the whole value in quotes, for example title: \"Fire control: a review\", or check the indentation"),
    ("could not find expected ':'", True, "expected 'name: value', found a line without ': '",
     "add ': ' after the field name, or indent a continued line of text further than its field name"),
    ("did not find expected key", False, "this line is not lined up with the fields around it",
     "indent fields at the same level by the same number of spaces, and put quotes around a whole value that contains quotes"),
    ("did not find expected '-' indicator", False, "this line is not lined up with the list items around it",
     "start each list item with '- ' at the same indentation"),
    ("block sequence entries are not allowed", False, "a list item cannot start on the same line as its field name",
     "put each '- item' on its own line under the field name"),
    ("cannot start any token", False, "expected a value, found {char}, which cannot start one",
     "put the value in quotes, for example note: \"@kentpolice\""),
    ("found unexpected end of stream", True, "a quotation mark is not closed",
     "add the closing quotation mark at the end of the value"),
    ("did not find expected ',' or ']'", True, "a list written in [ ] is not closed",
     "add the closing ']', or put each item on its own line starting with '- '"),
    ("did not find expected ',' or '}'", True, "a set of fields written in { } is not closed",
     "add the closing '}', or write each field on its own line"),
    ("found unknown escape character", False, "unknown escape sequence after a backslash in double quotes",
     "use single quotes around the value, or write a backslash as \\\\"),
    ("did not find expected <document start>", False, "unexpected text after a line '...'",
     "remove the line '...': the fields end at the closing '---'"),
    ("tab character", False, "a tab is used for indentation", "indent with spaces, not tabs"),
)


class Position(NamedTuple):
    """A 1-based line and column (a tuple: millions are made when loading a large catalogue)."""

    line: int
    col: int


@dataclass(frozen=True)
class YamlProblem:
    """Something the strict reader refuses, with its position and a hint."""

    position: Position
    field: str
    message: str
    hint: str


@dataclass
class SourceMap:
    """Where each key and value came from, by field path such as ``("partners", 1)``."""

    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def value(self, path: Path) -> Position:
        """The position of the value at ``path``, or of its nearest located ancestor."""
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Position(1, 1))

    def key(self, path: Path) -> Position:
        """The position of the key that names ``path``, falling back to its value."""
        return self.keys.get(path) or self.value(path)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        # Pickled (the parse cache, results from worker processes) as one marshalled string of paths
        # and line and column numbers, unpacked only if a position is asked for: a map holds dozens of
        # positions, most projects' are never looked at again, and unpickling Positions one by one is slow.
        packed = self.__dict__.get("_packed")
        if packed is None:
            packed = marshal.dumps((tuple(self.values), _flat(self.values), tuple(self.keys), _flat(self.keys)))
        return _packed_source_map, (packed,)

    if not TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any:
            """``values`` and ``keys`` of a map unpickled and not yet unpacked (other lookups never get here)."""
            packed = self.__dict__.get("_packed")
            if packed is None or name not in ("values", "keys"):
                raise AttributeError(name)
            values, value_numbers, keys, key_numbers = marshal.loads(packed)
            self.values, self.keys = _positions(values, value_numbers), _positions(keys, key_numbers)
            del self._packed
            return getattr(self, name)


_position = functools.partial(tuple.__new__, Position)


def _flat(positions: dict[Path, Position]) -> tuple[int, ...]:
    return tuple(number for position in positions.values() for number in position)


def _positions(paths: tuple[Path, ...], flat: tuple[int, ...]) -> dict[Path, Position]:
    numbers = iter(flat)
    return dict(zip(paths, map(_position, zip(numbers, numbers, strict=False)), strict=True))


def _packed_source_map(packed: bytes) -> SourceMap:
    """A :class:`SourceMap` from its pickled form (see ``SourceMap.__reduce__``), unpacked when first used."""
    source = SourceMap.__new__(SourceMap)
    source.__dict__["_packed"] = packed
    return source


def format_path(path: Path) -> str:
    """``("funding", 0, "amount_gbp")`` as ``funding[0].amount_gbp``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{shorten(part)}" if out else shorten(part)
    return out


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path
    start: Any
    pending_key: str | None = None
    first_seen: dict[str, int] = field(default_factory=dict)


class StrictYamlReader:
    """Turns YAML text into plain dicts, lists and strings, plus a source map and problems."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self.text = text
        self.first_line = first_line
        self.problems: list[YamlProblem] = []
        self.source = SourceMap()
        self.unlisted = 0
        self.first_unlisted = Position(first_line, 1)

    def _pos(self, mark: Any) -> Position:
        return Position(mark.line + self.first_line, mark.column + 1)

    def _problem(self, mark: Any, path: Path, message: str, hint: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(YamlProblem(self._pos(mark), format_path(path), message, hint))
        else:
            self.unlisted += 1
            if self.unlisted == 1:
                self.first_unlisted = self._pos(mark)

    def read(self) -> Any:
        """Parse the text. Returns the data (``None`` for an empty document)."""
        data = self._read()
        if self.unlisted:
            self.problems.append(YamlProblem(
                self.first_unlisted, "", f"{self.unlisted} more problems from here on are not listed",
                "fix those listed, then check again"))
        return data

    def _read(self) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        try:
            events: Iterator[Any] = yaml.parse(self.text, Loader=_Loader)
            for event in events:
                kind = type(event)
                if kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents == 2:
                        self._problem(event.start_mark, (), "expected one block of fields, found a second one",
                                      "remove the line '...' or '---' in the middle of the fields")
                    continue
                if documents > 1 or kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                    continue
                if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                    done = stack.pop()
                    if stack:
                        self._attach(stack[-1], done.container, done.start, done.path)
                    else:
                        root = done.container
                    continue
                path = self._next_path(stack)
                if kind is yaml.AliasEvent:
                    self._problem(event.start_mark, path, f"alias {quote('*' + event.anchor)} is not allowed",
                                  "write the value out in full instead of referring to an anchor")
                    value: Any = None
                    if stack:
                        self._attach(stack[-1], value, event.start_mark, path)
                    continue
                self._check_node(event, path)
                if kind is yaml.ScalarEvent:
                    value = event.value
                    if value == "" and event.style not in _QUOTED:  # `key:` with nothing after it
                        value = None
                    if stack:
                        self._attach(stack[-1], value, event.start_mark, path)
                    else:
                        root = value
                        self.source.values[()] = self._pos(event.start_mark)
                    continue
                if len(stack) >= MAX_DEPTH:
                    self._problem(event.start_mark, path[:1], f"expected fields nested at most {MAX_DEPTH} levels deep, found more",
                                  "check the indentation; project fields are at most a few levels deep")
                    return None
                container: dict[str, Any] | list[Any] = (
                    {} if kind is yaml.MappingStartEvent else []
                )
                if stack and isinstance(stack[-1].container, dict) and stack[-1].pending_key is None:
                    path = (*path, "<key>")  # a list or mapping used as a key: keep the parent's position
                self.source.values.setdefault(path, self._pos(event.start_mark))
                stack.append(_Frame(container, path, event.start_mark))
        except yaml.MarkedYAMLError as exc:
            self.problems.append(self._syntax_problem(exc))
            return None
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow (text_checks masks them first)
            before = self.text[: exc.position]
            position = Position(self.first_line + before.count("\n"), exc.position - (before.rfind("\n") + 1) + 1)
            self.problems.append(YamlProblem(position, "", f"expected ordinary text, found the character U+{exc.character:04X}",
                                             "delete it"))
            return None
        return root

    def _syntax_problem(self, exc: yaml.MarkedYAMLError) -> YamlProblem:
        """A libyaml error in words a contributor can act on."""
        problem = (exc.problem or exc.context or "").strip()
        both = f"{exc.problem} / {exc.context}"
        mark = exc.problem_mark or exc.context_mark
        message, hint = "", _SYNTAX_HINT
        for pattern, use_context, friendly, friendly_hint in _SYNTAX_ERRORS:
            if pattern in both:
                if use_context and exc.context_mark is not None:
                    mark = exc.context_mark
                message, hint = friendly, friendly_hint
                break
        if mark is not None and "{char}" in message:
            index = mark.index if mark.index < len(self.text) else -1
            char = self.text[index] if self.text else ""
            message = message.replace("{char}", f"'{char}'")
            if char == "\t":
                message, hint = "expected spaces, found a tab", "indent with spaces, not tabs"
        position = self._pos(mark) if mark else Position(self.first_line, 1)
        return YamlProblem(position, "", f"syntax error: {message or problem or 'the fields could not be read'}", hint)

    def _next_path(self, stack: list[_Frame]) -> Path:
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.container, list):
            return (*top.path, len(top.container))
        if top.pending_key is None:
            return top.path  # this node is a key
        return (*top.path, top.pending_key)

    def _check_node(self, event: Any, path: Path) -> None:
        if event.anchor is not None:
            self._problem(event.start_mark, path, f"anchor {quote('&' + event.anchor)} is not allowed",
                          "write each value out in full; anchors and aliases are not supported")
        if event.tag is not None and not (
            type(event) is yaml.ScalarEvent and event.tag == "!" and event.style in _QUOTED
        ):
            written = event.tag.replace("tag:yaml.org,2002:", "!!", 1)
            self._problem(event.start_mark, path, f"tag {quote(written)} is not allowed",
                          "remove the tag (the part starting with '!'); plain values are enough")

    def _attach(self, frame: _Frame, value: Any, mark: Any, path: Path) -> None:
        container = frame.container
        if isinstance(container, list):
            container.append(value)
            self.source.values.setdefault(path, self._pos(mark))
            return
        if frame.pending_key is None:  # this node is a key
            if not isinstance(value, str):
                found = "a list" if isinstance(value, list) else "a set of fields" if isinstance(value, dict) else "an alias"
                self._problem(mark, frame.path, f"expected a field name, found {found}",
                              "write field names as plain words, such as 'title:'")
                value = f"<invalid key at line {self._pos(mark).line}>"
            if value == "<<":
                self._problem(mark, frame.path, "merge key '<<' is not allowed",
                              "write each field out in full")
            key_path = (*frame.path, value)
            if value in frame.first_seen:
                self._problem(mark, key_path, f"duplicate key {quote(value)} (first given on line "
                              f"{frame.first_seen[value]})", "keep one of them and delete the other")
            else:
                frame.first_seen[value] = self._pos(mark).line
                self.source.keys[key_path] = self._pos(mark)
            frame.pending_key = value
            return
        key = frame.pending_key
        frame.pending_key = None
        if key not in container:  # a duplicate key keeps its first value
            container[key] = value
            self.source.values.setdefault(path, self._pos(mark))


# Text without these characters can hold no anchor, alias, tag, merge key or directive, so libyaml's
# C composer (with the base resolver, which leaves every scalar a string) can build the tree for it.
_NEEDS_EVENT_READER = re.compile(r"[&*!%]|<<")
_STR_TAG, _MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_TAGS = {yaml.ScalarNode: _STR_TAG, yaml.SequenceNode: _SEQ_TAG, yaml.MappingNode: _MAP_TAG}

if _BaseLoader is not None:
    class _StringLoader(_BaseLoader):
        """libyaml's composer with the base resolver's answers, without its Python-level search.

        The base resolver has no implicit or path resolvers, so it tags every node by its kind alone:
        a scalar is a string, whatever it holds. Nodes with a tag of their own never reach it.
        """

        def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
            return _TAGS[kind]

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass


def read_strict_yaml(text: str, first_line: int = 1) -> tuple[Any, SourceMap, list[YamlProblem]]:
    """Read YAML strictly. ``first_line`` is the file line on which ``text`` starts.

    Most files take a fast path through libyaml's C composer; any text containing a character that
    could start an anchor, alias, tag, merge key or directive goes through the event reader, which
    reports each of those precisely. Both give identical results for text they both accept.
    """
    if _BaseLoader is not None and not _NEEDS_EVENT_READER.search(text):
        fast = _read_composed(text, first_line)
        if fast is not None:
            return fast
    reader = StrictYamlReader(text, first_line)
    data = reader.read()
    return data, reader.source, reader.problems


def _read_composed(text: str, first_line: int) -> tuple[Any, SourceMap, list[YamlProblem]] | None:
    """The fast path; ``None`` when the text needs the event reader's precise error reporting."""
    try:
        loader = _StringLoader(text)
        try:
            if not loader.check_node():
                return None, SourceMap(), []
            node = loader.get_node()
            if loader.check_node():  # a second document
                return None
        finally:
            loader.dispose()
    except yaml.YAMLError:
        return None
    source = SourceMap()
    problems: list[YamlProblem] = []
    data = _build(node, (), source, problems, first_line)
    return (data, source, problems) if not problems else None


def _build(node: Any, path: Path, source: SourceMap, problems: list[YamlProblem], first_line: int) -> Any:
    mark = node.start_mark
    source.values[path] = _position((mark.line + first_line, mark.column + 1))
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag != _STR_TAG:
            problems.append(YamlProblem(source.values[path], format_path(path), "unexpected tag", ""))
        return None if node.value == "" and node.style not in _QUOTED else node.value
    if len(path) >= MAX_DEPTH:  # the event reader reports it (and this stays well clear of Python's recursion limit)
        problems.append(YamlProblem(source.values[path], format_path(path), "nested too deeply", ""))
        return None
    if kind is yaml.SequenceNode:
        return [_build(item, (*path, index), source, problems, first_line) for index, item in enumerate(node.value)]
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if type(key_node) is not yaml.ScalarNode or key in out or key == "":
            problems.append(YamlProblem(source.values[path], format_path(path), "needs the event reader", ""))
            return None
        key_path = (*path, key)
        key_mark = key_node.start_mark
        source.keys[key_path] = _position((key_mark.line + first_line, key_mark.column + 1))
        out[key] = _build(value_node, key_path, source, problems, first_line)
    return out

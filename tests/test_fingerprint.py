"""Page-context digests (site_builder/build/fingerprint.py): stable across processes, and never guessing."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from site_builder.build.fingerprint import ContextHasher, Unhashable
from site_builder.views.project import long_date


@dataclasses.dataclass(frozen=True)
class Item:
    name: str
    values: tuple[int, ...]


def digest(value: object) -> str:
    return ContextHasher().digest(value).hex()


def test_equal_contexts_give_equal_digests_and_a_changed_value_another() -> None:
    context = {"item": Item("a", (1, 2)), "format": long_date, "kind": Item}
    assert digest(context) == digest({"item": Item("a", (1, 2)), "format": long_date, "kind": Item})
    assert digest(context) != digest({**context, "item": Item("a", (1, 3))})
    assert digest(context) != digest({**context, "format": str.upper.__class__})


def test_a_module_level_function_digests_the_same_in_another_process() -> None:
    script = ("from site_builder.build.fingerprint import ContextHasher; from site_builder.views.project import long_date; "
              "print(ContextHasher().digest({'f': long_date}).hex())")
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert other == digest({"f": long_date})


def closure() -> object:
    def inner() -> int:
        return 1
    return inner


@pytest.mark.parametrize("value", [lambda x: x, closure(), object()])
def test_lambdas_closures_and_unknown_objects_are_unhashable(value: object) -> None:
    with pytest.raises(Unhashable):
        digest({"value": value})

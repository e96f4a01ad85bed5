"""Every test can fail: each test function asserts something or expects an exception (issue 22).

A test counts as checking when its body (nested functions included) holds an `assert` whose
condition is not a constant (`assert True`, `assert (x, "why")` are always true), `pytest.raises`,
`pytest.warns`, `pytest.fail`, or `raise AssertionError` — or calls a helper that does. Helpers are
resolved the way the test imports them: a function of the same file, a `from factory import x` or
`import web_kit` of a module under tests/, or a method of the test's own class; a helper counts when
it checks by the same rule (through its own helpers too). A call into a library never counts: a test
that only runs code and would pass on any answer is what this file exists to stop.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent
_EXPECTING = {"raises", "warns", "fail", "deprecated_call"}  # pytest.<name>


@dataclass
class _Module:
    path: Path
    tree: ast.Module
    defs: dict[str, ast.AST] = field(default_factory=dict)  # name or Class.method → def
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # from M import f as g: g → (M, f)
    modules: dict[str, str] = field(default_factory=dict)  # import M as m: m → M


def _load(path: Path, text: str | None = None) -> _Module:
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    mod = _Module(path, tree)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            mod.defs[node.name] = node
        elif isinstance(node, ast.ClassDef):
            mod.defs.update({f"{node.name}.{n.name}": n for n in node.body
                             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))})
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            mod.names.update({a.asname or a.name: (node.module, a.name) for a in node.names})
        elif isinstance(node, ast.Import):
            mod.modules.update({a.asname or a.name: a.name for a in node.names})
    return mod


class Suite:
    """The test files and helper modules under one folder, and which of their functions check."""

    def __init__(self, root: Path, extra: dict[Path, str] | None = None):
        self.root = root
        paths = sorted(root.rglob("*.py"))
        self.modules = {p: _load(p) for p in paths if p not in (extra or {})}
        self.modules.update({p: _load(p, text) for p, text in (extra or {}).items()})
        self._checks: dict[tuple[Path, str], bool] = {}

    def _helper_module(self, near: Path, name: str) -> _Module | None:
        """A module imported by a test file: beside it (pytest puts the test's folder on sys.path) or at tests/."""
        rel = Path(*name.split("."))
        for base in (near.parent, self.root):
            found = self.modules.get(base / rel.with_suffix(".py"))
            if found is not None:
                return found
        return None

    def _resolve(self, mod: _Module, call: ast.Call, cls: str | None) -> tuple[_Module, str] | None:
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in mod.defs:
                return mod, func.id
            if func.id in mod.names:
                module, name = mod.names[func.id]
                other = self._helper_module(mod.path, module)
                return (other, name) if other is not None and name in other.defs else None
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if owner in ("self", "cls") and cls and f"{cls}.{func.attr}" in mod.defs:
                return mod, f"{cls}.{func.attr}"
            module = mod.modules.get(owner) or (".".join(mod.names[owner]) if owner in mod.names else None)
            other = self._helper_module(mod.path, module) if module else None
            if other is not None and func.attr in other.defs:
                return other, func.attr
        return None

    def checks(self, mod: _Module, name: str) -> bool:
        """Whether the function asserts or expects an exception, itself or through a helper it calls."""
        key = (mod.path, name)
        if key in self._checks:
            return self._checks[key]
        self._checks[key] = False  # a recursive helper proves nothing by calling itself
        cls = name.split(".")[0] if "." in name else None
        calls = []
        for node in ast.walk(mod.defs[name]):
            if _checks_here(node):
                self._checks[key] = True
                return True
            if isinstance(node, ast.Call):
                calls.append(node)
        for call in calls:
            target = self._resolve(mod, call, cls)
            if target is not None and self.checks(*target):
                self._checks[key] = True
                return True
        return False

    def unchecked_tests(self) -> list[str]:
        """Every test function (test_*.py: test_* functions and methods of Test* classes) that cannot fail."""
        out = []
        for path, mod in self.modules.items():
            if not path.name.startswith("test_"):
                continue
            for name in mod.defs:
                cls, _, func = name.rpartition(".")
                if func.startswith("test") and (not cls or cls.startswith("Test")) and not self.checks(mod, name):
                    out.append(f"{path.relative_to(self.root)}::{name.replace('.', '::')}")
        return out


def _checks_here(node: ast.AST) -> bool:
    if isinstance(node, ast.Assert):
        test = node.test
        always = isinstance(test, ast.Constant) and bool(test.value) or isinstance(test, ast.Tuple) and test.elts
        return not always
    if isinstance(node, ast.Raise) and node.exc is not None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        return isinstance(exc, ast.Name) and exc.id == "AssertionError"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _EXPECTING:
        return isinstance(node.func.value, ast.Name) and node.func.value.id == "pytest"
    return False


# ---------------------------------------------------------------- the tests


def test_every_test_in_the_suite_asserts_or_expects_an_exception():
    assert Suite(TESTS).unchecked_tests() == []


PLANTED = '''
import pytest
from factory import valid_document
from helpers_here import check_balance, just_runs
import helpers_here as kit

def test_runs_but_cannot_fail():
    valid_document("x")

def test_always_true():
    assert True
    assert (1 == 2, "a tuple is always true")

def test_through_a_helper_that_only_runs():
    just_runs(3)
    kit.just_runs(4)

def test_unused_expectation_name():
    pytest.approx(1.0)

def test_asserts():
    assert valid_document("x") == 1

def test_expects():
    with pytest.raises(ValueError):
        valid_document("y")

def test_fails_by_hand():
    if valid_document("z"):
        pytest.fail("z")

def test_through_a_helper_that_checks():
    check_balance(1)

def test_through_a_module_helper():
    kit.check_balance(2)

def _local(v):
    if v != 1:
        raise AssertionError(v)

def test_through_a_local_helper():
    _local(1)

class TestGroup:
    def _look(self, v):
        assert v

    def test_method_through_its_own_helper(self):
        self._look(1)

    def test_method_that_cannot_fail(self):
        self.other = 1

def _recursive(n):
    return _recursive(n - 1) if n else None

def test_recursion_proves_nothing():
    _recursive(3)
'''

HELPERS = '''
def check_balance(v):
    _inner(v)

def _inner(v):
    assert v > 0, v

def just_runs(v):
    return v * 2
'''


def test_the_check_catches_a_planted_weak_test(tmp_path):
    (tmp_path / "sub").mkdir()
    suite = Suite(tmp_path, {tmp_path / "sub" / "test_planted.py": PLANTED,
                             tmp_path / "sub" / "helpers_here.py": HELPERS})
    assert suite.unchecked_tests() == [
        "sub/test_planted.py::test_runs_but_cannot_fail",
        "sub/test_planted.py::test_always_true",
        "sub/test_planted.py::test_through_a_helper_that_only_runs",
        "sub/test_planted.py::test_unused_expectation_name",
        "sub/test_planted.py::TestGroup::test_method_that_cannot_fail",
        "sub/test_planted.py::test_recursion_proves_nothing",
    ]

"""The package shows the pipeline: each stage imports only the stages below it, and no module cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tool" / "nianbao"

# Lowest first. A module may import its own stage and any stage listed before it.
STAGES = ["findings", "clock", "paths", "parallel", "printable", "inert", "external", "format", "template", "intake",
          "check", "published", "county", "render", "workflow", "web", "cli"]
# Stages of one rank do not import each other (template and intake both sit on format).
RANK = {"findings": 0, "clock": 0, "paths": 0, "parallel": 0, "printable": 0, "inert": 0, "external": 0, "format": 1,
        "template": 2, "intake": 2, "check": 3, "published": 4, "county": 5, "render": 6, "workflow": 7, "web": 8,
        "cli": 9}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every nianbao module this file imports, top-level or inside a function, resolved to absolute names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.startswith("nianbao"):
                found.update(f"{module}.{a.name}" for a in node.names)
                found.add(module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("nianbao"))
    return found


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_stage_is_a_documented_package_or_a_foundation_module():
    for stage in STAGES:
        package, module = PACKAGE / stage / "__init__.py", PACKAGE / f"{stage}.py"
        if stage in ("published", "web") and not package.exists():
            continue  # stages still to come: reading published reports, the web intake service
        assert package.exists() or module.exists(), stage
        if package.exists():
            doc = ast.get_docstring(ast.parse(package.read_text(encoding="utf-8")))
            assert doc and "Takes:" in doc and "Gives:" in doc, f"{stage}/__init__.py says what it takes and gives"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_stage_imports_only_stages_below_it(path):
    own = _stage(_module_name(path))
    if own is None:
        return  # nianbao/__init__.py, __main__.py, data/
    for imported in _imports(path):
        other = _stage(imported)
        if other is None or other == own:
            continue
        assert RANK[other] < RANK[own], f"{_module_name(path)} ({own}) imports {imported} ({other})"


def test_no_import_cycles():
    names = {_module_name(p): p for p in MODULES}
    graph = {n: {m for m in _imports(p) if m in names and m != n} for n, p in names.items()}
    # A package's __init__ imported through `from nianbao.x import y` is not an edge to every module.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)


def test_tests_mirror_the_package():
    """A module's tests are found from its stage: tests/<stage>/ exists for every stage package."""
    tests = Path(__file__).resolve().parent
    for stage in STAGES:
        if (PACKAGE / stage).is_dir():
            assert (tests / stage).is_dir(), f"tests/{stage}/"

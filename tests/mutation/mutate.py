"""Mutation testing of the modules that decide (issue 22): `make mutate`, `make mutate MODULE=check/rules.py`.

    python tests/mutation/mutate.py [--module check/rules.py ...] [--survivors] [--jobs N] [--report-only]

Runs mutmut (3.x) over each module of modules.toml against that module's own stage's tests (but those
that drive Chromium: slow, and flaky under the load of a mutation run, where one failure stops it), then
writes docs/mutation.md (killed / survived / timeout / equivalent and the kill rate per module, every
mutant left alive with its change) from the results kept in docs/mutation-results.json and the
equivalent mutants listed, with the reason, in equivalent.yaml.

mutmut finds the code under ./, src/ or source/ only, and names a mutant by its module path, so each
module is run in a staging folder build/mutation/<module>/ where `src` is the repository's tool/
(mutmut copies it into mutants/src, mutates the one module, and imports nianbao from there).
PYTHONPATH points at that copy too, so a test that runs `nianbao` in a subprocess runs the mutant.

A full run starts from nothing; --survivors re-runs only the mutants not killed last time (after
adding tests), keeping the rest of the last results — on a fresh checkout too, when the module is the one
last measured.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PLAN = HERE / "modules.toml"
EQUIVALENT = HERE / "equivalent.yaml"
RESULTS = ROOT / "docs" / "mutation-results.json"
REPORT = ROOT / "docs" / "mutation.md"
WORK = ROOT / "build" / "mutation"
PACKAGE = "nianbao"
# Beside src/ (the mutated copy), the staged repository has what the tests read: the specs and samples,
# and tool/ itself (a test builds the wheel from the checkout).
COPIED = ("templates", "samples", "tool", "README.md", "LICENSE")
TARGET = 0.90
DETECTED = ("killed", "timeout")  # a mutant the tests did not pass: killed, or hung until the time limit
# Each mutant's time limit, in wall-clock seconds: (the stats run's time of the tests it runs + CONSTANT) ×
# MULTIPLIER (mutmut's timeout_constant and timeout_multiplier; it sends SIGXCPU then, and its CPU limit of
# twice that ends in SIGKILL). mutmut's own 15 × let a mutant that loops forever run 5–9 minutes (narrative's
# _topic_spans); 4 × still leaves a mutant that survives on a loaded machine far more than it needs.
# The constant covers what the stats time leaves out: fixture set-up and the fork.
TIME_MULTIPLIER = 4.0
TIME_CONSTANT = 10.0
# A mutant stopped by a limit is a hang the tests detect: SIGXCPU (−24 and its shell forms) at the time limit;
# SIGKILL (−9) at the CPU limit, at fresh_caches' memory limit (a loop that appends forever) or from the
# kernel's out-of-memory killer. A real segmentation fault (−11) is not counted as caught.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout",
          24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout", -9: "timeout", -11: "segfault",
          37: "caught by type check", None: "not checked"}


@dataclass(frozen=True)
class Module:
    path: str  # under tool/nianbao, e.g. check/rules.py
    tests: tuple[str, ...]
    round: int

    @property
    def name(self) -> str:  # the dotted module name mutmut uses, nianbao.check.rules
        return f"{PACKAGE}." + self.path.removesuffix(".py").replace("/", ".")

    @property
    def source(self) -> Path:
        return ROOT / "tool" / PACKAGE / self.path

    @property
    def staging(self) -> Path:
        return WORK / self.path.removesuffix(".py").replace("/", ".")


def plan() -> dict[str, Module]:
    data = tomllib.loads(PLAN.read_text(encoding="utf-8"))["modules"]
    return {path: Module(path, tuple(spec["tests"]), int(spec["round"])) for path, spec in data.items()}


def equivalents() -> dict[str, dict[str, str]]:
    """module path → {mutation key → why the mutant is equivalent}."""
    data = yaml.safe_load(EQUIVALENT.read_text(encoding="utf-8")) or {}
    return {module: {entry["mutation"]: entry["reason"] for entry in entries or []} for module, entries in data.items()}


# ---------------------------------------------------------------- running mutmut


def _config(module: Module) -> str:
    """The staged pyproject.toml: the repository's (pytest settings) and the mutmut section for this module."""
    own = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = ", ".join(json.dumps(t) for t in module.tests)
    return own + f"""

# ---- written by tests/mutation/mutate.py for this staging folder only
[tool.mutmut]
source_paths = ["src"]
only_mutate = ["src/{PACKAGE}/{module.path}"]
also_copy = [{", ".join(json.dumps(c) for c in COPIED)}]
pytest_add_cli_args_test_selection = [{listed}]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-m", "not chromium", "-p", "fresh_caches"]
timeout_multiplier = {TIME_MULTIPLIER}
timeout_constant = {TIME_CONSTANT}
"""


def stage(module: Module, fresh: bool) -> None:
    if fresh and module.staging.exists():
        shutil.rmtree(module.staging)
    module.staging.mkdir(parents=True, exist_ok=True)
    links = {"src": ROOT / "tool", "tests": ROOT / "tests", **{c: ROOT / c for c in COPIED}}
    for name, target in links.items():
        link = module.staging / name
        if not link.is_symlink():
            link.symlink_to(target)
    (module.staging / "pyproject.toml").write_text(_config(module), encoding="utf-8")


def run_mutmut(module: Module, jobs: int, names: list[str] | None = None) -> int:
    copy = module.staging / "mutants" / "src"
    copy.mkdir(parents=True, exist_ok=True)  # on PYTHONPATH from the start (a folder missing then is never looked in)
    # tests/mutation on the path too, for the fresh_caches plugin (each forked mutant run starts with empty caches).
    env = {**os.environ, "CI": "true", "PYTHONPATH": os.pathsep.join((str(copy), str(HERE))),
           "NIANBAO_MUTATED": module.name}  # fresh_caches empties this module's caches before every test
    command = [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(jobs), *(names or [])]
    log = module.staging / "mutmut.log"
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.run(command, cwd=module.staging, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    if code:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        print(f"mutmut failed on {module.path} (exit {code}); the end of {log}:\n{tail}", file=sys.stderr)
    return code


# ---------------------------------------------------------------- reading the results


def _functions(tree: ast.Module) -> dict[str, ast.AST]:
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[node.name] = node
        elif isinstance(node, ast.ClassDef):
            out.update({f"{node.name}.{n.name}": n for n in node.body
                        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))})
    return out


def _mangled(key: str) -> str:
    """A mutant's function as _functions names it: x_f__mutmut_3 as it is, xǁStoreǁadd__mutmut_3 under Store."""
    if key.startswith("xǁ"):
        cls = key.split("ǁ")[1]
        return f"{cls}.{key}"
    return key


def changed_functions(module: Module, measured: str | None = None) -> list[str]:
    """Patterns naming the mutants of every function added or changed since mutmut last generated this
    module's mutants: mutmut forgets their results when it generates them again, so a re-run of the
    survivors runs them too (a module edited to fix a bug, a merge). measured: the module's text as last
    measured (a fresh checkout, no staging folder); by default the staging folder's mutated copy."""
    if measured is not None:
        plain = _functions(ast.parse(measured))
        before = {_mangled(_key(name) + "__mutmut_orig"): node for name, node in plain.items()}
    else:
        mutated = module.staging / "mutants" / "src" / PACKAGE / module.path
        if not mutated.exists():
            return []
        before = _functions(ast.parse(mutated.read_text(encoding="utf-8")))
    out = []
    for name, node in _functions(ast.parse(module.source.read_text(encoding="utf-8"))).items():
        if any(not (isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")) for d in node.decorator_list):
            continue  # mutmut leaves decorated functions alone
        key = _key(name)
        orig = before.get(_mangled(key + "__mutmut_orig"))
        if orig is None or ast.dump(ast.Module(orig.body, [])) != ast.dump(ast.Module(node.body, [])):
            out.append(f"{module.name}.{key}__mutmut_*")
    return out


def _key(name: str) -> str:
    """mutmut's name for a function: _sum → x__sum, Store.add → xǁStoreǁadd."""
    cls, _, fn = name.rpartition(".")
    return f"xǁ{cls}ǁ{fn}" if cls else f"x_{fn}"


def _function_of(key: str) -> str:
    """The source function a mutant belongs to: x__sum__mutmut_4 → _sum; xǁStoreǁadd__mutmut_2 → Store.add."""
    base = key.partition("__mutmut_")[0]
    if base.startswith("xǁ"):
        _, cls, name = base.split("ǁ")
        return f"{cls}.{name}"
    return base.removeprefix("x_")


def change_of(functions: dict[str, ast.AST], text: str | list[str], key: str) -> tuple[str, list[str]]:
    """A mutant's change as one line ('old → new', stable while the function's text is) and its diff lines.
    text: the mutated file, or its lines (split once: a file of a thousand mutants is megabytes)."""
    lines = text.splitlines() if isinstance(text, str) else text
    orig = functions[_mangled(key.partition("__mutmut_")[0] + "__mutmut_orig")]
    mutant = functions[_mangled(key)]
    a = lines[orig.lineno:orig.end_lineno]  # the body: the def lines differ by name only
    b = lines[mutant.lineno:mutant.end_lineno]
    diff = [line for line in difflib.unified_diff(a, b, lineterm="", n=0) if line[:1] in "+-"
            and not line.startswith(("+++", "---"))]
    old = " / ".join(line[1:].strip() for line in diff if line.startswith("-"))
    new = " / ".join(line[1:].strip() for line in diff if line.startswith("+"))
    return f"{_function_of(key)}: {old} → {new}", diff


def collect(module: Module, seconds: float, source: str | None = None) -> dict:
    """This module's results from its staging folder: every mutant's status and change. source: the module's
    digest when mutmut copied it (the file may be edited while a run goes on); by default, as it is now."""
    mutated = module.staging / "mutants" / "src" / PACKAGE / module.path
    meta = json.loads(mutated.with_name(mutated.name + ".meta").read_text(encoding="utf-8"))
    text = mutated.read_text(encoding="utf-8")
    functions = _functions(ast.parse(text))
    lines = text.splitlines()
    mutants = []
    for name, code in sorted(meta["exit_code_by_key"].items(), key=lambda kv: _order(kv[0])):
        key = name.removeprefix(module.name + ".")
        change, diff = change_of(functions, lines, key)
        mutants.append({"id": key, "status": STATUS.get(code, "suspicious"), "mutation": change, "diff": diff})
    return {"tests": list(module.tests), "round": module.round, "seconds": round(seconds),
            "source": source or _digest(module.source),
            "when": time.strftime("%Y-%m-%d %H:%M"), "mutants": mutants, "unmutated": blind_spots(module)}


def survivors(module: Module, last: dict, known: dict[str, str]) -> list[str]:
    """The mutants a survivors run gives the tests again: those not killed last time, but the ones listed as
    equivalent (no test can kill them; a changed function's mutants run again anyway, changed_functions)."""
    return [f"{module.name}.{m['id']}" for m in last["mutants"] if m["status"] not in DETECTED
            and m["mutation"] not in known]


def reusable(module: Module, last: dict) -> bool:
    """Whether the last run's mutant names still name the same mutants: its staging folder is here (a changed
    function is found there and run again), or the module as last measured is known — the file as it is, or a
    version in git history (a fresh checkout): mutmut numbers the mutants of each function afresh in the same
    order, so an unchanged function's mutants keep their names and a changed one's run again."""
    return (module.staging / "mutants").exists() or measured_text(module, last) is not None


def measured_text(module: Module, last: dict, versions: int = 200) -> str | None:
    """The module's text when it was last measured (its digest in the results), from the file or git history."""
    if last.get("source") == _digest(module.source):
        return module.source.read_text(encoding="utf-8")
    relative = module.source.relative_to(ROOT).as_posix()
    log = subprocess.run(["git", "log", f"-{versions}", "--format=%H", "--", relative], cwd=ROOT,
                         capture_output=True, text=True)
    for commit in log.stdout.split() if log.returncode == 0 else []:
        shown = subprocess.run(["git", "show", f"{commit}:{relative}"], cwd=ROOT, capture_output=True)
        if shown.returncode == 0 and hashlib.sha256(shown.stdout).hexdigest() == last.get("source"):
            return shown.stdout.decode("utf-8")
    return None


def _changed(module: Module, last: dict) -> bool:
    return module.source.exists() and last.get("source") != _digest(module.source)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _order(name: str) -> tuple[str, int]:
    base, _, number = name.rpartition("__mutmut_")
    return base, int(number) if number.isdigit() else 0


def blind_spots(module: Module) -> list[str]:
    """What mutmut does not mutate in this module, by name and line."""
    return [f"{name} (line {first})" for name, first, _ in blind_ranges(module)]


def blind_ranges(module: Module) -> list[tuple[str, int, int]]:
    """(name, first line, last line) of the code mutmut leaves alone: decorated functions (it keeps them
    whole) and values computed outside functions (constants, tables, patterns). Names in __all__ and
    docstrings are left out: changing them changes nothing a test could see."""
    return _ranges_of(ast.parse(module.source.read_text(encoding="utf-8")))


def _ranges_of(tree: ast.Module) -> list[tuple[str, int, int]]:
    out = []

    def decorated(fn) -> bool:
        return bool(fn.decorator_list) and not all(
            isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in fn.decorator_list)

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and decorated(node):
            out.append((node.name, node.lineno, node.end_lineno))
        elif isinstance(node, ast.ClassDef):
            out += [(f"{node.name}.{n.name}", n.lineno, n.end_lineno) for n in node.body
                    if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and decorated(n)]
            out += [(f"{node.name}.{ast.unparse(n.targets[0] if isinstance(n, ast.Assign) else n.target)}",
                     n.lineno, n.end_lineno) for n in node.body
                    if isinstance(n, (ast.Assign, ast.AnnAssign)) and getattr(n, "value", None) is not None]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and getattr(node, "value", None) is not None:
            target = ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target)
            if target != "__all__":
                out.append((target, node.lineno, node.end_lineno))
    return out


# ---------------------------------------------------------------- what mutmut leaves alone: cosmic-ray

BLIND = ROOT / "build" / "mutation-blind"
# cosmic-ray replaces every binary operator by each of ten others; the ones no arithmetic here uses
# (shifts, bit operations, powers, modulo, floor division) only multiply the runs.
_EXOTIC = ["core/ReplaceBinaryOperator_.*_(RShift|LShift|BitOr|BitAnd|BitXor|Pow|Mod|FloorDiv)"]


def run_blind(module: Module) -> dict | None:
    """cosmic-ray over the lines mutmut leaves alone, each mutant against the module's stage tests (but
    those that need LibreOffice or Chromium), in a copy of the repository it may edit."""
    ranges = blind_ranges(module)
    if not ranges:
        return {"mutants": [], "ranges": []}
    start = time.monotonic()
    work = BLIND / module.staging.name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in ("tool", "tests", "templates", "samples"):
        shutil.copytree(ROOT / name, work / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, work / name)
    target = f"tool/{PACKAGE}/{module.path}"
    test = (f"{sys.executable} -m pytest -x -q -p no:cacheprovider -m \"not libreoffice and not chromium\" "
            + " ".join(module.tests))
    lines = ", ".join(json.dumps(f"{a}-{b}") for _, a, b in ranges)
    (work / "cr.toml").write_text(f"""[cosmic-ray]
module-path = "{target}"
timeout = 1800.0
excluded-modules = []
test-command = {json.dumps(test)}

[cosmic-ray.distributor]
name = "local"

[cosmic-ray.filters.line-filter]
lines = {{ "{target}" = [{lines}] }}

[cosmic-ray.filters.operators-filter]
exclude-operators = {json.dumps(_EXOTIC)}
""", encoding="utf-8")
    env = {**os.environ, "CI": "true", "PYTHONPATH": str(work / "tool")}
    bin_dir = Path(sys.executable).parent
    log = (work / "cosmic-ray.log").open("w", encoding="utf-8")
    for step in (["cosmic-ray", "init", "cr.toml", "session.sqlite"], ["cr-filter-lines", "session.sqlite",
                 "--config", "cr.toml"], ["cr-filter-operators", "session.sqlite", "cr.toml"],
                 ["cosmic-ray", "exec", "cr.toml", "session.sqlite"]):
        code = subprocess.run([str(bin_dir / step[0]), *step[1:]], cwd=work, env=env, stdout=log,
                              stderr=subprocess.STDOUT).returncode
        if code:
            print(f"{step[0]} failed on {module.path} (exit {code}); see {work / 'cosmic-ray.log'}", file=sys.stderr)
            return None
    dump = subprocess.run([str(bin_dir / "cosmic-ray"), "dump", "session.sqlite"], cwd=work, env=env,
                          capture_output=True, text=True, check=True).stdout
    mutants = []
    for raw in dump.splitlines():
        item, result = json.loads(raw)
        if result is None or result.get("worker_outcome") == "skipped":
            continue
        (mutation,) = item["mutations"]
        diff = [line for line in (result.get("diff") or "").splitlines() if line[:1] in "+-"
                and not line.startswith(("+++", "---"))]
        old = " / ".join(line[1:].strip() for line in diff if line.startswith("-"))
        new = " / ".join(line[1:].strip() for line in diff if line.startswith("+"))
        row = mutation["start_pos"][0]
        where = next((name for name, a, b in ranges if a <= row <= b), f"line {row}")
        outcome = result.get("test_outcome") or result.get("worker_outcome")
        status = {"killed": "killed", "survived": "survived"}.get(outcome, outcome)  # or incompetent
        if result.get("worker_outcome") == "timeout":
            status = "timeout"
        mutants.append({"id": f"{mutation['operator_name']}@{row}", "status": status,
                        "mutation": f"{where}: {old} → {new}", "diff": diff})
    return {"mutants": mutants, "ranges": [f"{n} ({a}-{b})" for n, a, b in ranges],
            "seconds": round(time.monotonic() - start), "when": time.strftime("%Y-%m-%d %H:%M")}


# ---------------------------------------------------------------- the report


def summarise(module_path: str, result: dict, known: dict[str, str]) -> dict:
    """Counts and kill rate of a module: mutmut's mutants and cosmic-ray's over the lines mutmut leaves
    alone (when that pass ran). A mutant that does not compile or import (incompetent) is not counted."""
    counts = Counter()
    alive, equivalent = [], []
    blind = (result.get("blind") or {}).get("mutants", [])
    for m in result["mutants"] + [b for b in blind if b["status"] != "incompetent"]:
        if m["status"] in DETECTED:
            counts[m["status"]] += 1
        elif m["mutation"] in known:
            counts["equivalent"] += 1
            equivalent.append((m, known[m["mutation"]]))
        else:
            counts[m["status"]] += 1
            alive.append(m)
    total = sum(counts.values())
    judged = total - counts["equivalent"]
    detected = counts["killed"] + counts["timeout"]
    rate = detected / judged if judged else 1.0
    used = {m["mutation"] for m, _ in equivalent}
    stale = sorted(k for k in known if k not in used and not any(x["mutation"] == k for x in result["mutants"]))
    return {"total": total, "counts": counts, "rate": rate, "alive": alive, "equivalent": equivalent,
            "stale": stale, "blind": Counter(b["status"] for b in blind)}


def write_report(results: dict, modules: dict[str, Module]) -> str:
    known = equivalents()
    lines = ["# Mutation testing: the modules that decide", "",
             "Written by `tests/mutation/mutate.py` (`make mutate`, `make mutate MODULE=check/rules.py`) from",
             "`docs/mutation-results.json` and `tests/mutation/equivalent.yaml`; do not edit by hand.", "",
             "Each module's mutants (mutmut 3) run against its own stage's tests (`tests/mutation/modules.toml`;",
             "those that drive Chromium are left out, those that drive LibreOffice stay);",
             "mutmut runs each mutant against those of them that call the mutated function. Kill rate = (killed +",
             "timeout) / (all − equivalent); a mutant with no test calling its function counts as alive.",
             f"Timeout: a mutant stopped by its time limit ((its tests' time in the stats run + {TIME_CONSTANT:g} s) × "
             f"{TIME_MULTIPLIER:g})",
             "or its memory limit: a hang the tests detect.",
             f"Target: ≥ {TARGET:.0%} in each module. Round 2: the module is being rewritten on another branch;",
             "measured here, its kill work waits for the rewrite.", "",
             "| module | tests | round | mutants | killed | timeout | survived | no tests | equivalent | kill rate | "
             "run |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    summaries = {}
    for path, module in modules.items():
        if path not in results:
            note = "not on this branch yet" if not module.source.exists() else "not run yet"
            lines.append(f"| `{path}` | {' '.join(module.tests)} | {module.round} |" + " — |" * 6 + f" {note} | — |")
            continue
        s = summaries[path] = summarise(path, results[path], known.get(path, {}))
        c = s["counts"]
        mark = "" if s["rate"] >= TARGET else " ✗"
        lines.append(f"| `{path}` | {' '.join(results[path]['tests'])} | {module.round} | {s['total']} | "
                     f"{c['killed']} | {c['timeout']} | {c['survived']} | {c['no tests']} | {c['equivalent']} | "
                     f"{s['rate']:.1%}{mark} | {results[path]['when']}, {results[path]['seconds']} s"
                     + (f" ({results[path]['again']} again)" if results[path].get("again") else "")
                     + (" — **changed since**" if _changed(module, results[path]) else "") + " |")
    lines += ["", "Run times are wall-clock on the shared 2-core development machine (loaded), 2 workers; \"again\":",
              "the time of re-running only the mutants the previous run left alive (SURVIVORS=1). \"Changed since\":",
              "the module differs from the one its mutants were made from; its numbers wait for a run."]
    for path, s in summaries.items():
        lines += ["", f"## `{path}`", ""]
        if s["alive"]:
            lines.append(f"Alive ({len(s['alive'])}):")
            lines.append("")
            for m in s["alive"]:
                lines.append(f"- {m['status']} `{m['id']}` — `{_code(m['mutation'])}`")
        else:
            lines.append("No mutant left alive but the equivalent ones.")
        if s["equivalent"]:
            lines += ["", f"Equivalent ({len(s['equivalent'])}), with the reason:", ""]
            lines += [f"- `{_code(m['mutation'])}` — {why}" for m, why in s["equivalent"]]
        if s["stale"]:
            lines += ["", "Listed as equivalent but no longer produced (the code changed; take them out of "
                          "equivalent.yaml):", ""]
            lines += [f"- `{_code(k)}`" for k in s["stale"]]
        blind = results[path].get("blind")
        if blind is not None:
            b = s["blind"]
            lines += ["", f"Lines mutmut does not mutate ({'; '.join(blind['ranges']) or 'none'}): cosmic-ray made "
                          f"{sum(b.values())} mutants there ({b['killed']} killed, {b['timeout']} timeout, "
                          f"{b['survived']} survived, {b['incompetent']} not importable and not counted), each run "
                          "against the stage's tests but those needing LibreOffice or Chromium"
                      + (f"; {blind['when']}, {blind['seconds']} s" if blind.get("when") else "") + "."]
        elif results[path]["unmutated"]:
            lines += ["", "Not mutated by mutmut (decorated functions, code outside functions), and not measured: "
                      + "; ".join(results[path]["unmutated"]) + " (`make mutate BLIND=1` measures them)."]
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="mutation testing of the deciding modules (mutmut)")
    parser.add_argument("--module", action="append", help="a module under tool/nianbao, e.g. check/rules.py")
    parser.add_argument("--survivors", action="store_true", help="re-run only the mutants not killed last time")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--report-only", action="store_true", help="rewrite docs/mutation.md from the saved results")
    parser.add_argument("--blind", action="store_true",
                        help="only the lines mutmut leaves alone, with cosmic-ray (decorated functions, constants)")
    args = parser.parse_args(argv)
    modules = plan()
    chosen = [_normal(m) for m in args.module or [m for m in modules if m.strip()]]
    unknown = [m for m in chosen if m not in modules]
    if unknown:
        parser.error(f"not in {PLAN.relative_to(ROOT)}: {', '.join(unknown)}")
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    failed = []
    for path in [] if args.report_only else chosen:
        module = modules[path]
        if not module.source.exists():
            print(f"{path}: not on this branch yet, skipped")
            continue
        if args.blind:
            if path not in results:
                print(f"{path}: run mutmut first (make mutate MODULE={path})", file=sys.stderr)
                failed.append(path)
                continue
            print(f"{path}: cosmic-ray over the lines mutmut leaves alone", flush=True)
            blind = run_blind(module)
            if blind is None:
                failed.append(path)
                continue
            results[path]["blind"] = blind
            _save(results, path)
            continue
        start = time.monotonic()
        redo = None
        if args.survivors and path in results and reusable(module, results[path]):
            redo = survivors(module, results[path], equivalents().get(path, {}))
            staged = (module.staging / "mutants").exists()
            redo += changed_functions(module, None if staged else measured_text(module, results[path]))
            if not redo:
                continue
        elif args.survivors:
            print(f"{path}: changed since its last run (or never run): all its mutants run", flush=True)
        print(f"{path}: mutmut against {' '.join(module.tests)}" + (f" ({len(redo)} mutants again)" if redo else ""),
              flush=True)
        stage(module, fresh=redo is None)
        measured = _digest(module.source)  # mutmut copies the module now: an edit during the run is not measured
        if run_mutmut(module, args.jobs, redo):
            failed.append(path)
            continue
        before = results.get(path, {})
        results[path] = collect(module, time.monotonic() - start, measured)
        if before.get("blind") is not None:
            results[path]["blind"] = before["blind"]
        results[path]["again"] = len(redo) if redo else 0
        if redo:  # mutmut forgets the verdicts its cache no longer trusts: the ones not re-run stand as they were
            again = {name.removeprefix(module.name + ".") for name in redo}
            earlier = {m["id"]: m["status"] for m in before["mutants"]}
            for m in results[path]["mutants"]:  # a changed function's mutants were run again (changed_functions)
                if m["id"] not in again and m["id"] in earlier and m["status"] == "not checked":
                    m["status"] = earlier[m["id"]]
        _save(results, path)
        s = summarise(path, results[path], equivalents().get(path, {}))
        print(f"{path}: {s['total']} mutants, kill rate {s['rate']:.1%}, {len(s['alive'])} alive", flush=True)
    REPORT.write_text(write_report(results, modules), encoding="utf-8")
    return 1 if failed else 0


def _save(results: dict, path: str) -> None:
    """Write one module's results into the results file as it is now (another run may have written others)."""
    saved = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    saved[path] = results[path]
    results.update(saved)
    RESULTS.write_text(json.dumps(saved, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _normal(path: str) -> str:
    return path.removeprefix("tool/").removeprefix(f"{PACKAGE}/")


if __name__ == "__main__":
    sys.exit(main())

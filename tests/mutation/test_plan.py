"""The mutation run's own plan and bookkeeping (make mutate): modules and their tests, the equivalent
mutants' list, the lines mutmut leaves alone, and how a kill rate is counted."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import tomllib

import mutate
import pytest
import yaml


def test_every_module_of_the_plan_names_its_stage_tests():
    plan = mutate.plan()
    assert {"check/rules.py", "county/store.py", "web/verdicts.py"} <= set(plan)
    for path, module in plan.items():
        assert module.round in (1, 2), path
        assert module.tests, path
        stage = path.split("/")[0]
        # its own stage's tests: the folder, or (narrowed for time, mut-round4) files of it, with --deselect
        # of tests of those files
        for tests in module.tests:
            if tests == "--deselect":
                continue
            assert tests == f"tests/{stage}" or tests.startswith(f"tests/{stage}/"), (path, tests)
            assert (mutate.ROOT / tests.partition("::")[0]).exists(), tests
        if module.round == 1:
            assert module.source.is_file(), path  # kill work done here: the module is on this branch


def test_every_equivalent_mutant_says_which_change_and_why():
    raw = yaml.safe_load(mutate.EQUIVALENT.read_text(encoding="utf-8"))
    plan = mutate.plan()
    for module, entries in raw.items():
        assert module in plan, module
        keys = [e["mutation"] for e in entries]
        assert len(keys) == len(set(keys)), module  # listed once
        for entry in entries:
            assert set(entry) == {"mutation", "reason"}, entry
            function, _, change = entry["mutation"].partition(": ")
            assert function, entry["mutation"]
            assert " → " in change, entry["mutation"]
            assert len(entry["reason"]) > 20, entry


def test_the_lines_mutmut_leaves_alone_are_found():
    module = mutate.Module("x.py", ("tests/x",), 1)
    source = textwrap.dedent('''\
        """Doc."""
        import re
        __all__ = ["f"]
        LIMIT = 3 * 1024
        _PATTERN = re.compile(r"[a-z]+")


        @cache
        def planned(x):
            return x + 1


        def plain(x):
            return x - 1


        class Box:
            size: int = 4

            @staticmethod
            def made(): return 1

            @property
            def shown(self):
                return self.size * 2
        ''')
    tree = ast.parse(source)
    got = mutate._ranges_of(tree)
    assert got == [("LIMIT", 4, 4), ("_PATTERN", 5, 5), ("planned", 9, 10), ("Box.shown", 24, 25),
                   ("Box.size", 18, 18)]
    assert module.staging.name == "x"


def test_a_mutants_change_is_its_changed_lines():
    text = textwrap.dedent('''\
        def x_f__mutmut_orig(a, b):
            total = a + b
            return total > 3

        def x_f__mutmut_1(a, b):
            total = a - b
            return total > 3

        def xǁBoxǁput__mutmut_orig(self):
            return 1

        def xǁBoxǁput__mutmut_2(self):
            return 2
        ''').replace("def xǁBox", "def xǁBox")
    tree = ast.parse(text)
    functions = {node.name: node for node in tree.body}
    functions = {("Box." + k if k.startswith("xǁ") else k): v for k, v in functions.items()}
    change, diff = mutate.change_of(functions, text, "x_f__mutmut_1")
    assert change == "f: total = a + b → total = a - b"
    assert diff == ["-    total = a + b", "+    total = a - b"]
    assert mutate.change_of(functions, text, "xǁBoxǁput__mutmut_2")[0] == "Box.put: return 1 → return 2"


def _result(statuses: list[str]) -> dict:
    return {"mutants": [{"id": f"x_f__mutmut_{i}", "status": s, "mutation": f"f: a → b{i}", "diff": []}
                        for i, s in enumerate(statuses)]}


def test_the_kill_rate_leaves_out_the_equivalent_and_counts_the_rest():
    result = _result(["killed"] * 6 + ["timeout", "survived", "no tests", "survived"])
    s = mutate.summarise("m.py", result, {"f: a → b9": "the same either way"})
    assert s["total"] == 10
    assert (s["counts"]["killed"], s["counts"]["timeout"], s["counts"]["survived"], s["counts"]["no tests"],
            s["counts"]["equivalent"]) == (6, 1, 1, 1, 1)
    assert s["rate"] == pytest.approx(7 / 9)
    assert [m["id"] for m in s["alive"]] == ["x_f__mutmut_7", "x_f__mutmut_8"]
    assert s["stale"] == []


def test_a_killed_mutant_listed_as_equivalent_is_still_killed_and_a_vanished_one_is_stale():
    result = _result(["killed", "survived"])
    s = mutate.summarise("m.py", result, {"f: a → b0": "x" * 30, "f: a → gone": "x" * 30})
    assert (s["counts"]["killed"], s["counts"]["equivalent"]) == (1, 0)
    assert s["stale"] == ["f: a → gone"]


def test_cosmic_rays_mutants_count_and_the_unimportable_do_not():
    result = _result(["killed", "survived"])
    result["blind"] = {"mutants": [{"id": "op@3", "status": "killed", "mutation": "LIMIT: a → c", "diff": []},
                                   {"id": "op@4", "status": "incompetent", "mutation": "LIMIT: a → d", "diff": []},
                                   {"id": "op@5", "status": "survived", "mutation": "LIMIT: a → e", "diff": []}],
                       "ranges": ["LIMIT (3-5)"]}
    s = mutate.summarise("m.py", result, {})
    assert s["total"] == 4
    assert s["rate"] == 0.5
    assert s["blind"] == {"killed": 1, "incompetent": 1, "survived": 1}


def test_the_report_names_every_module_of_the_plan():
    plan = mutate.plan()
    text = mutate.write_report({}, plan)
    for path, module in plan.items():
        note = "not on this branch yet" if not module.source.exists() else "not run yet"
        assert f"| `{path}` |" in text
        assert note in text.split(f"| `{path}` |")[1].split("\n")[0]


def test_a_survivors_run_also_runs_the_mutants_of_functions_changed_since(tmp_path, monkeypatch):
    """mutmut forgets the results of a function whose text changed when it generates its mutants again:
    a re-run of the survivors must name those mutants, or they would stand as not checked."""
    monkeypatch.setattr(mutate, "WORK", tmp_path / "work")
    monkeypatch.setattr(mutate, "ROOT", tmp_path)
    module = mutate.Module("stage/m.py", ("tests/stage",), 1)
    module.source.parent.mkdir(parents=True)
    module.source.write_text(textwrap.dedent('''\
        def same(x):
            return x + 1


        def edited(x):
            return x * 3


        def added(x):
            return -x


        @cache
        def decorated(x):
            return x


        class Store:
            def put(self, x):
                return x
        '''), encoding="utf-8")
    assert mutate.changed_functions(module) == []  # never generated: a full run
    generated = module.staging / "mutants" / "src" / mutate.PACKAGE / module.path
    generated.parent.mkdir(parents=True)
    generated.write_text(textwrap.dedent('''\
        def x_same__mutmut_orig(x):
            return x + 1


        def x_same__mutmut_1(x):
            return x - 1


        def x_edited__mutmut_orig(x):
            return x * 2


        class Store:
            def xǁStoreǁput__mutmut_orig(self, x):
                return x
        '''), encoding="utf-8")
    assert mutate.changed_functions(module) == ["nianbao.stage.m.x_edited__mutmut_*",
                                                "nianbao.stage.m.x_added__mutmut_*"]


def test_every_mutant_runs_under_a_time_limit_proportional_to_its_tests_time():
    """mutmut stops a mutant after (its tests' time + constant) × multiplier seconds: the staged config sets
    both, tighter than mutmut's 15 × that let a mutant looping forever run for minutes."""
    config = tomllib.loads(mutate._config(mutate.plan()["check/rules.py"]))["tool"]["mutmut"]
    assert config["timeout_multiplier"] == mutate.TIME_MULTIPLIER < 15
    assert config["timeout_constant"] == mutate.TIME_CONSTANT
    assert (34 + mutate.TIME_CONSTANT) * mutate.TIME_MULTIPLIER <= 300  # narrative's slowest function: ≤ 5 min


@pytest.mark.parametrize("code", [-24, 24, 152, -9])
def test_a_mutant_stopped_by_the_time_or_memory_limit_counts_as_caught(code):
    status = mutate.STATUS[code]
    assert status == "timeout"
    s = mutate.summarise("m.py", _result(["killed", status]), {})
    assert s["rate"] == 1.0 and not s["alive"]


def test_a_segmentation_fault_is_not_counted_as_caught():
    s = mutate.summarise("m.py", _result(["killed", mutate.STATUS[-11]]), {})
    assert s["rate"] == 0.5 and [m["id"] for m in s["alive"]] == ["x_f__mutmut_1"]


def test_a_mutant_process_that_keeps_growing_is_killed_at_its_memory_limit():
    """fresh_caches.limit_memory, in a process of its own (importing the plugin here would load its
    Hypothesis profile into this session): a loop that appends forever ends with SIGKILL, which mutate.py
    counts as a timeout; a process within the limit runs to its end."""
    grow = textwrap.dedent(f'''\
        import sys
        sys.path.insert(0, {str(mutate.HERE)!r})
        import fresh_caches
        fresh_caches.limit_memory(64 << 20, every=0.02)
        kept = []
        for _ in range(int(sys.argv[1])):
            kept.append(bytearray(1 << 20))
        ''')
    run = [sys.executable, "-c", grow]
    assert subprocess.run([*run, "100000"], timeout=60).returncode == -9
    assert mutate.STATUS[-9] == "timeout"
    assert subprocess.run([*run, "16"], timeout=60).returncode == 0


def test_a_survivors_run_on_a_fresh_checkout_reuses_the_names_only_for_the_module_last_measured(tmp_path, monkeypatch):
    """Without a staging folder (a fresh checkout) mutmut generates the mutants again: their names are the last
    run's only if the module is byte for byte the one measured then; otherwise every mutant runs."""
    monkeypatch.setattr(mutate, "WORK", tmp_path / "work")
    monkeypatch.setattr(mutate, "ROOT", tmp_path)
    module = mutate.Module("stage/m.py", ("tests/stage",), 1)
    module.source.parent.mkdir(parents=True)
    module.source.write_text("def f(x):\n    return x + 1\n", encoding="utf-8")
    last = {"source": mutate._digest(module.source)}
    assert mutate.reusable(module, last)
    module.source.write_text("def f(x):\n    return x + 2\n", encoding="utf-8")
    assert not mutate.reusable(module, last)
    assert not mutate.reusable(module, {})
    (module.staging / "mutants").mkdir(parents=True)  # a staging folder: changed_functions finds the edits
    assert mutate.reusable(module, last)


def test_the_report_says_when_a_module_changed_since_its_mutants_were_made(tmp_path, monkeypatch):
    monkeypatch.setattr(mutate, "ROOT", tmp_path)
    module = mutate.Module("stage/m.py", ("tests/stage",), 1)
    module.source.parent.mkdir(parents=True)
    module.source.write_text("def f(x):\n    return x + 1\n", encoding="utf-8")
    killed = {"id": "x_f__mutmut_1", "status": "killed", "mutation": "f: x + 1 → x - 1", "diff": []}
    result = {"tests": ["tests/stage"], "round": 1, "seconds": 3, "when": "2026-12-04 04:00", "again": 0,
              "source": mutate._digest(module.source), "mutants": [killed], "unmutated": []}
    row = next(line for line in mutate.write_report({"stage/m.py": result}, {"stage/m.py": module}).splitlines()
               if line.startswith("| `stage/m.py`"))
    assert "changed since" not in row
    module.source.write_text("def f(x):\n    return x + 2\n", encoding="utf-8")
    row = next(line for line in mutate.write_report({"stage/m.py": result}, {"stage/m.py": module}).splitlines()
               if line.startswith("| `stage/m.py`"))
    assert "changed since" in row


def test_a_survivors_run_on_a_fresh_checkout_finds_the_measured_version_in_git_and_reruns_what_changed(
        tmp_path, monkeypatch):
    """The module changed since it was measured and no staging folder is here: the measured version is found in
    git history by its digest, and the mutants of the functions changed since are run again with the survivors."""
    monkeypatch.setattr(mutate, "WORK", tmp_path / "work")
    monkeypatch.setattr(mutate, "ROOT", tmp_path)
    module = mutate.Module("stage/m.py", ("tests/stage",), 1)
    module.source.parent.mkdir(parents=True)
    measured = "def same(x):\n    return x + 1\n\n\nclass Store:\n    def put(self, x):\n        return x\n"
    module.source.write_text(measured, encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "measured"], check=True)
    last = {"source": mutate._digest(module.source)}
    module.source.write_text(measured.replace("return x\n", "return -x\n") + "\n\ndef added(x):\n    return x\n",
                             encoding="utf-8")
    assert mutate.measured_text(module, last) == measured
    assert mutate.reusable(module, last)
    assert mutate.changed_functions(module, measured) == ["nianbao.stage.m.xǁStoreǁput__mutmut_*",
                                                          "nianbao.stage.m.x_added__mutmut_*"]
    assert not mutate.reusable(module, {"source": "0" * 64})  # a version git does not hold: everything runs


def test_a_survivors_run_leaves_out_the_mutants_listed_as_equivalent():
    module = mutate.Module("stage/m.py", ("tests/stage",), 1)
    last = {"mutants": [{"id": "x_f__mutmut_1", "status": "killed", "mutation": "f: a → b"},
                        {"id": "x_f__mutmut_2", "status": "survived", "mutation": "f: c → d"},
                        {"id": "x_f__mutmut_3", "status": "survived", "mutation": "f: e → g"},
                        {"id": "x_f__mutmut_4", "status": "timeout", "mutation": "f: h → i"},
                        {"id": "x_f__mutmut_5", "status": "not checked", "mutation": "f: j → k"}]}
    assert mutate.survivors(module, last, {"f: e → g": "why"}) == ["nianbao.stage.m.x_f__mutmut_2",
                                                                   "nianbao.stage.m.x_f__mutmut_5"]

"""Property test: the fast engine and the openpyxl reference read every XML-level mutant of a valid
workbook the same way — the same values and findings, or both refuse it.

Mutations come from tests/mutants.py. The run is seeded and derandomized (the same mutants every
time); NIANBAO_FUZZ_EXAMPLES sets how many: a few hundred in `make test`, thousands in `make fuzz`.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from functools import cache
from pathlib import Path

import hostile
import mutants
from hypothesis import HealthCheck, given, seed, settings

from nianbao.check.run import check_document
from nianbao.intake.read import read_workbook
from nianbao.intake.safety import screen

EXAMPLES = int(os.environ.get("NIANBAO_FUZZ_EXAMPLES", "200"))


@cache
def _base() -> dict[str, bytes]:
    folder = Path(tempfile.mkdtemp(prefix="nianbao-fuzz-"))
    return mutants.read_parts(hostile.filled_2021(folder))


def _outcome(path: Path, engine: str) -> tuple:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about what it drops; the outcome is what counts
        read = read_workbook(path, engine=engine)
        if read.fatal:
            return ("refused", sorted(f.rule for f in read.findings))
        result = check_document(read.document, prior_findings=read.findings)
    findings = [f.to_dict() for f in result.findings]
    return ("read", read.document["tables"], findings)


def test_the_unmutated_base_reads_clean(tmp_path):
    path = tmp_path / "base.xlsx"
    mutants.write_xlsx(_base(), path)
    assert _outcome(path, "fast") == _outcome(path, "openpyxl")
    assert _outcome(path, "fast")[2] == []


@seed(20261130)
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ops=mutants.mutations())
def test_both_engines_read_every_mutant_alike(tmp_path, ops):
    path = tmp_path / "mutant.xlsx"
    mutants.write_xlsx(mutants.apply_all(_base(), ops), path)
    if screen(path) is not None:
        return  # screening refused it before any reader looks (a DTD, say): nothing to compare
    fast = _outcome(path, "fast")
    reference = _outcome(path, "openpyxl")
    assert fast == reference, ops
    if fast[0] == "read":
        assert all("None" not in f["message"] for f in fast[2]), ops

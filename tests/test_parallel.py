"""run_parallel: results in order, each result handed on as soon as it is ready, the batch's GC setting
in place while it runs (in the workers too) and the process's own setting back afterwards."""

import gc

import pytest

from nianbao.parallel import BATCH_GC_THRESHOLD, run_parallel


def square(n: int, *, plus: int = 0) -> int:
    return n * n + plus


def threshold(_n: int) -> tuple:
    return gc.get_threshold()


def fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("three")
    return n


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_in_order_and_each_sees_every_one_in_order(jobs):
    seen = []
    got = run_parallel(square, list(range(40)), {"plus": 1}, jobs=jobs, each=seen.append)
    assert got == [n * n + 1 for n in range(40)]
    assert seen == got


def test_each_is_called_while_later_items_are_still_to_do():
    events = []

    def work(n):
        events.append(("work", n))
        return n

    run_parallel(work, [0, 1, 2], {}, each=lambda r: events.append(("each", r)))
    assert events == [("work", 0), ("each", 0), ("work", 1), ("each", 1), ("work", 2), ("each", 2)]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_batch_threshold_holds_in_the_workers_and_the_old_one_comes_back(jobs):
    before = gc.get_threshold()
    assert before != BATCH_GC_THRESHOLD
    assert run_parallel(threshold, [1, 2, 3], {}, jobs=jobs) == [BATCH_GC_THRESHOLD] * 3
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_failing_item_still_gives_the_process_its_gc_back():
    before = gc.get_threshold()
    with pytest.raises(ValueError, match="three"):
        run_parallel(fail_on_three, [1, 2, 3, 4], {}, jobs=1)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_prepare_runs_once_before_any_item():
    calls = []
    run_parallel(lambda n: calls.append(n), [1, 2], {}, prepare=lambda: calls.append("prepare"))
    assert calls == ["prepare", 1, 2]

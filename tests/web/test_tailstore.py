"""TailStore reads receipts.jsonl incrementally and always agrees with Store."""

from __future__ import annotations

from web_kit import workbook

from nianbao.check.run import check_file
from nianbao.county.store import RECEIPTS, Store
from nianbao.web.tailstore import TailStore


def test_sees_what_any_writer_appends(tmp_path):
    tail, other = TailStore(tmp_path / "s"), Store(tmp_path / "s")
    assert tail.receipts() == []
    paths = [workbook(tmp_path / f"{i}.xlsx", seed=i) for i in range(3)]
    tail.add(paths[0], check_file(paths[0]))
    other.add(paths[1], check_file(paths[1]))  # `nianbao collect` beside the service
    assert tail.receipts() == other.receipts()
    assert len(tail.receipts()) == 2
    assert tail.add(paths[1], check_file(paths[1])) is None  # already stored by the other writer
    tail.add(paths[2], check_file(paths[2]))
    assert tail.receipts() == other.receipts()
    assert len(other.receipts()) == 3


def test_a_line_being_written_is_read_once_complete(tmp_path):
    tail = TailStore(tmp_path / "s")
    path = workbook(tmp_path / "a.xlsx")
    Store(tmp_path / "s").add(path, check_file(path))
    log = tmp_path / "s" / RECEIPTS
    whole = log.read_bytes()
    log.write_bytes(whole[: len(whole) // 2])
    tail2 = TailStore(tmp_path / "s")
    assert tail2.receipts() == []
    with log.open("ab") as fh:
        fh.write(whole[len(whole) // 2:])
    assert tail2.receipts() == Store(tmp_path / "s").receipts()
    assert tail.receipts() == tail2.receipts()


def test_a_damaged_line_is_skipped_like_store_does(tmp_path):
    """A torn line (disk full during an append) never stops the service from reading the log."""
    tail = TailStore(tmp_path / "s")
    first, second = (workbook(tmp_path / f"{i}.xlsx", seed=i) for i in range(2))
    tail.add(first, check_file(first))
    with (tmp_path / "s" / RECEIPTS).open("ab") as log:
        log.write(b'{"sha256": "torn by a full disk\n')
    Store(tmp_path / "s").add(second, check_file(second))
    assert [r.sha256 for r in tail.receipts()] == [r.sha256 for r in Store(tmp_path / "s").receipts()]
    assert len(tail.receipts()) == 2

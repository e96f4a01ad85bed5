"""nianbao links: CSV for mail merge, a printable sheet, --rotate; the same links every time."""

from __future__ import annotations

import csv
import io

from nianbao.cli import main


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_links_csv_has_code_name_url_for_every_agency(service, tmp_path, capsys):
    out = tmp_path / "links.csv"
    assert main(["links", "--store", str(service.config.store), "--base-url", "https://nb.example.cn",
                 "-o", str(out), "--sheet", str(tmp_path / "links.html")]) == 0
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel opens UTF-8 CSV with its BOM
    rows = _rows(raw.decode("utf-8"))
    assert [r["code"] for r in rows] == ["A1", "A2", "A3"]
    assert list(rows[0]) == ["code", "name", "url"]
    assert all(r["url"].startswith("https://nb.example.cn/d/") for r in rows)
    assert len({r["url"] for r in rows}) == 3
    sheet = (tmp_path / "links.html").read_text(encoding="utf-8")
    assert rows[0]["url"] in sheet
    assert "&lt;script&gt;" in sheet
    assert "<script>alert" not in sheet


def test_links_are_stable_and_rotate_replaces_one(service, capsys):
    store = str(service.config.store)
    assert main(["links", "--store", store]) == 0
    first = _rows(capsys.readouterr().out)
    assert main(["links", "--store", store]) == 0
    assert _rows(capsys.readouterr().out) == first
    assert main(["links", "--store", store, "--rotate", "A2"]) == 0
    rotated = _rows(capsys.readouterr().out)
    assert rotated[0] == first[0]
    assert rotated[2] == first[2]
    assert rotated[1]["url"] != first[1]["url"]


def test_rotate_unknown_code_is_a_usage_error(service, capsys):
    assert main(["links", "--store", str(service.config.store), "--rotate", "ZZ"]) == 2
    assert "ZZ" in capsys.readouterr().err


def test_links_before_the_service_ever_ran(tmp_path, capsys):
    from web_kit import write_roster

    store = tmp_path / "new-store"
    assert main(["links", "--store", str(store)]) == 2
    assert "--roster" in capsys.readouterr().err
    assert main(["links", "--store", str(store), "--roster", str(write_roster(tmp_path / "r.csv"))]) == 0
    assert len(_rows(capsys.readouterr().out)) == 3

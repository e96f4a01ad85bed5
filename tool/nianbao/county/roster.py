"""The roster: which agencies must report, as a CSV a county office keeps in Excel.

    code,name,level,group,email
    230421001,萝北县人民政府办公室,county,县直部门,office@example.cn

The header may also be in Chinese (代码,单位名称,层级,分组,邮箱); group and email are
optional columns, level may be left blank. Levels are province/city/county/township
or 省级/市级/县级/乡镇（街道）. The file may be UTF-8 (with or without the BOM Excel
writes) or GB18030 (what Chinese Excel saves as "CSV").
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import NamedTuple

from nianbao.format.document import level_choices, parse_level


class RosterError(Exception):
    """A roster the user must fix; the message names the file and line, in Chinese."""


class RosterEntry(NamedTuple):
    code: str
    name: str
    level: str | None  # province | city | county | township, None when not given
    group: str | None
    email: str | None


COLUMNS = {
    "code": ("code", "代码", "单位代码", "机构代码"),
    "name": ("name", "单位名称", "名称", "单位"),
    "level": ("level", "层级", "级别"),
    "group": ("group", "分组", "类别"),
    "email": ("email", "邮箱", "电子邮箱"),
}
_COLUMN_ALIASES = {alias.lower(): col for col, aliases in COLUMNS.items() for alias in aliases}


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"无法读取单位名单 {path}：{exc.strerror or exc}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterError(f"单位名单 {path} 的编码无法识别，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”")


def load_roster(path: str | Path) -> list[RosterEntry]:
    """Every roster row, in file order. Raises RosterError naming the file and line."""
    path = Path(path)
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # Blank lines (Excel leaves rows of empty cells) are skipped; line numbers stay the file's.
        numbered = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise RosterError(f"单位名单 {path} 第 {reader.line_num} 行：CSV 格式错误（{exc}）") from None
    if not numbered:
        raise RosterError(f"单位名单 {path} 是空的")
    header_line, header = numbered[0]
    columns = _header(path, header_line, header)
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for line, row in numbered[1:]:
        values = {col: (row[i].strip() if i < len(row) else "") for col, i in columns.items()}
        where = f"单位名单 {path} 第 {line} 行"
        code, name = values["code"], values["name"]
        if not code:
            raise RosterError(f"{where}：缺少单位代码")
        if not name:
            raise RosterError(f"{where}：单位代码 {code} 缺少单位名称")
        if code in seen:
            raise RosterError(f"{where}：单位代码 {code} 与第 {seen[code]} 行重复")
        seen[code] = line
        try:
            level = parse_level(values.get("level"))
        except ValueError as exc:
            raise RosterError(f"{where}：层级“{exc}”无法识别，可填 {level_choices()}，或留空") from None
        entries.append(RosterEntry(code, name, level, values.get("group") or None, values.get("email") or None))
    if not entries:
        raise RosterError(f"单位名单 {path} 只有表头，没有单位")
    return entries


def _header(path: Path, line: int, header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        label = cell.strip().lstrip("\ufeff")
        if not label:
            continue
        col = _COLUMN_ALIASES.get(label.lower())
        if col is None:
            known = "、".join(f"{c}/{aliases[1]}" for c, aliases in COLUMNS.items())
            raise RosterError(f"单位名单 {path} 第 {line} 行：表头“{label}”无法识别，可用的列：{known}")
        if col in columns:
            raise RosterError(f"单位名单 {path} 第 {line} 行：表头中“{label}”列重复")
        columns[col] = i
    for required in ("code", "name"):
        if required not in columns:
            raise RosterError(f"单位名单 {path} 第 {line} 行：表头缺少“{COLUMNS[required][1]}”（{required}）列")
    return columns

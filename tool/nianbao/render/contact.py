"""The public contact a report prints in its opening paragraph: whom to ask about it, and how.

Published reports end their opening with a line such as
“如对本报告有疑问，请与淮安市人民政府办公室联系（地址：淮安市翔宇南道1号，邮编：223001，
电话：0517-83605210，电子邮箱：hazwgkc@163.com）。” It is the office's public address for
questions, not the clerk who filled the template (the document's "contact" holds that one
and is never printed). It is given on the command line, one field at a time:

    --contact 地址=萝北县凤翔镇北山路1号 --contact 邮编=154200 --contact 电话=0468-3612345
    --contact 邮箱=gk@example.cn [--contact 单位=萝北县人民政府办公室]

Keys in Chinese or English; “=”, “＝” or “：” between key and value. Every value is checked
(a postcode of six digits, a telephone number with at least seven digits, an e-mail
address of one “@” and a dotted domain); a mistake is a Chinese message naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from .report_text import clean_text


class ContactError(ValueError):
    """A --contact item the user must fix; the message is Chinese and names the field."""


@dataclass(frozen=True)
class Contact:
    """The report's public contact; "" where not given. office: whom to ask (default: the reporting unit)."""

    office: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""

    def sentence(self, agency: str) -> str:
        """如对本报告有疑问，请与…联系（地址：…，邮编：…，电话：…，电子邮箱：…）。"""
        details = "，".join(f"{_LABELS[name]}：{value}" for name, value in self.details())
        return f"如对本报告有疑问，请与{self.office or agency}联系" + (f"（{details}）" if details else "") + "。"

    def details(self) -> list[tuple[str, str]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "office" and getattr(self, f.name)]


# key as typed -> field; the first name of each field is the one messages use.
_KEYS = {
    "office": ("单位", "联系单位", "office", "unit"),
    "address": ("地址", "联系地址", "通信地址", "address", "addr"),
    "postcode": ("邮编", "邮政编码", "postcode", "zip"),
    "phone": ("电话", "联系电话", "phone", "tel", "telephone"),
    "email": ("电子邮箱", "邮箱", "电子邮件", "email", "e-mail", "mail"),
}
_LABELS = {"address": "地址", "postcode": "邮编", "phone": "电话", "email": "电子邮箱"}
_FIELD_OF = {alias.lower(): name for name, aliases in _KEYS.items() for alias in aliases}
_SEPARATORS = ("=", "＝", "：", ":")
_MAX = {"office": 60, "address": 100, "postcode": 6, "phone": 60, "email": 100}
_POSTCODE = re.compile(r"^\d{6}$")
# 0468-3612345, (0468)3612345, 0468 361 2345 转 8001, 13912345678, +86-468-3612345; several with 、 or ，
_PHONE = re.compile(r"^[\d\s\-+()（）转、，,/]+$")
_EMAIL = re.compile(r"^[^\s@，。；]+@[^\s@，。；.]+(\.[^\s@，。；.]+)+$")
USAGE = ("--contact 键=值，可重复：地址、邮编、电话、邮箱（电子邮箱）、单位（联系单位，默认为报告单位），"
         "如 --contact 电话=0468-3612345")


def parse_contact(items: list[str] | None) -> Contact | None:
    """The Contact the --contact items give; None for no items. Raises ContactError."""
    if not items:
        return None
    values: dict[str, str] = {}
    for item in items:
        key, value = _split(item)
        name = _FIELD_OF.get(key.lower())
        if name is None:
            raise ContactError(f"--contact {item}：不认识“{key}”。{USAGE}")
        if name in values:
            raise ContactError(f"--contact 中“{_KEYS[name][0]}”给了两次；"
                               "几个电话请写在同一项中，如 电话=0468-3612345、3612346")
        values[name] = _checked(name, value)
    if not any(values.get(name) for name in ("address", "phone", "email")):
        raise ContactError("--contact 至少要给出地址、电话或电子邮箱中的一项，公众才能联系到您。" + USAGE)
    return Contact(**values)


def _split(item: str) -> tuple[str, str]:
    at = [i for i in (item.find(sep) for sep in _SEPARATORS) if i > 0]
    if not at:
        raise ContactError(f"--contact {item}：请写成“键=值”。{USAGE}")
    cut = min(at)
    return item[:cut].strip(), item[cut + 1:].strip()


def _checked(name: str, value: str) -> str:
    label = _KEYS[name][0]
    value = " ".join(clean_text(value).split())
    if not value:
        raise ContactError(f"--contact {label}= 后面没有内容")
    if len(value) > _MAX[name]:
        raise ContactError(f"--contact {label} 过长（{len(value)} 个字符，最多 {_MAX[name]} 个）")
    if name == "postcode" and not _POSTCODE.match(value):
        raise ContactError(f"--contact 邮编“{value}”应为 6 位数字，如 154200")
    if name == "phone" and (not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 7):
        raise ContactError(f"--contact 电话“{value}”不像电话号码：只能有数字、-、括号、空格和“转”，至少 7 位数字，"
                           "如 0468-3612345")
    if name == "email" and not _EMAIL.match(value):
        raise ContactError(f"--contact 邮箱“{value}”不像电子邮箱地址，如 gk@example.cn")
    return value

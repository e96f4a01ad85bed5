"""The report's title, and the agency and year it names — never page chrome.

Candidates: the page's headings and <title> (HTML), the document's title property (Word),
a crawler's 标题: line, and the first lines of the document (also two lines joined: a PDF
title wraps). Each is scored: 政府信息公开 and 年度报告 in it, a year, an agency-like name
before the year; navigation, breadcrumbs and page furniture (首页, 当前位置, Page 9, …)
rule a candidate out. A site name after the title in <title> (“…年度报告-某某局”) is cut.
"""

from __future__ import annotations

import re

from .cells import label_key
from .model import RawDocument

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_CN_YEAR = re.compile(r"([〇零一二三四五六七八九]{4})\s*年")
_CN_DIGITS = {ch: str(i) for i, ch in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_CHROME = ("首页", "当前位置", "您的位置", "您所在的位置", "走进", "网站地图", "导航", "登录", "注册", "无障碍",
           "English", "繁體", "打印本页", "关闭窗口", "分享到", "字号", "浏览次数", "访问量", "Page", "»", ">>",
           "上一篇", "下一篇", "相关链接", "扫一扫")
_AGENCY_END = ("政府", "委员会", "办公室", "局", "厅", "委", "办", "院", "署", "中心", "街道", "镇", "乡", "会",
               "管委会", "公司", "所", "站", "队")
_SITE_CUT = re.compile(r"\s*(?:[-_|｜—–]+)\s*")
MIN_SCORE = 6  # 政府信息公开 and 年度报告 at least
HEAD_LINES = 20


def _score(text: str) -> int:
    t = label_key(text)
    if not t or len(t) > 100:
        return -99
    if any(c in text.replace(" ", "") for c in _CHROME) or re.search(r"\bPage\s*\d", text, re.I):
        return -99
    if "。" in t:
        return -99
    score = 0
    if "政府信息公开" in t or "政务公开" in t:
        score += 3
    if "年度报告" in t or "年报" in t:
        score += 3
    if year_in(t):
        score += 2
    before = t[: (m.start() if (m := _YEAR.search(t)) else 0)]
    if before.endswith(_AGENCY_END) or re.search(r"(?:政府|局|委员会|办公室|街道|镇|乡)\d", t):
        score += 1
    return score


def _clean(text: str) -> str:
    """Without a site name cut on by a dash or bar (“…年度报告-沭阳县发改局”)."""
    text = " ".join(text.split())
    parts = _SITE_CUT.split(text)
    if len(parts) > 1:
        kept = [p for p in parts if "报告" in p]
        if kept:
            return kept[0]
    return text


def candidates(raw: RawDocument) -> list[str]:
    out = [raw.meta.get("标题") or "", *raw.meta.get("headings", []), raw.title or ""]
    head = [ln.text.strip() for ln in raw.lines[:HEAD_LINES] if ln.text.strip()]
    out += head
    out += [a + b for a, b in zip(head, head[1:], strict=False)]
    return [_clean(c) for c in out if c and c.strip()]


def choose_title(raw: RawDocument) -> str:
    best, best_score = "", MIN_SCORE - 1
    for cand in candidates(raw):
        s = _score(cand)
        if s > best_score:
            best, best_score = cand, s
    if best:
        return best.strip()[:200]
    for cand in candidates(raw):  # no title scores: the first candidate that names a report
        if "报告" in cand and _score(cand) > -99:
            return cand.strip()[:200]
    return ""


def year_in(text: str) -> int | None:
    m = _YEAR.search(text)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(text)
    if m:
        year = int("".join(_CN_DIGITS[ch] for ch in m.group(1)))
        return year if 1990 <= year <= 2099 else None
    return None


# Where a report without a title line says its year (a copy that starts at 一、总体情况, a page of a PDF):
_PERIOD = re.compile(r"统计(?:期限|时限|时间|区间)\s*(?:为|是|自|从)?\s*((?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日")
_REPORT_OF = re.compile(r"((?:19|20)\d\d)\s*年度?\s*(?:政府信息公开|政务公开)?(?:工作)?(?:年度)?(?:报告|年报)")
_OPENS = re.compile(r"^\s*((?:19|20)\d\d)\s*年(?:度)?\s*(?:[，,]|以来|全年|我|本|在)")


def year_of(title: str, raw: RawDocument) -> int | None:
    """The report year: from the title; else a line naming the report (“…2020年度报告”), the statistical
    period (“统计期限自2022年1月1日起”), and last the narrative's opening (“2023年，我局…”)."""
    year = year_in(title)
    if year:
        return year
    head = raw.lines[:60]
    for line in head:
        if "报告" in line.text and _score(line.text) > -99:
            year = year_in(line.text)
            if year:
                return year
    text = "\n".join(ln.text for ln in head)
    for pattern in (_PERIOD, _REPORT_OF):
        m = pattern.search(label_key(text).replace("，", ",")) or pattern.search(text)
        if m:
            return int(m.group(1))
    for line in head:
        m = _OPENS.match(line.text)
        if m:
            return int(m.group(1))
    return None


def agency_of(title: str, raw: RawDocument) -> str:
    m = _YEAR.search(title) or _CN_YEAR.search(title)
    name = title[: m.start()] if m else ""
    name = re.sub(r"^关于|关于$", "", name.strip()).strip(" -—:：")
    if not name and m:  # “2023年XX局政府信息公开工作年度报告”
        after = re.match(r"\s*年?度?(.+?)(?:政府信息公开|政务公开)", title[m.end():])
        name = after.group(1).strip() if after else ""
    if not name:
        name = (raw.meta.get("发布机构") or "").strip()
    return name or "（未知单位）"

"""argparse in Chinese: its own words (用法、位置参数、选项, -h's help, every error) and help text
wrapped by display width.

argparse looks each of its messages up through two module-level names, `_` and `ngettext`
(gettext), at the moment it formats them. speaking_chinese() points those names at the tables
below for the duration of one parser call, so argparse elsewhere in the process is untouched;
a message missing from the tables stays English (tests/cli/test_help.py lists every message
the running Python's argparse can print and requires a translation for each).
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from contextlib import contextmanager

MESSAGES = {
    # what every help screen shows
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",  # Python before 3.10
    "show this help message and exit": "显示本帮助并退出",
    "subcommands": "命令",
    # errors a user can cause
    "%(prog)s: error: %(message)s\n": "%(prog)s：参数错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s %(message)s",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "one of the arguments %s is required": "以下参数必须给出一个：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "“%(value)s”不是可选的值（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "“%(value)s”不是有效的值",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多只能有一个值",
    "expected at least one argument": "后面至少需要一个值",
    "unexpected option string: %s": "多余的选项：%s",
    "ignored explicit argument %r": "选项不接受值，多余的值 %r 无法处理",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    'argument "-" with mode %r': "参数“-”不能以 %r 方式打开",
    # mistakes in nianbao's own parser definitions (a maintainer sees these)
    ".__call__() not defined": ".__call__() 未定义",
    "'required' is an invalid argument for positionals": "位置参数不能设置 required",
    "mutually exclusive arguments must be optional": "互斥的参数必须是选项",
    "%r is not callable": "%r 不可调用",
    "cannot merge actions - two groups are named %r": "无法合并参数：有两个参数组都叫 %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r":
        "选项名 %(option)r 无效：必须以 %(prefix_chars)r 开头",
    "dest= is required for options like %r": "选项 %r 需要指定 dest=",
    "invalid conflict_resolution value: %r": "conflict_resolution 的值 %r 无效",
    "cannot have multiple subparser arguments": "只能有一组子命令",
    "conflicting subparser: %s": "子命令重名：%s",
    "conflicting subparser alias: %s": "子命令别名重名：%s",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): "后面需要 %s 个值",
    ("conflicting option string: %s", "conflicting option strings: %s"): "选项名冲突：%s",
}
TYPE_WORDS = {"int": "整数", "float": "数字"}  # argparse names a type by its __name__


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get((singular, plural), singular if n == 1 else plural)


@contextmanager
def speaking_chinese():
    """argparse's messages in Chinese while the block runs (nested blocks are fine)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = gettext, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


# -------------------------------------------------------------- wrapping help text

_OPENING = "（《“‘〔【「『"
_CLOSING = "，。、；：？！）》”’〕】」』…—"
_TOKEN = re.compile(rf"[{_OPENING}]*(?:[^\s\u2e80-\uffef]+|[\u2e80-\uffef])[{_CLOSING}]*| +")


def cells(text: str) -> int:
    """Columns text takes in a terminal: CJK characters and full-width punctuation take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most width terminal columns, broken between CJK characters or at spaces:
    never inside an English word, a file name or a format id (gov-info-disclosure-2021), never
    before closing punctuation or after opening punctuation. A word longer than a line gets a
    line of its own."""
    width = max(width, 10)
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKEN.findall(" ".join(text.split())):
        size = cells(token)
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        if line and used + size > width:
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return lines


# Placeholders in usage and help (argparse's default is the option's name in capitals).
METAVARS = {
    "YEAR": "年度", "CODE": "代码", "NAME": "名称", "LEVEL": "层级", "ID": "格式编号", "PASSWORD": "密码",
    "KEY": "密钥文件", "FILE": "文件", "DIR": "文件夹", "PATH": "路径", "OUT_DIR": "输出文件夹", "N": "进程数",
    "FILE.xlsx": "文件.xlsx", "FILE.xlsx|DIR": "文件.xlsx|文件夹", "ROSTER.csv": "名单.csv",
    "REPORT.json": "报告.json", "report.json": "报告.json", "PREV": "上年汇总", "SOURCE": "源文件",
    "TEXT": "文字", "DATE": "日期", "MB": "MB",
}


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, with Chinese placeholders and help and descriptions wrapped by wrap()."""

    def _metavar_formatter(self, action, default_metavar):
        english = super()._metavar_formatter(action, default_metavar)
        return lambda size: tuple(METAVARS.get(m, m) for m in english(size))

    def _format_action(self, action):
        """argparse pads an option to the help column by len(); a Chinese placeholder takes two columns."""
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = cells(invocation) - len(invocation)
        first, newline, rest = text.partition("\n")
        at = first.find(invocation)
        if not extra or at < 0 or not first[at + len(invocation):].strip():
            return text
        after = first[at + len(invocation):]
        pad = len(after) - len(after.lstrip(" "))
        if pad - extra >= 2:
            first = first[:at + len(invocation)] + " " * (pad - extra) + after.lstrip(" ")
        else:  # no room left on the line: the help starts on the next one, at the help column
            first = first[:at + len(invocation)] + "\n" + " " * (at + len(invocation) + pad) + after.lstrip(" ")
        return first + newline + rest

    def _format_usage(self, usage, actions, groups, prefix):
        """argparse wraps usage by len(); wrap it again by terminal columns, a bracketed part kept whole."""
        text = super()._format_usage(usage, actions, groups, prefix)
        lead = (prefix if prefix is not None else gettext("usage: ")) + self._prog
        flat = " ".join(text.split())
        if not flat.startswith(lead):
            return text
        parts, depth, word = [], 0, ""
        for ch in flat[len(lead):]:
            if ch == " " and depth == 0:
                if word:
                    parts.append(word)
                word = ""
                continue
            depth += (ch in "[(") - (ch in "])")
            word += ch
        if word:
            parts.append(word)
        for i in range(len(parts) - 2, -1, -1):  # a required option and its placeholder: -o 输出文件夹
            if parts[i].startswith("-") and not parts[i + 1].startswith(("-", "[", "(")):
                parts[i:i + 2] = [parts[i] + " " + parts[i + 1]]
        indent = cells(lead) + 1
        if indent > self._width // 2:
            indent = cells(gettext("usage: ")) + 2
        lines, line = [], lead
        for part in parts:
            if cells(line) + 1 + cells(part) > self._width and line.strip() and line != lead:
                lines.append(line)
                line = " " * (indent - 1)
            line += " " + part
        lines.append(line)
        return "\n".join(lines) + "\n\n"

    def _split_lines(self, text, width):
        return wrap(text, width)

    def _fill_text(self, text, width, indent):
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

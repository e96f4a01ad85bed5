"""The nianbao command line. Each command lives in its own module with register(sub).

Takes: the arguments a user types. Gives: a command's output and exit status — for every
command 0 = done and no error findings, 1 = at least one error finding, 2 = could not run
(bad arguments, unreadable input, a broken format spec).

The top stage: it may import any other.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from nianbao.format.spec import SpecError
from nianbao.printable import printable

from . import chinese

# Modules in the order `nianbao --help` lists them.
COMMAND_MODULES = ["template", "check", "extract", "fill", "collect", "store", "review", "compile", "render",
                   "schema", "demo", "import_", "audit"]
COMMAND_MODULES += ["serve", "links", "remind"]  # the web intake service (web/)


class UsageError(Exception):
    """Bad arguments a user can fix, exit status 2. Printed as one line, or one line per argument
    given: a line break inside a name never starts a line (see printable)."""

    def lines(self) -> list[str]:
        return [printable(line) for line in self.args] or [""]


class _Parser(argparse.ArgumentParser):
    """argparse speaking Chinese (cli/chinese.py) in every parser and sub-parser nianbao makes."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", chinese.HelpFormatter)
        with chinese.speaking_chinese():
            super().__init__(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):
        with chinese.speaking_chinese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with chinese.speaking_chinese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese.speaking_chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese.speaking_chinese():
            return super().format_help()

    def _get_value(self, action, arg_string):
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            word = chinese.TYPE_WORDS.get(getattr(action.type, "__name__", ""))
            if word is None:
                raise
            raise argparse.ArgumentError(action, f"应为{word}，现为“{arg_string}”") from None

    def error(self, message: str) -> None:
        with chinese.speaking_chinese():
            self.print_usage(sys.stderr)
        print(f"参数错误：{printable(message)}", file=sys.stderr)  # it quotes what was typed
        print(f"（运行 {self.prog} -h 查看全部参数和说明）", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="nianbao",
        description="政府信息公开工作年度报告：下发模板、校验、汇总、成文。"
        " Open-government-information annual reports: templates, checks, county summaries, publishable reports.",
        epilog="退出码 / exit status: 0 无错误 no errors; 1 发现错误 error findings; 2 无法运行 could not run.",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue  # a command not built yet in this checkout
        module.register(sub)
    return parser


def _use_timezone(args) -> None:
    """A command's --timezone (cli/common.add_timezone_arg), before it writes or shows any time."""
    if getattr(args, "timezone", None):
        from nianbao import clock

        try:
            clock.configure(args.timezone)
        except clock.ZoneError as exc:
            raise UsageError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        _use_timezone(args)
        return int(args.run(args) or 0)
    except UsageError as exc:
        print("nianbao: " + "\n".join(exc.lines()), file=sys.stderr)
        return 2
    except SpecError as exc:
        print(f"nianbao: 格式定义文件有误，请联系维护人员 / broken format spec:\n{printable(exc, keep_newlines=True)}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nianbao: 已中断 / interrupted", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk, a read-only or missing folder: the user's to fix, not a defect
        if os.environ.get("NIANBAO_DEBUG"):
            raise
        from nianbao.paths import os_error_text

        print(f"nianbao: {printable(os_error_text(exc))}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - users see one line; NIANBAO_DEBUG=1 shows the traceback
        if os.environ.get("NIANBAO_DEBUG"):
            raise
        print(f"nianbao: 内部错误，请将此信息反馈给维护人员 / internal error: {type(exc).__name__}: {printable(exc)}",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

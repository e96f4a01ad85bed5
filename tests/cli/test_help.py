"""The command line speaks Chinese: help of every command (found at run time, so a command added
later is covered too), argument errors, and argparse's own words (cli/chinese.py)."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nianbao.cli import build_parser, main
from nianbao.cli.chinese import MESSAGES, PLURALS, cells, wrap

# What argparse prints in English when nobody translates it.
ENGLISH = ("usage:", "positional arguments", "optional arguments", "options:", "show this help message",
           "the following arguments are required", "invalid int value", "invalid float value", "invalid choice",
           "expected one argument", "unrecognized arguments", "not allowed with argument",
           "one of the arguments", "error:", "usage error")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


COMMANDS = sorted(_commands())


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    return capsys.readouterr().out


def _no_english(text: str) -> None:
    found = [phrase for phrase in ENGLISH if phrase in text.lower()]
    assert not found, f"{found} in:\n{text}"


def test_every_registered_command_is_listed():
    assert set(COMMANDS) >= {"template", "check", "extract", "fill", "collect", "compile", "render", "schema", "demo"}


def test_top_level_help_is_chinese(capsys):
    text = _help(["--help"], capsys)
    _no_english(text)
    assert text.startswith("用法：nianbao")
    assert "显示本帮助并退出" in text
    assert "选项" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_is_chinese(command, capsys):
    text = _help([command, "--help"], capsys)
    _no_english(text)
    assert text.startswith(f"用法：nianbao {command}")
    assert "显示本帮助并退出" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_and_argument_says_what_it_is(command):
    parser = _commands()[command]
    assert re.search(r"[\u4e00-\u9fff]", parser.description or ""), command
    for action in parser._actions:
        assert re.search(r"[\u4e00-\u9fff]", action.help or ""), (command, action.option_strings or action.dest)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_never_breaks_a_word_or_a_format_id(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    text = _help([command, "--help"], capsys)
    words = {w for w in re.findall(r"[A-Za-z0-9][\w.\-/]*[\w]", text)}
    assert not any(w.endswith("-") for w in words)
    if "--format" in text:
        assert "gov-info-disclosure-2021" in text
        assert "gov-info-disclosure-2019" in text
    # Every line, usage included, fits the terminal, a Chinese character counting as two columns
    # (only a word longer than a line may stick out).
    for line in text.splitlines():
        assert cells(line) <= 60 or " " not in line.strip(), line


@pytest.mark.parametrize("command", COMMANDS)
def test_help_columns_line_up(command, capsys, monkeypatch):
    """The help of every option starts in one column, Chinese placeholders counted at two columns."""
    monkeypatch.setenv("COLUMNS", "100")
    text = _help([command, "--help"], capsys)
    starts = set()
    for line in text.split("选项", 1)[-1].splitlines():
        found = re.match(r"(\s+-\S.*?\s{2,})\S", line)
        if found:
            starts.add(cells(found.group(1)))
    assert len(starts) == 1, starts
    usage = text.split("\n\n", 1)[0]
    assert not re.search(r"\b(YEAR|FILE|DIR|PATH|NAME|CODE|OUT_DIR|KEY)\b", usage)  # placeholders are Chinese


@pytest.mark.parametrize(("argv", "says"), [
    (["template", "--agency", "x", "--year", "abc", "-o", "x.xlsx"], "--year 应为整数，现为“abc”"),
    (["render", "x.json", "--to", "pdf"], "“pdf”不是可选的值"),
    (["compile"], "缺少必填参数：--roster, --year, -o/--output"),
    (["template", "--agency", "a", "--roster", "r.csv", "--year", "2021", "-o", "x"], "不能与参数"),
    (["check", "x.xlsx", "--year"], "--year 后面需要一个值"),
    (["check", "x.xlsx", "--bogus"], "无法识别的参数：--bogus"),
    (["no-such-command"], "“no-such-command”不是可选的值"),
    (["compile", "--roster", "r.csv", "--year", "2021", "-o", "out", "--level", "村级", "x"], "层级“村级”无法识别"),
])
def test_argument_errors_are_chinese(argv, says, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    _no_english(err)
    assert err.startswith("用法："), err
    assert "参数错误：" in err
    assert says in err, err


def test_argparse_elsewhere_in_the_process_stays_untouched(capsys):
    _help(["--help"], capsys)
    plain = argparse.ArgumentParser(prog="other")
    assert "usage: other" in plain.format_help()
    assert "show this help message and exit" in plain.format_help()


def test_every_message_of_this_pythons_argparse_has_a_translation():
    """argparse's messages, read from its source: a newer Python with new messages fails here."""
    source = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    singles, plurals = set(), set()
    for node in ast.walk(source):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            texts = tuple(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
            if node.func.id == "_" and texts:
                singles.add(texts[0])
            elif node.func.id == "ngettext" and len(texts) == 2:
                plurals.add(texts)
    assert singles
    assert plurals
    assert sorted(singles - set(MESSAGES)) == []
    assert sorted(plurals - set(PLURALS)) == []
    for english, chinese in MESSAGES.items():  # placeholders argparse fills (a named one may be left out)
        assert set(re.findall(r"%\(\w+\)", chinese)) <= set(re.findall(r"%\(\w+\)", english)), english
        assert len(re.findall(r"%[sr]", chinese)) == len(re.findall(r"%[sr]", english)), english


@pytest.mark.parametrize("level", ["县级", "县", "county", "County"])
def test_compile_takes_the_levels_template_takes(level, tmp_path):
    parser = build_parser()
    args = parser.parse_args(["compile", "--roster", "r.csv", "--year", "2021", "-o", "out", "--level", level, "x"])
    assert args.level == "county"
    out = tmp_path / "t.xlsx"
    assert main(["template", "--agency", "甲", "--year", "2021", "-o", str(out), "--level", level]) == 0


def test_wrap_keeps_words_and_punctuation():
    text = "格式版本 format version: gov-info-disclosure-2019, gov-info-disclosure-2021（默认按年度选择）。"
    for width in range(10, 60):
        lines = wrap(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all("gov-info" not in line or "gov-info-disclosure-20" in line for line in lines)
        assert not any(line[0] in "，。）、" for line in lines)
        assert all(cells(line) <= width for line in lines if not re.fullmatch(r"[\x21-\x7e]+", line))


@given(st.text(st.sampled_from(list("年报模板校验，。（）“” abcXYZ-019.")), max_size=200), st.integers(10, 100))
def test_wrap_loses_nothing(text, width):
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").strip()
    for line in lines:
        assert line == line.strip()

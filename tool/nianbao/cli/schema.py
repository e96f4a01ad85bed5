"""nianbao schema --format ID: print the JSON Schema of a report document."""

from __future__ import annotations

from pathlib import Path

from nianbao.format.schema import schema_text

from .common import add_format_arg, resolve_format


def register(sub) -> None:
    p = sub.add_parser("schema", help="输出报告数据的 JSON Schema / print the report document JSON Schema",
                       description="输出一个格式版本的报告数据（extract 导出、fill 读取的 .json）的 JSON Schema，"
                       "供其他系统核对或生成报告数据。用 --format 或 --year 选择格式版本。")
    add_format_arg(p)
    p.add_argument("--year", type=int, help="按年度选择格式 / pick the format by report year")
    p.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="写入文件（默认输出到屏幕）/ write to FILE instead of stdout")
    p.set_defaults(run=run)


def run(args) -> int:
    text = schema_text(resolve_format(args.format_id, args.year))
    if args.output:
        from nianbao.paths import atomic_output

        with atomic_output(args.output) as tmp:
            tmp.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0

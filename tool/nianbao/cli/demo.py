"""nianbao demo OUT_DIR: run the whole county workflow on the shipped samples."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("demo", help="在自带样例上演示完整流程 / run the whole workflow on the shipped samples",
                       description="用自带的萝北县样例（18 个单位，两个年度）演示完整流程：下发模板、收件、校验、"
                       "生成批注副本、汇总、生成年度报告，结果写入输出文件夹。")
    p.add_argument("out", type=Path, nargs="?", default=Path("out"), metavar="OUT_DIR",
                   help="输出文件夹（默认 out）：须是新的或空的文件夹，或上次演示的输出（只删除上次演示生成的文件）")
    p.set_defaults(run=run)


def run(args) -> int:
    from nianbao.check.terminal import make_console
    from nianbao.workflow.demo import run_demo

    return run_demo(args.out, make_console())

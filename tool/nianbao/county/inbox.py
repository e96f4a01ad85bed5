"""What is in an inbox: the regular files to collect, and everything else named, never followed.

collect reads only regular files that sit inside the folders it was given. A symbolic
link is never followed (a link to /etc/shadow must not become a readable copy in the
store), and links, named pipes, sockets and devices are listed with a reason instead of
being skipped silently. The store's own folder, when it sits inside the inbox, is left
out, so a store never ingests its own files. Hidden files and Office lock files (~$…)
are passed over as before. Folders nest at most MAX_DEPTH deep.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from nianbao.printable import printable

MAX_DEPTH = 32
_KINDS = ((stat.S_ISFIFO, "命名管道 FIFO"), (stat.S_ISSOCK, "套接字"), (stat.S_ISCHR, "字符设备"),
          (stat.S_ISBLK, "块设备"))


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str  # Chinese


def scan(paths: list[Path], *, exclude: list[Path] = ()) -> tuple[list[Path], list[Skipped]]:
    """The regular files under paths (each folder's files sorted), and what was left out and why.

    exclude: folders to leave out wherever they appear (the store). A missing path is kept as a
    file, so the caller reports it."""
    files: list[Path] = []
    skipped: list[Skipped] = []
    excluded = {_identity(p) for p in exclude if os.path.exists(p)}
    for path in map(Path, paths):
        try:
            st = os.lstat(path)
        except OSError:
            files.append(path)
            continue
        if stat.S_ISLNK(st.st_mode):
            skipped.append(Skipped(path, _link_reason(path, path.parent)))
        elif stat.S_ISDIR(st.st_mode):
            _walk(path, path, 0, excluded, files, skipped)
        elif stat.S_ISREG(st.st_mode):
            files.append(path)
        else:
            skipped.append(Skipped(path, _kind_reason(st.st_mode)))
    return files, skipped


def _walk(folder: Path, top: Path, depth: int, excluded: set, files: list[Path], skipped: list[Skipped]) -> None:
    if _identity(folder) in excluded:
        skipped.append(Skipped(folder, "这是收件库自身的文件夹（收件库不收取自己的文件）"))
        return
    if depth > MAX_DEPTH:
        skipped.append(Skipped(folder, f"文件夹层级超过 {MAX_DEPTH} 层，其中的文件未收取"))
        return
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: os.fsencode(e.name))
    except OSError as exc:
        skipped.append(Skipped(folder, f"无法读取文件夹（{exc.strerror}）"))
        return
    subfolders = []
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith((".", "~$")):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError as exc:
            skipped.append(Skipped(path, f"无法读取（{exc.strerror}）"))
            continue
        if stat.S_ISLNK(st.st_mode):
            skipped.append(Skipped(path, _link_reason(path, top)))
        elif stat.S_ISDIR(st.st_mode):
            subfolders.append(path)
        elif stat.S_ISREG(st.st_mode):
            files.append(path)
        else:
            skipped.append(Skipped(path, _kind_reason(st.st_mode)))
    for sub in subfolders:
        _walk(sub, top, depth + 1, excluded, files, skipped)


def _identity(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _link_reason(path: Path, top: Path) -> str:
    target = os.path.realpath(path)
    if not os.path.exists(target):
        return "符号链接的目标不存在（失效链接）"
    inside = os.path.commonpath([target, os.path.realpath(top)]) == os.path.realpath(top)
    where = "收件箱内" if inside else "收件箱以外"
    return f"符号链接，指向{where}的 {printable(target)}；出于安全原因不跟随。请把文件本身放入收件箱"


def _kind_reason(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "特殊文件")
    return f"不是普通文件，而是{kind}"

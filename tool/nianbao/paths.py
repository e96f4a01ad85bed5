"""Where nianbao finds the files it ships (format specs and samples), and how it writes its own.

In a checkout (and an editable install) they are the repository's own templates/formats
and samples folders; an installed wheel carries copies inside the package (see
pyproject.toml). NIANBAO_FORMATS overrides the spec folder, for tests and new versions.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parent.parent


def _first_existing(*candidates: Path) -> Path:
    for path in candidates:
        if path.is_dir():
            return path
    return candidates[0]


def formats_dir() -> Path:
    if os.environ.get("NIANBAO_FORMATS"):
        return Path(os.environ["NIANBAO_FORMATS"])
    return _first_existing(_REPO / "templates" / "formats", _PACKAGE / "shipped" / "templates" / "formats")


def samples_dir() -> Path:
    return _first_existing(_REPO / "samples", _PACKAGE / "shipped" / "samples")


# ---------------------------------------------------------------- writing outputs


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A hidden temporary sibling of path to write; it becomes path only when the block succeeds.

    A full disk, a killed process or a writer's exception never leaves a partial file under
    the real name (an old one stays as it was), and the temporary file is removed. An OSError
    is raised again naming path, not the temporary file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        tmp.unlink(missing_ok=True)


def claim_unique(folder: Path, stem: str, suffix: str, taken: set[str] | None = None) -> Path:
    """A new, empty file folder/<stem><suffix>, or <stem>-2<suffix>, -3 … if that exists (or is in taken).

    Created with O_EXCL, so it never overwrites a file, not even one another process creates now."""
    for n in range(1, 100_000):
        name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
        if taken is not None and name in taken:
            continue
        try:
            os.close(os.open(folder / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            continue
        if taken is not None:
            taken.add(name)
        return folder / name
    raise FileExistsError(errno.EEXIST, "too many files of that name", str(folder / f"{stem}{suffix}"))


_REASONS = {
    errno.ENOSPC: "磁盘空间不足，请清理磁盘后重试",
    errno.EDQUOT: "磁盘配额已用完，请清理后重试",
    errno.EACCES: "没有读写权限，请换一个有权限的文件夹",
    errno.EPERM: "没有读写权限，请换一个有权限的文件夹",
    errno.EROFS: "所在磁盘是只读的，请换一个可写的文件夹",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EEXIST: "文件已存在",
    errno.EIO: "磁盘读写出错",
    errno.EMFILE: "同时打开的文件过多",
}


def os_error_text(exc: OSError) -> str:
    """A Chinese sentence for a failed file operation: which file, and what to do."""
    reason = _REASONS.get(exc.errno, exc.strerror or type(exc).__name__)
    where = f"{exc.filename}" if exc.filename else "文件"
    return f"无法读写 {where}：{reason}。"

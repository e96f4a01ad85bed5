"""The one exception a reader raises: the whole file cannot be read (named, in Chinese)."""

from __future__ import annotations


class ImportError_(Exception):  # noqa: N801 - not the builtin ImportError
    """A published file that cannot be read at all; str() is a Chinese sentence naming the file."""

    def __init__(self, path, what: str):
        super().__init__(f"{path}：{what}")
        self.path = str(path)
        self.what = what

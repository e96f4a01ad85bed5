"""nianbao's own lines in a cell comment, recognised when a copy it annotated comes back.

`check --annotate` writes each finding into the cell's comment as one line “【错误 T3-1】…” (signed
"nianbao"). A department that fixes that copy and uploads it again brings the comments back; what
nianbao wrote is known, so it is neither a clerk's comment to warn about (intake's appearance checks)
nor anything to keep in a new annotated copy (check/unannotate.py). A clerk's own lines stay theirs.
"""

from __future__ import annotations

import re

COMMENT_AUTHOR = "nianbao"
_OWN_LINE = re.compile(r"^【(错误|警告|提示) [^】\n]*】")


def own_line(line: str) -> bool:
    """A line annotate wrote: 【错误|警告|提示 RULE】 and the finding's message."""
    return bool(_OWN_LINE.match(line.strip()))


def comment_lines(text: str) -> list[str]:
    """The comment's non-empty lines, without the "nianbao:" line Excel puts at the top of a note."""
    lines = [x for x in (text or "").splitlines() if x.strip()]
    if lines and lines[0].strip().rstrip(":：") == COMMENT_AUTHOR:
        lines = lines[1:]
    return lines


def clerk_part(text: str) -> str | None:
    """The comment as the clerk wrote it: its text without nianbao's own lines, or None when nianbao
    wrote all of it. A comment with no line of nianbao's is returned as it is (an empty one too)."""
    lines = comment_lines(text)
    if not any(own_line(x) for x in lines):
        return text or ""
    rest = [x for x in lines if not own_line(x)]
    return "\n".join(rest) if rest else None

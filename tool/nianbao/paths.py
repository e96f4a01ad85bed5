"""Where nianbao finds the files it ships: format specs and samples.

In a checkout (and an editable install) they are the repository's own templates/formats
and samples folders; an installed wheel carries copies inside the package (see
pyproject.toml). NIANBAO_FORMATS overrides the spec folder, for tests and new versions.
"""

from __future__ import annotations

import os
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

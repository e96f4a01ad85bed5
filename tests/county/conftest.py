"""Fixtures shared by the county tests (named helper modules, so no two conftest modules shadow each other)."""

from state_kit import kit  # noqa: F401 - the files of the county/state.py tests, made once per module

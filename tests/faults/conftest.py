"""Fault tests: real processes killed with SIGKILL, a disk that really fills up, backups
taken while another process writes. Slow ones are marked ``slow``
(``pytest -m "not slow"`` leaves them out)."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from tests.keyrings import MemoryKeyring


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: takes several seconds of real processes (kill -9 trials, backups)"
    )


@pytest.fixture(scope="module")
def module_keyring() -> Iterator[None]:
    """An in-memory keyring for module-scoped set-ups, which run before the per-test one
    of tests/conftest.py: nothing here may touch the machine's keyring."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)

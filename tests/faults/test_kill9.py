"""``kill -9`` at random moments while InvoiceDesk writes: the file must stay sound.

33 trials over demo generation (into an empty file, and creating a new file from
nothing), issuing, recording payments, importing and outbox delivery to a real SMTP
server. Each trial SIGKILLs a real process a seeded random time after it started and
checks (see :mod:`tests.faults.scenarios` and :mod:`tests.faults.checks`):

* ``PRAGMA integrity_check`` and ``foreign_key_check`` pass;
* nothing is half-written: every issued document has its number, dates, snapshots,
  lines, tax breakdown and audit entry (and, issued by ``invoices issue``, its archived
  PDF), amounts and states follow the payments, every payment has its audit entry,
  an import or a demo is all there or not at all, and what a command reported done
  is there;
* issued numbers are gapless per sequence;
* no mail reached the SMTP server twice, a mail marked sent arrived exactly once, a
  queued one not at all; one left ``sending`` becomes ``unknown`` and is never resent;
* the file keeps working: the next command succeeds, the next number follows.

The delays come from ``random.Random("<scenario>-<seed>")``: a failure names its seed,
and ``INVOICEDESK_FAULT_SEED=<base>`` runs another set of moments (default ``1``).
``benchmarks/bench_kill9.py`` runs many more.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.scenarios import SCENARIOS, Scenario

pytestmark = pytest.mark.slow

BASE_SEED = os.environ.get("INVOICEDESK_FAULT_SEED", "1")
TRIALS = {"issue": 7, "payments": 6, "import": 6, "demo": 5, "demo-new-file": 3, "outbox": 6}
assert sum(TRIALS.values()) >= 30


class Scenarios:
    """Each scenario's template and fork server, built on first use, closed at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[str, Scenario] = {}

    def __getitem__(self, name: str) -> Scenario:
        if name not in self.built:
            self.built[name] = SCENARIOS[name](self.folder / name)
        return self.built[name]

    def close(self) -> None:
        for scenario in self.built.values():
            scenario.close()


@pytest.fixture(scope="module")
def scenarios(
    tmp_path_factory: pytest.TempPathFactory, module_keyring: None
) -> Iterator[Scenarios]:
    built = Scenarios(tmp_path_factory.mktemp("kill9"))
    yield built
    built.close()


@pytest.mark.parametrize(
    ("name", "trial"),
    [(name, trial) for name, count in TRIALS.items() for trial in range(count)],
    ids=[f"{name}-{trial}" for name, count in TRIALS.items() for trial in range(count)],
)
def test_kill9(scenarios: Scenarios, name: str, trial: int) -> None:
    result = scenarios[name].trial(f"{BASE_SEED}.{trial}")
    assert not result.problems, result.describe()

"""Many ``kill -9`` trials: SIGKILL InvoiceDesk at random moments while it writes.

Run: ``python benchmarks/bench_kill9.py [--trials N] [--scenario NAME …] [--seed S] [--keep]``.
The same trials as ``tests/faults/test_kill9.py`` (see ``tests/faults/scenarios.py``),
as many as you like: demo generation (into an empty file and into a new one), issuing,
payments, import and outbox delivery to a local SMTP server. After each kill the file
must pass ``integrity_check`` and the invariants of ``tests/faults/checks.py`` (nothing
half-written, gapless numbers, no mail delivered twice) and keep working. Prints where
the kills landed, the problems found (with the seed that reproduces each) and the time
per trial; exits 1 when any trial found a problem. This is a script that prints
figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the trials live in the test package
# Before anything imports keyring or sets up logging: nothing of the user's is touched.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
os.environ.setdefault("INVOICEDESK_LOG_DIR", tempfile.mkdtemp(prefix="invoicedesk-kill9-logs-"))
os.environ.pop("INVOICEDESK_DB", None)

from invoicedesk.logs import setup_logging  # noqa: E402
from tests.faults.scenarios import SCENARIOS, Trial  # noqa: E402


def summarize(name: str, trials: list[Trial], seconds: float) -> list[str]:
    killed = sum(t.killed for t in trials)
    failed = [t for t in trials if t.problems]
    notes = Counter(note for t in trials for note in t.notes)
    commands = sum(t.finished for t in trials)
    lines = [
        f"{name:<14} {len(trials):>6} {killed:>7} {len(trials) - killed:>9} {commands:>9} "
        f"{len(failed):>9} {seconds / max(len(trials), 1):>8.2f} s"
    ]
    for note, count in sorted(notes.items()):
        lines.append(f"{'':<16}{count:>5} × {note}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50, help="per scenario (default 50)")
    parser.add_argument(
        "--scenario", action="append", choices=sorted(SCENARIOS),
        help="run only these (repeatable; default: all)",
    )  # fmt: skip
    parser.add_argument("--seed", default="bench", help="base of the seeds (default 'bench')")
    parser.add_argument("--keep", action="store_true", help="keep the trial folders")
    args = parser.parse_args()

    print(f"load average at start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    setup_logging()
    work = Path(tempfile.mkdtemp(prefix="invoicedesk-kill9-"))
    names = args.scenario or list(SCENARIOS)
    results: dict[str, tuple[list[Trial], float]] = {}
    for name in names:
        started = time.monotonic()
        with SCENARIOS[name](work / name) as scenario:
            built = time.monotonic() - started
            print(f"{name}: set up in {built:.1f} s, kills within {scenario.max_delay:.2f} s")
            trials = []
            started = time.monotonic()
            for index in range(args.trials):
                trial = scenario.trial(f"{args.seed}.{index}")
                trials.append(trial)
                if trial.problems:
                    print("  PROBLEM " + trial.describe(), flush=True)
                if not args.keep and not trial.problems:
                    _remove_tree(scenario.folder / f"trial-{trial.seed}")
            results[name] = (trials, time.monotonic() - started)

    print()
    print(f"{'scenario':<14} {'trials':>6} {'killed':>7} {'finished':>9} {'commands':>9} "
          f"{'problems':>9} {'per trial':>10}")  # fmt: skip
    for name, (trials, seconds) in results.items():
        print("\n".join(summarize(name, trials, seconds)))
    total = sum(len(t) for t, _ in results.values())
    failed = [t for trials, _ in results.values() for t in trials if t.problems]
    print(f"\n{total} trials, {len(failed)} with problems; files in {work}")
    print("killed: SIGKILLed while working; finished: it had ended before the kill came;")
    print("commands: commands reported done before the kills, over all trials")
    for trial in failed:
        print(trial.describe())
    return 1 if failed else 0


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

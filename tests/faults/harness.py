"""Running commands in real processes and killing them with SIGKILL at a chosen moment.

:class:`Workers` starts the fork server of :mod:`tests.faults.worker`; each
:meth:`Workers.start` forks a process that runs a list of ``invoicedesk`` commands, and
:meth:`Job.run_for` lets it work for a given time, then kills it with ``SIGKILL`` —
exactly what ``kill -9`` does — and waits until it is reaped. :func:`cli` runs one
command in this process through the command line's own ``main`` (to check that the file
still works afterwards), :func:`run_cli` in a fresh ``python -m invoicedesk`` process.

Nothing sleeps: waiting is ``select`` on the server's pipe (a line arrives when a process
starts or ends) or ``Popen.wait``, each with a deadline; the kill delay is the only
chosen time, and it is the fault being injected.
"""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 120.0  # for a process to start or end on a loaded machine; never waited out


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a command run by a test: no database or debug switch of the
    user's, this checkout first on the path, never the machine's keyring."""
    env = {k: v for k, v in os.environ.items() if k not in ("INVOICEDESK_DB", "INVOICEDESK_DEBUG")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env.update(extra)
    return env


@dataclass(frozen=True)
class Done:
    """One command a worker finished before it was killed."""

    index: int
    code: int
    at: float  # seconds after the process started when the command ended
    out: str
    err: str


@dataclass
class Outcome:
    """What a killed (or finished) process had done."""

    done: list[Done] = field(default_factory=list)
    killed: bool = False  # False: it had ended on its own before the kill
    status: int = 0  # wait status (a SIGKILLed process: signal 9)
    stderr: str = ""

    @property
    def finished(self) -> int:
        """How many commands ran to their end (the next one may have been cut off)."""
        return len(self.done)


def _read_line(stream: IO[bytes], timeout: float) -> bytes | None:
    """One line from an unbuffered pipe, or None when none came within ``timeout``."""
    readable, _, _ = select.select([stream], [], [], max(timeout, 0.0))
    if not readable:
        return None
    line = bytearray()
    while not line.endswith(b"\n"):
        chunk = stream.read(1)  # unbuffered: nothing read ahead and hidden from select
        if not chunk:
            break
        line += chunk
    return bytes(line)


class Workers:
    """The fork server, loaded with what ``words`` (command names) need."""

    def __init__(self, folder: Path, words: Sequence[str]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._stderr_path = folder / f"workers-{os.getpid()}-{time.monotonic_ns()}.stderr"
        self._stderr = self._stderr_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.worker", *words],
            cwd=REPO, env=child_env(), bufsize=0,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
        )  # fmt: skip
        line = self._line(DEADLINE)
        if line != "ready":
            why = self.stderr()
            self.close()
            raise RuntimeError(f"the fork server did not start: {line!r} {why}")
        self._jobs = 0

    def _line(self, timeout: float) -> str | None:
        assert self.process.stdout is not None
        line = _read_line(self.process.stdout, timeout)
        return None if line is None else line.decode().strip()

    def start(self, commands: Sequence[Sequence[str]]) -> Job:
        """Fork a process that runs ``commands`` (they start at once)."""
        self._jobs += 1
        report = self.folder / f"job-{self._jobs}-{time.monotonic_ns()}.jsonl"
        job = {"commands": [list(argv) for argv in commands], "report": str(report)}
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(job) + "\n").encode())
        line = self._line(DEADLINE) or ""
        if not line.startswith("started "):
            raise RuntimeError(f"the fork server did not start a job: {line!r} {self.stderr()}")
        return Job(self, int(line.split()[1]), report)

    def run(self, commands: Sequence[Sequence[str]], delay: float | None) -> Outcome:
        """Run ``commands`` in a new process, SIGKILL it ``delay`` s after it started
        (None: let it finish); what it had done."""
        job = self.start(commands)
        return job.finish() if delay is None else job.run_for(delay)

    def stderr(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")[-3000:]

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()  # the server's loop ends
        try:
            self.process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Job:
    """One forked process running its commands."""

    def __init__(self, workers: Workers, pid: int, report: Path) -> None:
        self.workers, self.pid, self.report = workers, pid, report
        self.started = time.monotonic()

    def run_for(self, seconds: float) -> Outcome:
        """Let it work until ``seconds`` after it started, then SIGKILL it."""
        ended = self.workers._line(self.started + seconds - time.monotonic())
        killed = ended is None
        if killed:
            os.kill(self.pid, signal.SIGKILL)
            ended = self.workers._line(DEADLINE)
        return self._outcome(ended, killed)

    def finish(self) -> Outcome:
        return self._outcome(self.workers._line(DEADLINE), False)

    def _outcome(self, ended: str | None, killed: bool) -> Outcome:
        if ended is None or not ended.startswith(f"ended {self.pid} "):
            raise RuntimeError(f"process {self.pid} did not end: {ended!r}")
        status = int(ended.split()[2])
        if killed and os.WIFEXITED(status):
            killed = False  # it ended just before the signal came
        done = []
        lines = self.report.read_text(encoding="utf-8").splitlines() if self.report.exists() else []
        for line in lines:
            record = json.loads(line)
            fields = (record[k] for k in ("i", "code", "at", "out", "err"))
            done.append(Done(*fields))
        return Outcome(done, killed, status, self.workers.stderr())


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def cli(db: Path, *args: str) -> Result:
    """``invoicedesk --db DB ARGS`` run in this process by the command line's ``main``."""
    from invoicedesk.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--db", str(db), *args])
    return Result(code, out.getvalue(), err.getvalue())


def run_cli(db: Path, *args: str, timeout: float = DEADLINE, **popen: Any) -> Result:
    """``python -m invoicedesk --db DB ARGS`` in a process of its own."""
    popen.setdefault("env", child_env())
    completed = subprocess.run(
        [sys.executable, "-m", "invoicedesk", "--db", str(db), *args],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=timeout, **popen,
    )  # fmt: skip
    return Result(completed.returncode, completed.stdout, completed.stderr)


def kill_cli_after(db: Path, args: Sequence[str], delay: float | None) -> tuple[Outcome, float]:
    """``python -m invoicedesk --db DB ARGS`` as its own process, SIGKILLed ``delay`` s
    after it was started (None: let it finish). Returns what it did and how long it ran."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "invoicedesk", "--db", str(db), *args],
        cwd=REPO, env=child_env(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    killed = False
    try:
        process.wait(timeout=DEADLINE if delay is None else delay)
    except subprocess.TimeoutExpired:
        killed = delay is not None
        process.kill()  # SIGKILL
    out, err = process.communicate()
    seconds = time.monotonic() - started
    killed = killed and process.returncode == -signal.SIGKILL
    done = [] if killed else [Done(0, process.returncode, seconds, out.decode(), err.decode())]
    return Outcome(done, killed, process.returncode, err.decode()), seconds

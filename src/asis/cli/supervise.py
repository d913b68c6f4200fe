"""A small process supervisor: ``asis serve`` and ``asis worker --supervise`` run their children here.

A task worker that dies (SIGKILL by the out-of-memory killer, a crash) is started again, after
1 s, then 2, 4 ... up to 60 s while it keeps dying young; a child that stayed up ``stable_after``
seconds starts the count again. The loop sleeps between checks, so a crash loop costs one process
start per back-off step, never a busy CPU. SIGTERM and SIGINT stop the children (SIGTERM, then
SIGKILL after ``stop_timeout``) and end the supervisor cleanly. A child marked ``restart=False``
(the web server, which is itself a supervisor of its workers) ends everything when it exits.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType

logger = logging.getLogger("asis.supervisor")


@dataclass(frozen=True)
class ChildSpec:
    name: str
    argv: Sequence[str]
    restart: bool = True


@dataclass
class _Child:
    spec: ChildSpec
    delay: float
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float = 0.0
    restarts: int = 0
    pids: list[int] = field(default_factory=list)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"code {code}"


class Supervisor:
    def __init__(
        self,
        specs: Sequence[ChildSpec],
        *,
        env: dict[str, str] | None = None,
        initial_backoff: float = 1.0,
        max_backoff: float = 60.0,
        stable_after: float = 30.0,
        stop_timeout: float = 15.0,
        poll: float = 0.2,
        say: Callable[[str], None] = print,
    ) -> None:
        self.children = [_Child(spec=spec, delay=initial_backoff) for spec in specs]
        self.env = env
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.stop_timeout = stop_timeout
        self.poll = poll
        self.say = say
        self._stop = threading.Event()

    def stop(self, *_: object) -> None:
        self._stop.set()

    def _handle_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stop.set()

    def _log(self, level: int, message: str) -> None:
        logger.log(level, message)
        self.say(message)

    def _start(self, child: _Child) -> None:
        child.proc = subprocess.Popen(list(child.spec.argv), env=self.env)  # noqa: S603
        child.started_at = time.monotonic()
        child.pids.append(child.proc.pid)
        self._log(logging.INFO, f"Started {child.spec.name} (pid {child.proc.pid}).")

    def _exited(self, child: _Child, code: int) -> int | None:
        """Schedule the restart of a child that ended; the exit code to end with if it may not restart."""
        assert child.proc is not None
        pid, child.proc = child.proc.pid, None
        now = time.monotonic()
        uptime = now - child.started_at
        if not child.spec.restart:
            self._log(logging.WARNING, f"{child.spec.name} (pid {pid}) exited with {describe_exit(code)}; stopping.")
            return code if code > 0 else 1
        if uptime >= self.stable_after:
            child.delay = self.initial_backoff
        child.restarts += 1
        child.restart_at = now + child.delay
        self._log(logging.WARNING, (
            f"{child.spec.name} (pid {pid}) exited with {describe_exit(code)} after {uptime:.1f} s; "
            f"restart #{child.restarts} in {child.delay:g} s."
        ))
        child.delay = min(child.delay * 2, self.max_backoff)
        return None

    def run(self, *, install_signals: bool = True) -> int:
        if install_signals:
            signal.signal(signal.SIGTERM, self._handle_signal)
            signal.signal(signal.SIGINT, self._handle_signal)
        result = 0
        try:
            for child in self.children:
                self._start(child)
            while not self._stop.is_set():
                now = time.monotonic()
                for child in self.children:
                    if child.proc is None:
                        if now >= child.restart_at:
                            self._start(child)
                        continue
                    code = child.proc.poll()
                    if code is not None:
                        final = self._exited(child, code)
                        if final is not None:
                            result = final
                            self._stop.set()
                self._stop.wait(self.poll)
        finally:
            self._shutdown()
        return result

    def _shutdown(self) -> None:
        running = [c.proc for c in self.children if c.proc is not None and c.proc.poll() is None]
        for proc in running:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for proc in running:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def python_child(name: str, *arguments: str, restart: bool = True) -> ChildSpec:
    """A child running ``python -m ARGUMENTS`` with this interpreter."""
    return ChildSpec(name=name, argv=[sys.executable, "-m", *arguments], restart=restart)

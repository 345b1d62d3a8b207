"""The parent's side of the sandbox conversation: events in, case hand-over out.

:class:`Driver` is a small state machine fed with the child's events (already
parsed, see :func:`dlquiz.grading.process.parse_line`). It is pure: sending a
case is a callback, so a test can feed it any forged sequence of messages.

The order is fixed, and anything out of order is tampering (``bad_results``):

``isolated`` → ``imported`` → ``signature`` → the cases, in order, handed over
in one of two ways:

* a *strict* case *i* (the timed perf case): the parent hands it over alone
  (``i``): ``loaded`` *i* → (``go``) ``result`` *i* → ``inputs`` *i*. Decoding
  the inputs happens before ``go``, so it is not timed; the clock stops only
  at the ``result`` line, which carries the value (a forged earlier one would
  need the right answer, and makes the real one a duplicate).
* a *batch* of consecutive other cases *i..j-1* (``batch i j``): ``result`` *i*
  → ``inputs`` *i* → ``result`` *i+1* → ... with no handshake in between. Their
  times are only shown, never judged (a case's clock runs from the previous
  line), so one hand-over saves two round trips per case; reading them early
  gains a child nothing.

Then ``end``.

Terminal events: ``import_failed``, ``no_function``, ``output_limit``,
``sandbox_error``, ``bad_results``. A case's time is measured here, from
the hand-over to the arrival of its ``result`` line, so a child that writes
forged lines can only make its own report wrong, never its clock shorter.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from dlquiz.grading.wire import WireError, decode

CASE_STATUSES = ("ok", "error", "memory", "forbidden", "exit")


@dataclass
class CaseRun:
    """What the child reported for one case (``status``: ok/error/memory/timeout/not_run)."""

    index: int
    status: str = "not_run"
    value: Any = None
    traceback: str = ""
    output: str = ""
    #: Seconds from the parent sending the case to the parent reading its result.
    elapsed_s: float = 0.0
    #: Fingerprint of each argument after the call, by position (``result_arg`` excepted).
    prints: dict[str, str] = field(default_factory=dict)


@dataclass
class SandboxRun:
    """Everything the parent learned from one run; the grader turns it into a verdict.

    ``outcome`` is ``done`` (every case reported), ``import_failed``
    (``import_status``: error / exit / memory / forbidden), ``no_function``,
    ``bad_signature`` (``message`` says why), ``timeout``, ``output_limit``,
    ``crashed`` (the process died without finishing), ``bad_results``
    (unreadable or out-of-order result data) or ``sandbox_error``.
    """

    outcome: str
    cases: list[CaseRun]
    import_status: str = ""
    import_traceback: str = ""
    import_output: str = ""
    output: str = ""
    returncode: int | None = None
    message: str = ""
    running_case: int | None = None
    wall_s: float = 0.0
    #: What the child reported about its isolation (uid, mounted folders, namespaces).
    isolation: dict[str, Any] = field(default_factory=dict)
    #: The child's CPU seconds last seen by the parent (from /proc, not from the child).
    cpu_s: float = 0.0


def output_text(data: Any) -> str:
    """The ``output`` field of an event as text, with a truncation note."""
    if not isinstance(data, dict):
        return ""
    text = data.get("text", "")
    text = text if isinstance(text, str) else ""
    dropped = data.get("dropped", 0)
    if type(dropped) is int and dropped > 0:
        text += f"\n[output truncated: {dropped} more characters not shown]"
    return text


class Driver:
    """Applies events to a :class:`SandboxRun` and hands the cases over one by one."""

    def __init__(self, run: SandboxRun, n_cases: int, send_case: Callable[[int], bool],
                 go: Callable[[], float | None], end: Callable[[], None],
                 arity_problem: Callable[[Any], str] | None = None, *,
                 send_batch: Callable[[int, int], float | None] | None = None,
                 strict: Collection[int] = ()) -> None:
        """``send_batch(i, j)`` hands cases ``i..j-1`` over at once (and returns when it
        did, or None); without it every case is strict. ``strict`` are the cases
        always handed over alone and timed from ``go``."""
        self.run = run
        self.n_cases = n_cases
        self.send_case = send_case
        self.go = go
        self.end = end
        self.arity_problem = arity_problem
        self.send_batch = send_batch
        self.strict = frozenset(strict)
        self.phase = "import"
        self.current = -1
        self.batch_end = -1
        self.sent_at = 0.0
        self.pending = "not_run"

    def handle(self, stamp: float, msg: dict[str, Any]) -> bool:
        """Apply one event; True when the run is over."""
        try:
            return self._handle(stamp, msg)
        except (WireError, ValueError, TypeError, KeyError, IndexError, AttributeError,
                RecursionError) as exc:
            return self._tampered(f"unreadable result data: {exc}")

    def _tampered(self, why: str) -> bool:
        self.run.outcome, self.run.message = "bad_results", why
        return True

    def _handle(self, stamp: float, msg: dict[str, Any]) -> bool:
        run, event = self.run, msg.get("event")
        if event == "isolated" and self.phase == "import" and not run.isolation:
            run.isolation = {k: v for k, v in msg.items() if k != "event"} or {"uid": None}
        elif event == "imported" and self.phase == "import":
            run.import_output = output_text(msg.get("output"))
            self.phase = "signature"
        elif event == "import_failed" and self.phase == "import":
            run.outcome = "import_failed"
            status = msg.get("status")
            run.import_status = status if status in CASE_STATUSES else "error"
            run.import_traceback = str(msg.get("traceback", ""))
            run.import_output = output_text(msg.get("output"))
            return True
        elif event == "no_function" and self.phase == "signature":
            run.outcome, run.message = "no_function", str(msg.get("found", ""))[:100]
            return True
        elif event == "signature" and self.phase == "signature":
            problem = self.arity_problem(msg.get("arity")) if self.arity_problem else ""
            if problem:
                run.outcome, run.message = "bad_signature", problem
                return True
            return self._next_case()
        elif event == "loaded" and self.phase == "loaded" and msg.get("case") == self.current:
            sent = self.go()
            if sent is None:
                return True  # the child is gone: the run ends as it died
            self.sent_at, self.phase = sent, "result"
        elif event == "result" and self.phase == "result" and msg.get("case") == self.current:
            case = run.cases[self.current]
            case.elapsed_s = max(0.0, stamp - self.sent_at)
            case.output = output_text(msg.get("output"))
            status = msg.get("status")
            if status == "ok":
                case.value = decode(msg.get("value"))
            else:
                case.traceback = str(msg.get("traceback", ""))
            # the case counts once its input fingerprints are in (a run that ends
            # in between leaves it "not_run", reported with the run's outcome)
            self.pending = status if status in CASE_STATUSES else "error"
            self.phase = "inputs"
        elif event == "inputs" and self.phase == "inputs" and msg.get("case") == self.current:
            prints = msg.get("prints")
            if not isinstance(prints, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in prints.items()):
                return self._tampered("input fingerprints are malformed")
            run.cases[self.current].prints = dict(prints)
            run.cases[self.current].status = self.pending
            run.running_case = None
            if self.current + 1 < self.batch_end:  # the next case of a batch runs already
                self.current += 1
                run.running_case, self.sent_at, self.phase = self.current, stamp, "result"
                return False
            return self._next_case()
        elif event == "output_limit":
            run.outcome = "output_limit"
            return True
        elif event == "sandbox_error":
            run.outcome, run.message = "sandbox_error", str(msg.get("message", ""))[:500]
            return True
        elif event == "bad_results":
            return self._tampered(str(msg.get("why", ""))[:200])
        else:
            return self._tampered(f"unexpected {str(event)[:40]!r} message "
                                  f"(waiting for {self.phase})")
        return False

    def _next_case(self) -> bool:
        self.current += 1
        if self.current >= self.n_cases:
            self.run.outcome = "done"
            self.end()
            return True
        self.run.running_case = self.current
        if self.send_batch is not None and self.current not in self.strict:
            end = next((i for i in range(self.current, self.n_cases) if i in self.strict),
                       self.n_cases)
            sent = self.send_batch(self.current, end)
            if sent is None:
                return True
            self.batch_end, self.sent_at, self.phase = end, sent, "result"
            return False
        if not self.send_case(self.current):
            return True  # the child is gone: the run ends as it died
        self.phase = "loaded"
        return False

"""Finding and killing every process of a sandbox, and removing its files.

Learner code is hostile by assumption: it may fork in a loop, or ``setsid``
to leave the process group. So teardown SIGKILLs the group and then scans
``/proc`` for anything still in the sandbox's session or group or (root mode)
owned by the sandbox's own uid, repeating until a scan finds nothing. Zombies
are skipped (they are already dead; their parent or init reaps them).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from typing import Any


def sandbox_pids(session: int, uid: int | None) -> list[int]:
    """Live (non-zombie) processes of a sandbox.

    A process belongs to the sandbox when it is in the runner's session or
    process group, or (root mode) owned by the sandbox's own uid, which also
    catches children that called ``setsid`` to escape the group.
    """
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
            fields = stat[stat.rindex(b")") + 2:].split()
            if fields[0] == b"Z":
                continue
            if int(fields[2]) == session or int(fields[3]) == session or uid is not None and os.stat(f"/proc/{entry}").st_uid == uid:
                found.append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return found


def kill_sandbox(proc: subprocess.Popen[bytes], uid: int | None) -> None:
    """SIGKILL the sandbox's process group and strays until nothing of it is left.

    Repeated because a fork loop keeps making new processes between one
    scan and the next; the loop ends when a scan finds none.
    """
    session = proc.pid
    for _ in range(1000):
        try:
            os.killpg(session, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if proc.poll() is None:
            try:
                proc.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
        strays = [pid for pid in sandbox_pids(session, uid) if pid != os.getpid()]
        if not strays:
            return
        for pid in strays:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.002)


def remove_tree(path: str) -> None:
    def unlock(func: Any, target: str, _exc: Any) -> None:
        try:
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
            func(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=unlock)

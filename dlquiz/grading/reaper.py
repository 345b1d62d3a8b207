"""Finding and killing every process of a sandbox, and removing what it left behind.

Learner code is hostile by assumption: it may fork in a loop, or ``setsid``
to leave the process group. So teardown SIGKILLs the group and then scans
``/proc`` for anything still in the sandbox's session or group or (root mode)
owned by the sandbox's own uid, repeating until a scan finds nothing. Zombies
are skipped (they are already dead; their parent or init reaps them).

Files and IPC objects: with root's private mount and IPC namespaces (see
``sandbox_guard.py``) whatever the sandbox wrote to ``/tmp``, ``/var/tmp`` or
``/dev/shm`` and every SysV segment, semaphore set or message queue vanish
with its last process. Where a namespace was not available, the sandbox's own
uid (root mode: ``UID_BASE + pid``, used by nothing else) identifies its
leftovers, and :func:`remove_leftovers` deletes them. Without root there is no
uid of its own, so nothing outside the sandbox's folder is deleted (the user's
own files there are indistinguishable); ``docs/sandbox.md`` says so.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable
from typing import Any

#: Shared temporary folders a sandbox could write to (besides its own folder).
TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
#: ``/proc/sysvipc`` tables and the column that holds each object's id.
IPC_TABLES = {"shm": "shmid", "sem": "semid", "msg": "msqid"}
IPC_RMID = 0


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
    """Remove a tree the sandbox wrote (hostile: locked folders, planted symlinks).

    ``chmod`` follows symlinks, so it is applied only to real folders and files;
    a symlink is removed, never followed.
    """

    def unlock(func: Any, target: str, _exc: Any) -> None:
        try:
            for item in (os.path.dirname(target), target):
                if not os.path.islink(item):
                    os.chmod(item, 0o700)
            func(target)
        except OSError:
            pass

    shutil.rmtree(path, onerror=unlock)


def temp_leftovers(uid: int, skip: Iterable[str] = ()) -> list[str]:
    """Entries of the shared temp folders owned by ``uid`` (a sandbox's own uid)."""
    found = []
    for folder in TEMP_DIRS:
        if folder in skip:
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            try:
                if os.lstat(path).st_uid == uid:
                    found.append(path)
            except OSError:
                continue
    return found


def ipc_leftovers(uid: int) -> list[tuple[str, int]]:
    """SysV IPC objects (``shm``/``sem``/``msg``, id) owned or created by ``uid``."""
    found = []
    for kind, id_column in IPC_TABLES.items():
        try:
            with open(f"/proc/sysvipc/{kind}", encoding="ascii") as fh:
                header, *rows = fh.read().splitlines()
        except (OSError, ValueError):
            continue
        columns = header.split()
        for row in rows:
            values = dict(zip(columns, row.split()))
            try:
                if uid in (int(values["uid"]), int(values["cuid"])):
                    found.append((kind, int(values[id_column])))
            except (KeyError, ValueError):
                continue
    return found


def remove_ipc(objects: Iterable[tuple[str, int]]) -> None:
    """``IPC_RMID`` each SysV object (a segment goes once its last user detaches)."""
    objects = list(objects)
    if not objects:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for kind, ident in objects:
        if kind == "shm":
            libc.shmctl(ident, IPC_RMID, None)
        elif kind == "sem":
            libc.semctl(ident, 0, IPC_RMID)
        elif kind == "msg":
            libc.msgctl(ident, IPC_RMID, None)


def remove_leftovers(uid: int, *, private_temp: Iterable[str] = (), private_ipc: bool = False
                     ) -> list[str]:
    """Delete what a sandbox with its own ``uid`` left in shared places; returns what went.

    ``private_temp`` folders and (``private_ipc``) IPC were private to the
    sandbox's namespaces and are not scanned.
    """
    removed = []
    for path in temp_leftovers(uid, skip=private_temp):
        if os.path.isdir(path) and not os.path.islink(path):
            remove_tree(path)
        else:
            try:
                os.unlink(path)
            except OSError:
                continue
        removed.append(path)
    if not private_ipc:
        objects = ipc_leftovers(uid)
        remove_ipc(objects)
        removed.extend(f"sysv {kind} {ident}" for kind, ident in objects)
    return removed

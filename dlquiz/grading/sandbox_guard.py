"""Child side of the sandbox: isolation steps and the run-time guard (stdlib only).

Loaded by path by ``sandbox_runner.py`` (never imported by dlquiz itself).
What each step contains, and what it does not, is in ``docs/sandbox.md``.

Isolation, in the order the runner applies it:

* :func:`unshare_namespaces` (at start-up): a new network namespace (no
  interfaces but ``lo``) and, as root, new mount and IPC namespaces, so the
  mounts below and every SysV/POSIX IPC object die with the sandbox.
* :func:`private_mounts` (per job, still root): fresh size-limited tmpfs on
  ``/tmp``, ``/var/tmp`` and ``/dev/shm`` (the sandbox's folder is bound back
  at its own path), and an empty read-only tmpfs over each hidden folder: the
  dlquiz package (references, cases), the checkout's ``.git`` and the
  exercise's own folder, so not even a raw ``open`` can read a reference.
* :func:`drop_privileges`: as root, become ``UID_BASE + pid`` / ``nogroup``
  (all capabilities go with uid 0).
* :func:`set_limits`: rlimits, with ``RLIMIT_CPU`` soft < hard so a CPU-bound
  overrun gets ``SIGXCPU`` (reported as a time limit), not ``SIGKILL``.
* :func:`install_guard`: an audit hook (it cannot be removed) refusing the
  import of dlquiz and of forbidden modules, opening, listing or running
  files of a hidden folder or of a forbidden module, starting programs,
  ``ctypes`` and ``gc`` object walks; stand-ins ("poison" modules) in
  ``sys.modules`` for forbidden modules, so every import route finds them
  first; and guarded callables in place of forbidden names in ``builtins``,
  ``numpy``, ``math`` and ``cmath``, plus guarded ``getattr``,
  ``__import__`` and ``importlib.import_module``, so a name spelled in pieces
  is refused when it is *used*.
"""

from __future__ import annotations

import builtins
import ctypes
import os
import resource
import sys
import types
from collections.abc import Iterable
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
#: ``nogroup`` on Debian-like systems.
SANDBOX_GID = 65534
#: Folders replaced by a private tmpfs (root with a mount namespace).
TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")
#: Events the audit hook refuses outright once the learner's code may run.
_REFUSED_EVENTS = frozenset({
    "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile",
    "pty.spawn", "gc.get_objects", "gc.get_referrers", "gc.get_referents",
})
_PATH_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "glob.glob", "os.chdir"})


class ForbiddenName(ImportError):  # noqa: N818 - the learner sees this name
    """A forbidden name, module or file was used at run time (the verdict is ``invalid``).

    An ``ImportError`` so that library code probing an optional module
    (``try: import scipy except ImportError``) keeps working.
    """


ForbiddenName.__module__ = "builtins"  # tracebacks show "ForbiddenName: ..."


class _ForbiddenFinder:
    """First on ``sys.meta_path``: a friendly refusal for a forbidden module whose stand-in
    was removed from ``sys.modules`` (the audit hook does not depend on it)."""

    def __init__(self, refused: Any, problem: Any) -> None:
        self.refused, self.problem = refused, problem

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if self.refused(name):
            raise ForbiddenName(self.problem(name))


class _Poison(types.ModuleType):
    """Stands in ``sys.modules`` for a forbidden module: every import route finds it first."""

    def __getattr__(self, attr: str) -> Any:
        raise ForbiddenName(f"the module `{self.__name__}` is not allowed in this exercise")


def _libc() -> Any:
    return ctypes.CDLL(None, use_errno=True)


def unshare_namespaces() -> dict[str, bool]:
    """New net (+ mount and IPC as root) namespaces; what was obtained, best effort."""
    got = {"net": False, "mount": False, "ipc": False}
    try:
        libc = _libc()
    except OSError:
        return got
    if os.geteuid() == 0:
        for flag, key in ((CLONE_NEWNET, "net"), (CLONE_NEWNS, "mount"), (CLONE_NEWIPC, "ipc")):
            got[key] = libc.unshare(flag) == 0
        if got["mount"] and libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
            got["mount"] = False  # shared propagation: mounting would leak to the host
    else:
        got["net"] = libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0
    return got


def _mount(libc: Any, source: str, target: str, fstype: str | None, flags: int,
           data: str | None) -> bool:
    return bool(libc.mount(source.encode(), target.encode(),
                           fstype.encode() if fstype else None, flags,
                           data.encode() if data else None) == 0)


def private_mounts(workdir: str, hide: Iterable[str], tmp_mb: int) -> list[str]:
    """Private temp folders and hidden folders (needs root in a private mount namespace).

    Returns the folders actually mounted over, so the runner can report them.
    """
    libc = _libc()
    done: list[str] = []
    numpy = sys.modules.get("numpy")
    needed = [os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix,
                                                     getattr(numpy, "__file__", None) or sys.prefix)]
    keep = os.open(workdir, os.O_PATH | os.O_DIRECTORY)
    try:
        for folder in TEMP_DIRS:
            # Python or NumPy may live there (a checkout and its venv in /tmp): those
            # folders are bound back into the fresh tmpfs, the rest is private.
            back = _outermost(p.rstrip(os.sep) for p in needed if p.startswith(folder + os.sep))
            held = [(path, os.open(path, os.O_PATH | os.O_DIRECTORY)) for path in back
                    if os.path.isdir(path)]
            try:
                if os.path.isdir(folder) and _mount(libc, "tmpfs", folder, "tmpfs",
                                                    MS_NOSUID | MS_NODEV,
                                                    f"size={tmp_mb}m,mode=1777"):
                    done.append(folder)
                    for path, fd in held:
                        os.makedirs(path, mode=0o755, exist_ok=True)
                        if not _mount(libc, f"/proc/self/fd/{fd}", path, None,
                                      MS_BIND | MS_REC, None):
                            raise OSError(f"could not keep {path} visible")
            finally:
                for _, fd in held:
                    os.close(fd)
        if not os.path.isdir(workdir):  # it lived in a folder now covered: bind it back
            os.makedirs(workdir, mode=0o700)
            if not _mount(libc, f"/proc/self/fd/{keep}", workdir, None, MS_BIND, None):
                raise OSError("could not keep the sandbox folder visible")
    finally:
        os.close(keep)
    for folder in _outermost(hide):  # a folder inside a hidden one is hidden with it
        if not os.path.isdir(folder) and any(folder.startswith(t + os.sep) for t in done):
            os.makedirs(folder, mode=0o755)  # under a fresh tmpfs: hide it the same way
        if os.path.isdir(folder) and _mount(libc, "tmpfs", folder, "tmpfs",
                                            MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                            "size=4k,mode=000"):
            done.append(folder)
    os.chdir(workdir)
    return done


def _outermost(paths: Iterable[str]) -> list[str]:
    """The paths not inside another one of them (``/a`` covers ``/a/b``)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k + os.sep) for k in kept):
            kept.append(path)
    return kept


def drop_privileges(workdir: str, uid_base: int) -> int:
    """When root, become ``uid_base + pid`` / nogroup; returns the uid in force."""
    if os.geteuid() != 0:
        return os.getuid()
    uid = uid_base + os.getpid()
    os.chown(workdir, uid, SANDBOX_GID)
    os.chmod(workdir, 0o700)
    os.setgroups([])
    os.setresgid(SANDBOX_GID, SANDBOX_GID, SANDBOX_GID)
    os.setresuid(uid, uid, uid)
    if os.geteuid() != uid or os.getuid() != uid:
        raise OSError("could not drop privileges")
    return uid


def _processes_of(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count


def _vm_size_bytes() -> int:
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_limits(cpu_used: float, time_s: float) -> tuple[int, int]:
    """``(soft, hard)`` RLIMIT_CPU seconds: SIGXCPU first, SIGKILL two seconds later."""
    soft = int(cpu_used + time_s) + 1
    return soft, soft + 2


def set_limits(limits: dict[str, Any], dropped_root: bool) -> None:
    """Apply the job's limits (all lowering, so an unprivileged runner can too)."""

    def lower(which: int, soft: int, hard: int | None = None) -> None:
        hard = soft if hard is None else hard
        _, old_hard = resource.getrlimit(which)
        if old_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, old_hard), min(hard, old_hard)
        resource.setrlimit(which, (soft, hard))

    used = resource.getrusage(resource.RUSAGE_SELF)
    lower(resource.RLIMIT_CPU, *cpu_limits(used.ru_utime + used.ru_stime, float(limits["time_s"])))
    lower(resource.RLIMIT_AS, _vm_size_bytes() + int(limits["memory_mb"]) * 1024 * 1024)
    lower(resource.RLIMIT_FSIZE, int(limits.get("file_mb", 16)) * 1024 * 1024)
    lower(resource.RLIMIT_NOFILE, int(limits.get("open_files", 64)))
    lower(resource.RLIMIT_CORE, 0)
    nproc = int(limits.get("processes", 32))
    if not dropped_root:
        nproc += _processes_of(os.getuid())
    lower(resource.RLIMIT_NPROC, nproc)


def _parts(name: str) -> set[str]:
    """Dotted parts of a module name, also without leading underscores (``_heapq``)."""
    parts = {p for p in name.split(".") if p}
    return parts | {p.lstrip("_") for p in parts}


def install_guard(forbidden: Iterable[str], hidden: Iterable[str]) -> None:
    """Arm the audit hook and the guarded names (see the module docstring). Irreversible."""
    names = frozenset(n for n in forbidden if n.isidentifier())
    hidden_dirs = tuple(os.path.realpath(d) for d in hidden)
    realpath, fsdecode, sep = os.path.realpath, os.fsdecode, os.sep

    def is_hidden(path: Any) -> bool:
        """Under a hidden folder, or the source of a forbidden module (``.../heapq.py``)."""
        if isinstance(path, int) or path is None:
            return False
        try:
            full = realpath(fsdecode(path))
        except (TypeError, ValueError, OSError):
            return False
        if any(full == d or full.startswith(d + sep) for d in hidden_dirs):
            return True
        stem, _, suffix = os.path.basename(full).partition(".")
        if stem == "__init__":
            stem = os.path.basename(os.path.dirname(full))
        return suffix.startswith(("py", "cpython")) and bool(names & _parts(stem))

    def refused_module(name: str) -> bool:
        parts = _parts(name)
        return "dlquiz" in parts or bool(names & parts)

    def module_problem(name: str) -> str:
        if "dlquiz" in _parts(name):
            return "solutions may not import dlquiz (write the code yourself)"
        return f"importing `{name}` is not allowed in this exercise"

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "import":
            if args and isinstance(args[0], str) and refused_module(args[0]):
                raise ForbiddenName(module_problem(args[0]))
            if len(args) > 1 and is_hidden(args[1]):
                raise ForbiddenName("dlquiz's own files are hidden from solutions")
        elif event in _PATH_EVENTS:
            if args and is_hidden(args[0]):
                raise ForbiddenName("that file is hidden from solutions (dlquiz's own files "
                                    "and forbidden modules)")
        elif event == "exec":
            filename = getattr(args[0], "co_filename", None) if args else None
            if isinstance(filename, str) and filename.startswith(sep) and is_hidden(filename):
                raise ForbiddenName("running that code is not allowed in this exercise")
        elif event in _REFUSED_EVENTS or event.startswith("ctypes."):
            raise ForbiddenName(f"`{event}` is not allowed in the sandbox")

    for module in [m for m in sys.modules if refused_module(m)] + sorted(names) + ["dlquiz"]:
        sys.modules[module] = _Poison(module)
    sys.meta_path.insert(0, _ForbiddenFinder(refused_module, module_problem))
    sys.addaudithook(hook)

    def refuse(name: str) -> Any:
        def refused(*_args: Any, **_kwargs: Any) -> Any:
            raise ForbiddenName(f"`{name}` is not allowed in this exercise: "
                                "the point is to write it yourself")
        refused.__name__ = refused.__qualname__ = name
        return refused

    # not ``operator``: NumPy calls ``operator.index`` at run time, and "index" is forbidden
    # in the binary-search exercises
    namespaces = [builtins, *(sys.modules[m] for m in ("numpy", "math", "cmath")
                              if m in sys.modules and not isinstance(sys.modules[m], _Poison))]
    for space in namespaces:
        for name in names:
            if callable(space.__dict__.get(name)):
                setattr(space, name, refuse(name))
    plain_getattr, plain_import = builtins.getattr, builtins.__import__

    def getattr(obj: Any, name: str, *default: Any) -> Any:  # noqa: A001 - replaces the builtin
        if name in names:
            raise ForbiddenName(f"looking up `{name}` is not allowed in this exercise")
        return plain_getattr(obj, name, *default)

    def guarded_import(name: str, globals: Any = None, locals: Any = None,  # noqa: A002
                       fromlist: Any = (), level: int = 0) -> Any:
        learner = not isinstance(globals, dict) or globals.get("__name__") in ("solution", None)
        if level == 0 and learner and refused_module(name):
            raise ForbiddenName(module_problem(name))
        if level == 0 and learner and names & set(fromlist or ()):
            raise ForbiddenName(f"importing `{min(names & set(fromlist))}` is not allowed in "
                                "this exercise")
        return plain_import(name, globals, locals, fromlist, level)

    def import_module(name: str, package: str | None = None) -> Any:
        if refused_module(name):
            raise ForbiddenName(module_problem(name))
        return plain_import_module(name, package)

    import importlib

    plain_import_module = importlib.import_module
    builtins.getattr = getattr
    builtins.__import__ = guarded_import
    importlib.import_module = import_module

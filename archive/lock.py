"""One lock per archive database, shared by `xxgk crawl` and `xxgk schedule`.

The lock is an exclusive `flock` on `<db>.lock` (e.g. `data/archive.sqlite.lock`), so a crawl
started by system cron, a crawl started by hand and the scheduler's job never write the same
archive at once. The kernel drops the lock when its holder exits, even on SIGKILL: a stale lock
file never blocks anything. While held, the file says who holds it (pid, command, UTC start),
for the refusal message; it is emptied on release and never deleted (deleting a flock file races
with the next locker).

A holder passes its lock to the processes it starts (the scheduler to its crawls, `xxgk crawl
--channel all` to its per-channel crawls) by handing down the locked file descriptor
(`subprocess_kwargs()`: `pass_fds` plus `XXGK_LOCK_FD`). The child then shares the parent's
lock instead of being refused by it. The same works from a shell:

    ( flock -n 9 || exit 75; XXGK_LOCK_FD=9 xxgk crawl ... ) 9>>data/archive.sqlite.lock
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from .times import local_text, utcnow

ENV_FD = "XXGK_LOCK_FD"


def lock_path(db: str | os.PathLike[str]) -> Path:
    """The lock file of an archive database: `<db>.lock` next to it."""
    return Path(os.path.realpath(os.fspath(db)) + ".lock")


def _now() -> str:
    return utcnow().isoformat(timespec="seconds").replace("+00:00", "Z")


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_holder(db: str | os.PathLike[str]) -> dict[str, Any] | None:
    """What the lock file says about its holder (None when empty or unreadable)."""
    try:
        text = lock_path(db).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def probe(db: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The holder if the lock looks held (its file names a live pid), without touching the lock.

    Never takes the lock, even for a moment, so `xxgk status` cannot make a starting crawl fail.
    """
    holder = read_holder(db)
    if holder and isinstance(holder.get("pid"), int) and pid_alive(holder["pid"]):
        return holder
    return None


def describe(holder: dict[str, Any] | None) -> str:
    """"locked by pid 123 (xxgk schedule) since 2025-03-31T18:30:00Z (2025-04-01 02:30 Asia/Shanghai)"."""
    if not holder or not holder.get("pid"):
        return "locked by another process (holder unknown)"
    text = f"locked by pid {holder['pid']}"
    if holder.get("command"):
        text += f" ({holder['command']})"
    since = holder.get("since")
    if since:
        text += f" since {since}"
        local = local_text(since, seconds=True)
        if local:
            text += f" ({local} Asia/Shanghai)"
    if holder.get("host") and holder["host"] != socket.gethostname():
        text += f" on {holder['host']}"
    return text


class LockHeld(Exception):
    """The archive's lock is held by another process."""

    def __init__(self, db: str | os.PathLike[str], holder: dict[str, Any] | None):
        self.db, self.holder = os.fspath(db), holder
        self.pid = (holder or {}).get("pid")
        self.since = (holder or {}).get("since")
        super().__init__(f"the archive {self.db} is {describe(holder)}")


class ArchiveLock:
    """Exclusive, non-blocking lock of one archive database (a context manager)."""

    def __init__(self, db: str | os.PathLike[str], command: str = ""):
        self.db = os.fspath(db)
        self.path = lock_path(db)
        self.command = command or " ".join(Path(sys.argv[0]).name.split()[:1] + sys.argv[1:3])
        self.fd: int | None = None
        self.inherited = False

    # ------------------------------------------------------------ acquire / release

    def acquire(self) -> ArchiveLock:
        """Take the lock now or raise `LockHeld` (never waits)."""
        if self.fd is not None:
            return self
        if self._adopt_inherited():
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise LockHeld(self.db, read_holder(self.db)) from None
            raise
        self.fd = fd
        self._write_holder()
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        try:
            if not self.inherited:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            # An inherited descriptor shares its open file with the parent: closing our copy
            # leaves the parent's lock in place.
            os.close(fd)

    @property
    def held(self) -> bool:
        return self.fd is not None

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:  # the process keeps no lock it forgot
        try:
            self.release()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    # ------------------------------------------------------------ handing the lock to children

    def subprocess_kwargs(self, env: dict[str, str] | None = None) -> dict[str, Any]:
        """`subprocess` arguments that let a child share this lock (`pass_fds` and `XXGK_LOCK_FD`)."""
        env = dict(os.environ if env is None else env)
        if self.fd is None:
            env.pop(ENV_FD, None)
            return {"env": env}
        env[ENV_FD] = str(self.fd)
        return {"env": env, "pass_fds": (self.fd,)}

    def _adopt_inherited(self) -> bool:
        """Share the lock a parent handed down through XXGK_LOCK_FD, if it is this lock file."""
        raw = os.environ.get(ENV_FD, "")
        if not raw.isdigit():
            return False
        fd = int(raw)
        try:
            st, mine = os.fstat(fd), os.stat(self.path)
        except OSError:
            return False
        if (st.st_dev, st.st_ino) != (mine.st_dev, mine.st_ino):
            return False  # a stale variable, or the fd number now names another file
        # flock on a descriptor that shares the parent's open file succeeds when that open file
        # holds the lock (or nobody does); it fails when someone else holds it.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        self.fd, self.inherited = os.dup(fd), True
        if probe(self.db) is None:  # e.g. flock(1) held it for us and wrote nothing
            self._write_holder()
        return True

    def _write_holder(self) -> None:
        assert self.fd is not None
        info = {"pid": os.getpid(), "command": self.command, "since": _now(), "host": socket.gethostname(),
                "db": os.path.abspath(self.db)}
        data = json.dumps(info, ensure_ascii=False).encode()
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data + b"\n", 0)

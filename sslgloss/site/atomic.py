"""Build the site into a temporary folder and swap it into place only when the build succeeds.

A failed build (a broken term plugin, a warning under ``--strict``) then
leaves the previously built site exactly as it was. The temporary folder is a
sibling of ``site_dir`` so the swap is a rename on one filesystem. On Linux the
two folders are exchanged in one atomic ``renameat2(RENAME_EXCHANGE)``; where
that is not available the old folder is renamed aside first and deleted after.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
import time
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: str, b: str) -> bool:
    """Atomically exchange two paths; False if the platform cannot."""
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


class StagedSiteDir:
    """A temporary build folder next to ``target`` that replaces it on :meth:`commit`.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "site").mkdir(); _ = (root / "site" / "old.html").write_text("old")
    >>> stage = StagedSiteDir(str(root / "site"))
    >>> _ = (pathlib.Path(stage.path) / "new.html").write_text("new")
    >>> stage.commit(); sorted(p.name for p in (root / "site").iterdir())
    ['new.html']
    >>> sorted(p.name for p in root.iterdir())
    ['site']
    """

    def __init__(self, target: str):
        self.target = os.path.abspath(target)
        parent = os.path.dirname(self.target)
        os.makedirs(parent, exist_ok=True)
        # the builder's process id is in the name, so a later build can tell a dead build's folder
        # from one that another build is still writing (see leftovers)
        self.path = tempfile.mkdtemp(prefix=f".{os.path.basename(self.target)}.building-{os.getpid()}-", dir=parent)
        self.done = False

    def commit(self) -> None:
        """Put the new site in place of the old one."""
        if self.done:
            return
        self.done = True
        os.chmod(self.path, 0o755)  # mkdtemp makes it private; a site folder is served to others
        if not os.path.exists(self.target):
            os.rename(self.path, self.target)
            return
        if os.path.isdir(self.target) and not os.path.islink(self.target) and _exchange(self.path, self.target):
            shutil.rmtree(self.path, ignore_errors=True)  # now holds the old site
            return
        aside = tempfile.mkdtemp(prefix=f".{os.path.basename(self.target)}.old-", dir=os.path.dirname(self.target))
        os.rmdir(aside)
        os.rename(self.target, aside)
        os.rename(self.path, self.target)
        shutil.rmtree(aside, ignore_errors=True)

    def discard(self) -> None:
        """Throw the new build away; the old site is untouched."""
        if self.done:
            return
        self.done = True
        shutil.rmtree(self.path, ignore_errors=True)

    @staticmethod
    def leftovers(target: str, older_than: float = 3600.0) -> list[Path]:
        """Staging folders a killed build left behind.

        A folder is left over when the process that made it (its id is in the name) no longer runs on
        this machine, or when nothing touched it for ``older_than`` seconds (folders without an id, or
        made on another machine sharing the disk). A build still running elsewhere is never one.
        """
        target_path = Path(os.path.abspath(target))
        found = sorted(target_path.parent.glob(f".{target_path.name}.building-*")) + \
            sorted(target_path.parent.glob(f".{target_path.name}.old-*"))
        now = time.time()
        old = []
        for path in found:
            try:
                if _builder_gone(path.name) or now - path.stat().st_mtime > older_than:
                    old.append(path)
            except OSError:
                pass
        return old


def _builder_gone(name: str) -> bool:
    """True when ``name`` (``.site.building-<pid>-xxxx``) names a process that has ended."""
    _, _, rest = name.partition(".building-")
    pid = rest.split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user: alive
        return False
    return False

"""Which files of a directory search git ignores, answered by git itself.

ruff's users expect a search to leave out what the repository ignores (build output, generated
reports, corpora). Reading ``.gitignore`` files here was tried and a review found it skipping
files git keeps (``a/**`` with a later ``!``, tracked files, submodules, BOMs, lone ``\\r``, ...): a
file skipped in silence is a CI gate passing over it. So git answers (``git check-ignore``): its
rules as git reads them, ``.git/info/exclude`` and the global excludes file included, a tracked
file never ignored, each repository (a submodule, a nested one) by its own rules. Where git is
missing, fails or takes too long, nothing is left out: a file checked needlessly is the safe side.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# git answers for a whole search in one call per repository; past this it is given up (nothing left out)
GIT_SECONDS = 60


def ignored(files: Iterable[Path], top: Path, repositories: Iterable[Path]) -> set[Path]:
    """The ``files`` (found by a search of ``top``) that git ignores.

    ``repositories``: folders below ``top`` holding a ``.git`` (submodules, nested repositories): their
    files are asked of them. A folder named on the command line that git ignores (``sdelint check
    build/``) is searched all the same: its files are not left out.
    """
    git = _git_executable()
    if git is None:
        return set()
    roots = sorted({Path(os.path.abspath(root)) for root in repositories}, key=lambda root: len(root.parts), reverse=True)
    named = Path(os.path.abspath(top))
    outer = _repository_of(named)
    groups: dict[Path, list[Path]] = {}
    for file in files:
        absolute = Path(os.path.abspath(file))
        root = next((root for root in roots if absolute.is_relative_to(root)), outer)
        if root is not None:
            groups.setdefault(root, []).append(file)
    left_out: set[Path] = set()
    for root, members in groups.items():
        folder = named if named.is_relative_to(root) else root  # the folder searched, or a repository inside it
        # a repository below the one the search is in is asked as itself: not through the index or git folder a
        # hook's environment names (git commit -a runs pre-commit with GIT_INDEX_FILE set to the outer one's)
        environment = None if root == outer else {key: value for key, value in os.environ.items() if key not in _REPOSITORY_VARIABLES}
        if folder != root and _asked(git, root, [folder], environment, directories=True):
            continue  # the folder named is ignored itself: searched as named
        left_out.update(_asked(git, root, members, environment))
    return left_out


# What points git at a repository other than the one -C names (git rev-parse --local-env-vars)
_REPOSITORY_VARIABLES = frozenset({
    "GIT_DIR", "GIT_WORK_TREE", "GIT_IMPLICIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PREFIX", "GIT_NAMESPACE", "GIT_SHALLOW_FILE", "GIT_GRAFT_FILE",
})


def _git_executable() -> str | None:
    """git from PATH. On Windows not from the working folder, which shutil.which searches first there: a
    repository being checked could hold a git.exe of its own."""
    if sys.platform != "win32":
        return shutil.which("git")
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(folder, "git.exe")
        if os.path.isabs(folder) and os.path.isfile(candidate):
            return candidate
    return None


def _repository_of(folder: Path) -> Path | None:
    """The top folder of the repository ``folder`` is in (the nearest holding ``.git``), or None."""
    return next((candidate for candidate in (folder, *folder.parents) if os.path.lexists(candidate / ".git")), None)


def _asked(git: str, root: Path, paths: list[Path], environment: dict[str, str] | None, directories: bool = False) -> set[Path]:
    """The ``paths`` (in the repository at ``root``) git says are ignored; none when git cannot say.

    Each path is written ``./path``: git reads a line as a pathspec, where a leading ``:`` is magic (``:x.json``
    was judged as ``x.json``, and ``:!x`` made git refuse every line).
    """
    relative = [os.fsencode("./" + Path(os.path.abspath(path)).relative_to(root).as_posix() + ("/" if directories else "")) for path in paths]
    try:
        done = subprocess.run(
            [git, "-C", str(root), "check-ignore", "--stdin", "-z"], input=b"\0".join(relative) + b"\0",
            capture_output=True, timeout=GIT_SECONDS, check=False, env=environment,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if done.returncode not in (0, 1):  # 1: none ignored; 128: not a repository, a path in a submodule, ...
        return set()
    answered = {os.fsdecode(name).rstrip("/") for name in done.stdout.split(b"\0") if name}
    return {path for path, name in zip(paths, relative, strict=True) if os.fsdecode(name).rstrip("/") in answered}

"""A reader that stops reading (``sdelint check ... | head -1``) does not change what a run does or how it exits.

sdelint knows a run's outcome before it writes the report: every input is checked first, and the
exit status follows from the findings, not from the writing. A closed pipe used to end the run with
status 1 whatever that outcome was: ``--exit-zero``, a clean run and an internal error (2) all
came out as "findings" under ``set -o pipefail``. Now the output that cannot be delivered is
dropped (its descriptor is pointed at ``/dev/null``, so the final flush raises nothing either) and
the run ends with its own status, as if the reader had read everything. The commands that only
print (``rules``, ``explain``, ``schema``) exit 0 the same way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterator
from functools import partial
from typing import IO, Any, NoReturn

import click

# A process killed by SIGPIPE, as a shell reports it (git's status for `git log | head`): a write to a
# closed pipe sdelint did not expect, where the run's outcome may not be known; never a pass, never "findings"
SIGPIPE_STATUS = 141


def reader_gone(stream: IO[str] | None) -> None:
    """Point ``stream``'s descriptor at /dev/null: what it still buffers, and any later write, goes nowhere quietly."""
    if stream is None:  # closed from the start (`>&-`)
        return
    with contextlib.suppress(OSError, ValueError):  # no descriptor: CliRunner's streams
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)


def is_closed_pipe(error: OSError, writing_stdio: bool = True) -> bool:
    """Whether ``error`` is a write into a pipe whose reader has gone: EPIPE, or on Windows often EINVAL
    (python/cpython#79935: ``| Select-Object -First 1`` closes the pipe so), but only from a write to standard
    output or error (``writing_stdio``): a file name Windows refuses (``-o 'rep?.json'``) is EINVAL too."""
    return isinstance(error, BrokenPipeError) or (writing_stdio and sys.platform == "win32" and error.errno == errno.EINVAL)


@contextlib.contextmanager
def reader_may_leave(stream: IO[str] | None) -> Iterator[None]:
    """Write to ``stream`` in this block; if its reader has gone, the rest is dropped and the run goes on."""
    try:
        yield
    except OSError as exc:
        if not is_closed_pipe(exc, writing_stdio=stream is not None):
            raise
        reader_gone(stream)


# the line break before each item of a listing ("invalid configuration:" and its errors): the only one a message may hold
LISTED = "\n  "


def shown(message: str) -> str:
    """``message`` with the control characters a file or folder name brought in escaped, as the reports show them
    (``\\n``, ``\\x1b``, ``\\u202e``): a name holding a line break wrote a line of its own on stderr, which a CI
    runner reads as a command (``::error ...`` in GitHub Actions), and an ``ESC[`` sequence reached the terminal.
    Only a listing's own breaks (``LISTED``) stay."""
    from .report.common import escape_controls

    return LISTED.join(map(escape_controls, message.split(LISTED)))


# What sdelint says on stderr, one label each (as argparse, mypy and gcc label theirs): an error ends the run with
# exit 2, a warning is something likely wrong that the run went on with, a note tells what was done or left unused.
# A label always follows "sdelint: ", so a folder named "error" cannot make a note read as an error.
ERROR, WARNING, NOTE = "error", "warning", "note"


def labelled(kind: str, message: str) -> str:
    """``sdelint: KIND: message``, the one form of every line sdelint writes on stderr (click's usage block aside)."""
    return f"sdelint: {kind}: {message}"


def tell(kind: str, message: str) -> None:
    """One labelled line on stderr (``2>&1 | head`` may have closed it: the run goes on).

    Written to ``sys.stderr`` itself, in its encoding with backslash escapes (``\\xfc``), as the report is on stdout:
    click's ``err=True`` writes UTF-8 to a stream whose encoding is ASCII (``PYTHONIOENCODING=ascii``), and a file
    name then read one way in the report and another in the note about it."""
    if sys.stderr is None:  # an embedding program's choice: nothing to write to
        return
    with reader_may_leave(sys.stderr):
        click.echo(shown(labelled(kind, message)), file=sys.stderr)


_HELP_AS_ERROR = getattr(click.exceptions, "NoArgsIsHelpError", ())  # click 8.2 on


def usage_error_shown(error: click.ClickException) -> NoReturn:
    """Show click's usage error (``Usage: ...``, ``Error: ...``) as ``tell`` writes, then end with its status (2).

    Its control characters escaped (a path's), and in stderr's own encoding: click's ``show`` writes UTF-8 where it is ASCII."""
    if not isinstance(error, _HELP_AS_ERROR):  # plain `sdelint`: its message is the help, line breaks and all
        error.message = shown(error.message)  # type: ignore[misc]  # Final in click's stubs; set once, before it is shown
    if sys.stderr is None:
        raise error
    with reader_may_leave(sys.stderr):  # `2>&1 | true`: the message is dropped, the status is still 2
        error.show(file=sys.stderr)
    raise click.exceptions.Exit(error.exit_code)


def emit(text: str) -> None:
    """One line of a printing command's output on stdout (``| head`` may have closed it: the command still succeeds).

    Closed from the start (``>&-``), it is an error (exit 2), as for ``check``'s report: the output was lost and the
    command exited 0."""
    if sys.stdout is None:  # Python has no stream for a closed descriptor; click.echo wrote nothing, in silence
        raise OSError(errno.EBADF, "cannot write the output: standard output is closed")
    with reader_may_leave(sys.stdout):
        click.echo(text)


def stderr_kept_open() -> None:
    """``2>&-``: Python then has no ``sys.stderr``, and click wrote a usage error to standard *output* instead, into the
    report a pipe or ``> report.json`` reads (``Usage: ... Error: path does not exist``, exit 2). Descriptor 2 is pointed at
    /dev/null: what sdelint says there is dropped, as the shell asked, and the descriptor is not handed to the next file
    sdelint opens (a report's temporary file), where a worker process would inherit it as its standard error."""
    if sys.stderr is not None:
        return
    try:
        os.fstat(2)
    except OSError:  # closed: open /dev/null there (the lowest free descriptor, 2 unless 0 or 1 are closed too)
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != 2:
                os.dup2(devnull, 2)
                os.close(devnull)
    else:
        return  # open, yet no stream (an embedding program's choice): left alone
    with contextlib.suppress(OSError, ValueError):
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115 - for the whole run


def printing_only(make_context: Callable[[], click.Context]) -> click.Context:
    """``make_context()``, in which click prints --help and --version: into a closed pipe, they exit 0 all the same
    (click's own handler says 1, the status of findings)."""
    try:
        return make_context()
    except OSError as exc:
        if not is_closed_pipe(exc):
            raise
        reader_gone(sys.stdout)
        raise click.exceptions.Exit(0) from None


class HelpCommand(click.Command):
    """A command whose --help, printed into a closed pipe (``sdelint check --help | head -1``), still exits 0."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        return printing_only(partial(super().make_context, info_name, args, parent, **extra))

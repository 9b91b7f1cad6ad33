"""The ``sdelint`` command (and ``python -m validator``).

Ctrl-C while sdelint's modules load (the first tenth of a second or so) ends the run as it
does later, with "sdelint: error: interrupted" and status 130, not a traceback from inside an import.
Nothing has been written by then.
"""

from __future__ import annotations

import os
import signal

TYPE_CHECKING = False  # not typing's, nor a types import: this module is what the command loads first
if TYPE_CHECKING:
    from types import FrameType


def _interrupted_while_loading(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"sdelint: error: interrupted\n")
    os._exit(130)


def main() -> None:
    quiet = signal.getsignal(signal.SIGINT) is signal.default_int_handler  # not when Ctrl-C is ignored (`cmd &`)
    if quiet:
        signal.signal(signal.SIGINT, _interrupted_while_loading)
    from .cli import run

    if quiet:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    run()


if __name__ == "__main__":
    main()

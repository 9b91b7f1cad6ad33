"""One interface for every output format."""

from __future__ import annotations

from typing import IO, ClassVar

from ..result import BaselineOutcome, FileResult
from ..rules.catalogue import RuleSpec, load_catalogue


class Reporter:
    """Writes the whole report for a run to ``stream``."""

    name: ClassVar[str]
    machine_readable: ClassVar[bool] = True
    # How the format writes a non-ASCII character when standard output is not UTF-8 ("json", "html": see
    # ascii_out); None: as the stream's encoding does (text and github, for people, and junit, always ASCII)
    escape: ClassVar[str | None] = None
    needs_context: ClassVar[bool] = False  # True: the run records each finding's SDE type and day (FileResult.context)

    def __init__(
        self, quiet: bool = False, statistics: bool = False, verbose: bool = False, rules: dict[str, RuleSpec] | None = None, color: bool = False
    ) -> None:
        self.quiet = quiet
        self.statistics = statistics
        self.verbose = verbose
        self.rules = rules if rules is not None else load_catalogue()  # summaries for formats that list rules
        self.baseline: BaselineOutcome | None = None  # set when --baseline hid known findings
        self.color = color  # ANSI colours; only human-readable formats use them
        self.stdin_names: frozenset[str] = frozenset()  # inputs read from stdin: their names are not files to re-read

    def write(self, results: list[FileResult], stream: IO[str]) -> None:
        raise NotImplementedError

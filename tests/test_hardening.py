"""Faults around the run: full pipes, odd paths, odd outputs, a damaged or foreign cache (issue 11)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, sdelint_command
from validator.atomic import open_atomically, write_atomically
from validator.cache import read_trusted, write_cache
from validator.validate.compiled import CompiledValidators


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_help_and_version_into_a_full_device_are_one_line(option, tmp_path):
    with open("/dev/full", "w") as full:
        done = subprocess.run([*sdelint_command(), option], stdout=full, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 2
    assert done.stderr.decode().strip() == "sdelint: error: cannot write output: No space left on device"


def test_output_under_a_file_is_one_line(run_sdelint, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = run_sdelint("check", EXAMPLE, "-o", blocker / "report.txt")
    assert done.returncode == 2
    assert done.stderr.decode().strip() == f"sdelint: error: {blocker / 'report.txt'}: Not a directory"


def test_a_path_longer_than_the_system_allows_is_a_read_error_and_the_run_goes_on(run_sdelint, tmp_path):
    long = tmp_path / ("a" * 300 + ".json")
    done = run_sdelint("check", "--format", "json", long, EXAMPLE)
    report = json.loads(done.stdout)
    assert [f["file"] for f in report["files"]] == [str(long), str(EXAMPLE)]
    assert [f["rule"] for f in report["findings"] if f["file"] == str(long)] == ["read-error"]
    assert b"Traceback" not in done.stderr and done.returncode == 1


def test_a_broken_symlink_in_a_directory_is_a_read_error(run_sdelint, tmp_path):
    (tmp_path / "gone.json").symlink_to(tmp_path / "nowhere.json")
    done = run_sdelint("check", "--format", "json", tmp_path)
    assert [(f["file"], f["rule"]) for f in json.loads(done.stdout)["findings"]] == [(str(tmp_path / "gone.json"), "read-error")]


def test_a_baseline_nested_100k_deep_is_a_usage_error(run_sdelint, tmp_path):
    baseline = tmp_path / "deep.json"
    baseline.write_text('{"sdelint_baseline": 1, "findings": ' + "[" * 100_000 + "]" * 100_000 + "}")
    done = run_sdelint("check", "--baseline", baseline, EXAMPLE)
    assert done.returncode == 2
    assert "cannot use baseline" in done.stderr.decode() and b"Traceback" not in done.stderr


def _streamed(path, text):
    with open_atomically(path) as stream:
        stream.write(text)


# a whole text at once (baselines), or streamed as a reporter writes it (-o)
WRITERS = pytest.mark.parametrize("write", [write_atomically, _streamed], ids=["whole", "streamed"])


@WRITERS
def test_reports_are_written_through_symlinks_and_keep_the_mode(tmp_path, write):
    target = tmp_path / "real.txt"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@WRITERS
def test_a_new_report_gets_the_umask_mode(tmp_path, write):
    old = os.umask(0o022)
    try:
        write(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


@WRITERS
def test_reports_to_a_fifo_are_written_directly(tmp_path, write):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen([sys.executable, "-c", f"print(open({str(fifo)!r}).read(), end='')"], stdout=subprocess.PIPE)
    write(fifo, "through the pipe")
    assert reader.communicate(timeout=30)[0] == b"through the pipe"
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_streamed_report_appears_whole_or_not_at_all(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), open_atomically(target) as stream:
        stream.write("half of a report")
        raise RuntimeError("the reporter failed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind
    _streamed(target, "new \udc80 key\r\n")  # a lone surrogate (from a key) is escaped; newlines are kept as written
    assert target.read_bytes() == b"new \\udc80 key\r\n"


def test_the_cache_folder_is_private_and_foreign_entries_are_never_read(tmp_path):
    folder = tmp_path / "cache"
    entry = folder / "entry.bin"
    write_cache(entry, b"code")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert read_trusted(entry) == b"code"
    folder.chmod(0o777)
    assert read_trusted(entry) is None  # anyone could have replaced it
    folder.chmod(0o700)
    entry.chmod(0o666)
    assert read_trusted(entry) is None


def test_a_cache_file_of_the_wrong_shape_is_recompiled(tmp_path):
    validators = CompiledValidators(cache_dir=tmp_path / "c")
    first = validators.get("v2", "lead")
    assert list((tmp_path / "c").iterdir()), "the compiled validator was cached"
    for path in (tmp_path / "c").iterdir():
        path.write_bytes(b"not marshal data")
    again = CompiledValidators(cache_dir=tmp_path / "c").get("v2", "lead")
    assert again.__name__ == first.__name__
    assert all(path.read_bytes() != b"not marshal data" for path in (tmp_path / "c").iterdir())


def test_a_damaged_catalogue_cache_is_recomputed(run_sdelint, tmp_path):
    cache = tmp_path / "cache"
    done = run_sdelint("rules")
    assert done.returncode == 0
    env = {**os.environ, "SDELINT_CACHE_DIR": str(cache)}
    subprocess.run([*sdelint_command(), "rules"], env=env, capture_output=True, timeout=60, check=True)
    assert list(cache.glob("catalogue-*.json")), "the catalogue was cached"
    for path in cache.glob("catalogue-*.json"):
        path.write_text('{"rules": {"x": 1}}')
    again = subprocess.run([*sdelint_command(), "rules"], env=env, capture_output=True, timeout=60)
    assert again.returncode == 0 and again.stdout == done.stdout


def test_output_to_dev_stdout_into_a_pipe_writes_the_report(tmp_path):
    """-o /dev/stdout links to /proc/self/fd/1, a pipe here: written directly, never replaced or renamed over."""
    if not os.path.islink("/dev/stdout"):
        pytest.skip("/dev/stdout is not a link on this system")
    done = subprocess.run([*sdelint_command(), "check", "--format", "json", "-o", "/dev/stdout", str(EXAMPLE)], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]["files"] == 1


def test_output_to_dev_stdout_appends_to_the_file_a_shell_redirected_it_to(tmp_path):
    """`sdelint check -o /dev/stdout >> log`: the report is appended; it used to be renamed over the log, losing it."""
    log = tmp_path / "ci.log"
    log.write_text("before\n")
    with open(log, "a") as stdout:
        done = subprocess.run([sys.executable, "-c", "from validator.cli import run; run()", "check", "--format", "json-lines",
                               "--select", "cart-arithmetic", "-o", "/dev/stdout", str(EXAMPLE)], stdout=stdout, stderr=subprocess.PIPE,
                              timeout=120, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 0, done.stderr
    lines = log.read_text().splitlines()
    assert lines[0] == "before" and [json.loads(line)["rule"] for line in lines[1:]] == ["cart-arithmetic", "cart-arithmetic"]


def test_open_atomically_writes_to_an_open_descriptor_named_by_its_path(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("kept\n")
    fd = os.open(target, os.O_WRONLY | os.O_APPEND)
    try:
        with open_atomically(Path(f"/dev/fd/{fd}")) as stream:
            stream.write("report\n")
    finally:
        os.close(fd)
    assert target.read_text() == "kept\nreport\n"


@pytest.mark.parametrize("name", ["/dev/fd/²", "/dev/fd/99999999999999999999", "/dev/fd/987654"])
def test_a_descriptor_path_that_names_no_open_descriptor_is_an_oserror_naming_it(name):
    """`-o /dev/fd/²` was a ValueError and `-o /dev/fd/<huge>` an OverflowError ('internal error'); one not
    open fell through to a temporary file under /proc/PID/fd, and the error named that file, not the path."""
    with pytest.raises(OSError) as raised, open_atomically(Path(name)) as stream:
        stream.write("report\n")
    assert raised.value.filename == name

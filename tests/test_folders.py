"""Directory searches: the folders they do not enter change which folders are listed, never which files are found."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from validator.cli import main
from validator.folders import search
from validator.globs import selected_file
from validator.inputs import DEFAULT_INCLUDE

EXCLUDES = ["vendor", "vendor/", "/a", "a/", "a/**", "**/b", "b/*", "a/**/c", "*.json", "[ab]", "?", "*", "**/", "!a/keep.json",
            "!vendor/", "c/z.json", "x.json"]
PAIRED = ["vendor", "b/*", "a/**/c", "*.json", "**/", "!a/keep.json"]  # names, a line pathspec ends with $, takers-back


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """Folders a, b, c, vendor and x.json nested three deep, each holding keep.json, z.json and n.txt."""
    top = tmp_path_factory.mktemp("tree")
    names = ["a", "b", "c", "vendor", "x.json"]
    for depth in range(4):
        for parts in itertools.product(names, repeat=depth):
            folder = top.joinpath(*parts)
            folder.mkdir(parents=True, exist_ok=True)
            for name in ("keep.json", "z.json", "n.txt"):
                (folder / name).write_text("{}", encoding="utf-8")
    return top


def _every_file_filtered(top: Path, include: tuple[str, ...], exclude: tuple[str, ...]) -> list[Path]:
    """What a search finds, the slow way: every file of the tree, then the patterns."""
    files = []
    for folder, _, names in os.walk(top):
        for name in names:
            path = Path(folder, name)
            if selected_file(path.relative_to(top).as_posix(), include, exclude):
                files.append(path)
    return sorted(files)


@pytest.mark.parametrize("exclude", [(), *[(p,) for p in EXCLUDES], *itertools.combinations(PAIRED, 2)], ids=str)
def test_folders_left_unlisted_change_no_file_found(tree, exclude):
    """--exclude filtered the files of a full walk (100,000 files under an excluded folder: 4.5 s); the folders it drops
    whole are now not entered, and the files found are the same, `!` lines (which may take a file back) included."""
    for include in (DEFAULT_INCLUDE, ("*.txt", "keep.json"), ("b/",)):
        assert [found.path for found in search(tree, include, exclude)] == _every_file_filtered(tree, include, exclude)


def test_folders_excluded_or_skipped_by_default_are_not_listed(tmp_path, monkeypatch):
    listed: list[str] = []
    scandir = os.scandir

    def recorded(path="."):
        listed.append(Path(path).relative_to(tmp_path).as_posix())
        return scandir(path)

    for name in ("a/keep.json", "vendor/lib/x.json", "a/node_modules/pkg/package.json", ".git/objects/x.json", "a/b/legacy/y.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}", encoding="utf-8")
    monkeypatch.setattr(os, "scandir", recorded)
    found = search(tmp_path, DEFAULT_INCLUDE, ("vendor", "legacy/"))
    assert [item.relative for item in found] == ["a/keep.json"]
    assert sorted(listed) == [".", "a", "a/b"]
    listed.clear()
    assert [item.relative for item in search(tmp_path / "a" / "node_modules", DEFAULT_INCLUDE, ())] == ["pkg/package.json"]
    assert sorted(listed) == ["a/node_modules", "a/node_modules/pkg"]  # a folder named is searched whatever its name


def test_a_prefix_listing_leaves_out_the_folders_a_search_does_not_enter():
    """A prefix is searched like a directory: file:///repo/ must not check what `sdelint check /repo` leaves out."""
    fsspec = pytest.importorskip("fsspec")
    from validator.inputs import ListRequest, list_url

    store = fsspec.filesystem("memory")
    for name in ("a.json", "node_modules/pkg/package.json", "x/.git/y.json", "x/b.json"):
        store.pipe(f"/prefix-listing/{name}", b"{}")
    try:
        listing = list_url(ListRequest("memory://prefix-listing/", DEFAULT_INCLUDE, ()))
        assert [url for url, _ in listing.files] == ["memory://prefix-listing/a.json", "memory://prefix-listing/x/b.json"]
        named = list_url(ListRequest("memory://prefix-listing/node_modules/", DEFAULT_INCLUDE, ()))
        assert [url for url, _ in named.files] == ["memory://prefix-listing/node_modules/pkg/package.json"]
    finally:
        store.rm("/prefix-listing", recursive=True)


def test_sdelints_own_configuration_files_are_not_searched_as_payloads(tmp_path, monkeypatch):
    """The README's CI advice, --include '*.{json,jsonl,ndjson,yaml,yml}', made a search check a fixtures folder's
    .sdelint.yaml as a payload (unrecognized-document, an error): the gate failed on its own configuration."""
    from click.testing import CliRunner

    from tests.conftest import EXAMPLE
    from validator.cli import main

    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "capture.json").write_bytes(EXAMPLE.read_bytes())
    (fixtures / ".sdelint.yaml").write_text("rules: {timestamp-order: info}\n", encoding="utf-8")
    (fixtures / ".sdelint.yml").write_text("min-severity: info\n", encoding="utf-8")
    (fixtures / "sdelint.yaml").write_text("not: a payload\n", encoding="utf-8")  # not the configuration's name: searched
    found = [item.relative for item in search(fixtures, ("*.json", "*.yaml", "*.yml"), ())]
    assert found == ["capture.json", "sdelint.yaml"]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "--include", "*.{json,jsonl,ndjson,yaml,yml}", "fixtures"])
    files = [entry["file"] for entry in __import__("json").loads(result.stdout)["files"]]
    assert files == ["fixtures/capture.json", "fixtures/sdelint.yaml"]
    named = CliRunner().invoke(main, ["check", "fixtures/.sdelint.yaml"])  # named, it is checked, as a named folder is searched
    assert named.exit_code == 1 and "unrecognized-document" in named.stdout
    fsspec = pytest.importorskip("fsspec")
    from validator.inputs import ListRequest, list_url

    store = fsspec.filesystem("memory")
    for name in ("a.yaml", "x/.sdelint.yaml", ".sdelint.yml"):
        store.pipe(f"/own-configuration/{name}", b"{}")
    try:
        listing = list_url(ListRequest("memory://own-configuration/", ("*.yaml", "*.yml"), ()))
        assert [url for url, _ in listing.files] == ["memory://own-configuration/a.yaml"]
    finally:
        store.rm("/own-configuration", recursive=True)


# -- what git ignores, asked of git -------------------------------------------------------------------------------

GITIGNORES = {
    "": ["*.log", "build/", "/top.json", "!important.log", "secret*", "# a comment", "", "fixtures/**", "!fixtures/keep.json", "a/**/"],
    "a": ["*.json", "!keep.json", "deep/"],
    "a/b": ["!*.json", "z.json"],
    "vendorish": ["*", "!*/", "!*.json"],
}
FOLDERS = ["", "a", "a/b", "a/b/c", "a/deep", "build", "build/x", "fixtures", "fixtures/in", "vendorish", "vendorish/v", "x"]


def _git(*args: str) -> bytes:
    import subprocess

    return subprocess.run(["git", *args], check=True, capture_output=True).stdout


@pytest.fixture(scope="module")
def repository(tmp_path_factory) -> Path:
    """A git repository whose .gitignore files ignore, take back and ignore folders at several depths; one file that
    a line ignores is tracked (added before the line), and nested/ is a repository of its own with its own rules."""
    top = tmp_path_factory.mktemp("repo")
    for folder in FOLDERS:
        (top / folder).mkdir(parents=True, exist_ok=True)
        for name in ("keep.json", "z.json", "top.json", "n.log", "important.log", "secret.json"):
            (top / folder / name).write_text("{}", encoding="utf-8")
    _git("init", "-q", str(top))
    _git("-C", str(top), "add", "a/z.json")  # tracked, though a/.gitignore will ignore *.json there
    for folder, lines in GITIGNORES.items():
        (top / folder / ".gitignore").write_bytes(("\ufeff" if folder == "a/b" else "").encode() + "\r\n".join(lines).encode() + b"\r\n")
    (top / ".git" / "info" / "exclude").write_text("x/\n", encoding="utf-8")
    nested = top / "nested"
    (nested / "sub").mkdir(parents=True)
    for name in ("keep.json", "n.log", "sub/top.json"):
        (nested / name).write_text("{}", encoding="utf-8")
    _git("init", "-q", str(nested))
    (nested / ".gitignore").write_text("keep.json\n", encoding="utf-8")  # the outer *.log and /top.json do not apply here
    return top


def _git_keeps(root: Path, folder: Path) -> set[str]:
    """The files git keeps under ``folder`` (tracked, or untracked and not ignored), relative to it; none in nested repositories."""
    listed = _git("-C", str(folder), "ls-files", "--cached", "--others", "--exclude-standard", "-z", ".").decode()
    return {name for name in listed.split("\0") if name and not name.endswith("/") and not name.endswith(".gitignore")}


@pytest.mark.parametrize("folder", ["", "a", "vendorish"])
def test_a_search_leaves_out_what_git_ignores_as_git_does(repository, folder):
    """Compared with git itself (ls-files --cached --others --exclude-standard): nested .gitignore files (CRLF, a BOM),
    ! taking back, folder lines, a/** with a later !, anchored lines, .git/info/exclude, a tracked file an ignore
    line matches; searched from the top or from a folder inside. A nested repository is asked by its own rules."""
    found = {item.relative for item in search(repository / folder, ("*",), ()) if not item.relative.endswith(".gitignore")}
    expected = _git_keeps(repository, repository / folder)
    if not folder:
        expected |= {f"nested/{name}" for name in _git_keeps(repository / "nested", repository / "nested")}
        assert {"nested/n.log", "nested/sub/top.json", "a/z.json", "fixtures/keep.json"} <= found and "nested/keep.json" not in found
    assert found == expected
    everything = {item.relative for item in search(repository / folder, ("*",), (), respect_gitignore=False)}
    assert found < everything  # something was left out, and nothing added


@pytest.mark.parametrize("folder", ["build", "a/b", "fixtures", "x"])
def test_a_folder_named_is_searched_though_git_ignores_it(repository, folder):
    """sdelint check build/ (ignored by build/, a/b by a/**/, fixtures by fixtures/**, x by .git/info/exclude): what
    the user names is searched whole, as a named file is checked."""
    found = {item.relative for item in search(repository / folder, ("*",), ())}
    assert found == {item.relative for item in search(repository / folder, ("*",), (), respect_gitignore=False)}
    assert "keep.json" in found and "n.log" in found


def test_without_git_or_outside_a_repository_nothing_is_left_out(repository, tmp_path, monkeypatch):
    """Where git cannot answer, a file is checked needlessly rather than skipped in silence."""
    from validator import gitignored

    (tmp_path / ".gitignore").write_text("*.json\n", encoding="utf-8")
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    assert [item.relative for item in search(tmp_path, ("*.json",), ())] == ["a.json"]
    monkeypatch.setattr(gitignored.shutil, "which", lambda name: None)
    assert {item.relative for item in search(repository, ("*",), ())} == {item.relative for item in search(repository, ("*",), (), respect_gitignore=False)}


def test_names_git_would_read_as_pathspec_magic_are_asked_as_names(tmp_path):
    """A review: git reads each line as a pathspec, so :x.json was judged as x.json (ignored, skipped) and :!y.json
    made git refuse the whole list (nothing left out)."""
    _git("init", "-q", str(tmp_path))
    (tmp_path / ".gitignore").write_text("/x.json\n", encoding="utf-8")
    (tmp_path / ":").mkdir()
    for name in ("x.json", ":x.json", ":/x.json", ":!y.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    found = {item.relative for item in search(tmp_path, ("*.json",), ())}
    assert found == {":x.json", ":/x.json", ":!y.json"} == _git_keeps(tmp_path, tmp_path) - {".gitignore"}


def test_a_nested_repository_is_asked_as_itself_whatever_a_hook_environment_names(tmp_path, monkeypatch):
    """A review: git commit -a runs hooks with GIT_INDEX_FILE naming the outer repository's index; a nested
    repository asked under it took its tracked (force-added) file for an untracked ignored one, and skipped it."""
    nested = tmp_path / "lib"
    nested.mkdir()
    _git("init", "-q", str(tmp_path))
    _git("init", "-q", str(nested))
    (nested / ".gitignore").write_text("*.json\n", encoding="utf-8")
    (nested / "tracked.json").write_text("{}", encoding="utf-8")
    _git("-C", str(nested), "add", "-f", "tracked.json")
    (tmp_path / "top.json").write_text("{}", encoding="utf-8")
    _git("-C", str(tmp_path), "add", "top.json")
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / ".git" / "index"))
    assert {item.relative for item in search(tmp_path, ("*.json",), ())} == {"top.json", "lib/tracked.json"}


def test_the_readme_ci_include_takes_the_files_the_pre_commit_hook_checks(tmp_path, monkeypatch):
    """The README's CI advice for fixtures with YAML gives the gate the hook's list: the same names as the hook's
    files: pattern, in any case and as .gz. It was '*.{json,jsonl,ndjson,yaml,yml}', which an --include matches as
    written: CAPTURE.JSON and every .gz, which the hook refuses when they are broken, passed the gate unread."""
    import json
    import re

    import yaml
    from click.testing import CliRunner

    from tests.conftest import ROOT
    from validator.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    advice = readme[readme.index("which the pre-commit hook checks") :]
    include = re.search(r"`--include '([^']+)'`", advice).group(1)
    (hook,) = [entry for entry in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")) if entry["id"] == "sdelint"]
    names = ["a.json", "B.JSON", "c.jsonl", "d.ndjson", "E.NdJson", "f.yaml", "G.YML", "h.Yaml", "i.json.gz", "J.JSONL.GZ", "k.yml.Gz",
             "l.txt", "m.json.bz2", "n.jsonx", "o.gz", "p.xml", "q.yaml.gz.bak"]
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    for name in names:
        (fixtures / name).write_bytes(b"{}")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json", "--include", include, "--no-respect-gitignore", "fixtures"])
    walked = sorted(entry["file"].removeprefix("fixtures/") for entry in json.loads(result.stdout)["files"])
    assert walked == sorted(name for name in names if re.search(hook["files"], name))


def test_a_fifo_met_in_a_search_is_skipped_and_one_named_is_read(tmp_path, example_path, run_sdelint):
    """Opening a FIFO waits for a writer: a search that opened one would hang; named, it is read like cat reads it."""
    shutil.copyfile(example_path, tmp_path / "a.json")
    fifo = tmp_path / "b.json"
    os.mkfifo(fifo)
    result = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path)])
    assert [entry["file"] for entry in json.loads(result.stdout)["files"]] == [str(tmp_path / "a.json")]
    writer = threading.Thread(target=lambda: fifo.write_bytes(example_path.read_bytes()))
    writer.start()
    try:
        proc = run_sdelint("check", "--format", "json", fifo, timeout=60)
    finally:
        writer.join(timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout)["files"][0]["events"] == 12

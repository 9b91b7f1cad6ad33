"""Directory searches: the folders they do not enter change which folders are listed, never which files are found."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

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

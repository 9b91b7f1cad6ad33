"""Configuration mistakes a user makes, through the real command: each is one `sdelint: error:` naming the file, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest


def _capture(folder: Path, example_path: Path) -> Path:
    capture = folder / "c.json"
    capture.write_bytes(example_path.read_bytes())
    return capture


def _checked_with(config: Path, text: str, cli, example_path: Path):
    """``sdelint check --config CONFIG`` of the example, CONFIG holding ``text``."""
    config.write_text(text, encoding="utf-8")
    return cli("check", "--config", str(config), str(_capture(config.parent, example_path)))


@pytest.mark.parametrize("name", [".sdelint.yaml", ".sdelint.yml"])
def test_a_directory_named_as_the_configuration_is_an_error_not_the_defaults(tmp_path, cli, example_path, monkeypatch, name):
    """A sweep: a folder named .sdelint.yaml (what `docker run -v $PWD/.sdelint.yaml:...` makes of a missing file) was
    passed over without a word, and the defaults ran; check, rules and explain read the same discovery."""
    (tmp_path / ".git").mkdir()
    (tmp_path / name).mkdir()
    capture = _capture(tmp_path, example_path)
    monkeypatch.chdir(tmp_path)
    for args in (("check", str(capture)), ("rules",), ("explain", "timestamp-order")):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert f"sdelint: error: {tmp_path / name}: the configuration is a directory, not a file" in result.output


def test_a_key_left_empty_is_said_in_yaml_words_not_python_ones(tmp_path, cli, example_path):
    """A sweep: `rules:` with every line below it commented out said "rules: None is not of type 'object'"."""
    config = tmp_path / ".sdelint.yaml"
    result = _checked_with(config, "rules:\n#  unknown-field: error\ncustom-rules:\n", cli, example_path)
    assert result.exit_code == 2 and "None" not in result.output
    assert f"{config}:1:7: rules: has no value (an empty key is null) where a mapping is expected" in result.output
    assert f"{config}:3:14: custom-rules: has no value (an empty key is null) where a list is expected" in result.output


@pytest.mark.parametrize("message", ["sku {value!r} is wrong", "at {pointer:>30}", "{{ value!s }}"])
def test_a_placeholder_with_a_python_conversion_or_format_is_an_error_not_printed_as_written(tmp_path, cli, example_path, message):
    """A sweep: {value!r} (str.format's habit) was text, printed as written in every finding, the value never shown."""
    config = tmp_path / ".sdelint.yaml"
    result = _checked_with(config, "custom-rules:\n  - name: x\n    where: cartStatus.currency\n    check: enum\n    options: {values: [EUR]}\n"
                           f"    message: '{message}'\n", cli, example_path)
    assert result.exit_code == 2, result.output
    assert f"sdelint: error: {config}:6:14: custom rule 'x': message: " in result.output
    assert "takes no conversion or format" in result.output


def test_a_bare_off_where_no_severity_off_is_taken_is_said_in_yaml_words(tmp_path, cli, example_path):
    """A sweep: `fail-on: off` (meaning "never fail") said "found False", Python's word for YAML 1.1's reading."""
    config = tmp_path / ".sdelint.yaml"
    result = _checked_with(config, "fail-on: off\n", cli, example_path)
    assert result.exit_code == 2 and "False" not in result.output
    assert f"{config}:1:10: fail-on: must be one of error, warning, info, found false (YAML 1.1 reads a bare on, off, yes or no" in result.output


@pytest.mark.parametrize("config_name", [".sdelint.yaml", "pyproject.toml"])
def test_select_or_ignore_in_a_configuration_says_they_are_command_line_options(tmp_path, cli, example_path, config_name):
    """ruff's configuration takes select and ignore; sdelint's only rules: severities. "unknown key 'select'" did not say
    what to write instead."""
    config = tmp_path / config_name
    toml = config_name == "pyproject.toml"
    text = '[tool.sdelint]\nselect = ["numeric-string"]\nignore = ["timestamp-order"]\n' if toml else "select: [numeric-string]\nignore: [timestamp-order]\n"
    result = _checked_with(config, text, cli, example_path)
    assert result.exit_code == 2
    for key, option in (("select", "--select"), ("ignore", "--ignore")):
        assert f"unknown key '{key}' ({option} is a command-line option: in a configuration, give a rule its severity under rules:" in result.output
    assert "command-line option" not in _checked_with(tmp_path / "nested.yaml", "rules:\n  numeric-string: {select: true}\n", cli, example_path).output

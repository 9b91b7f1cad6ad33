"""The rule registry: one unit per rule, described exactly as rules.yaml describes it; adding a rule takes two files."""

from __future__ import annotations

import json
import os
import sys
from datetime import date

import pytest
import yaml

import validator
from tests.conftest import ROOT
from validator.config import ConfigError
from validator.rules import builtin, catalogue, registry
from validator.rules.base import Hit, Rule
from validator.rules.params import Bool, Choice, IsoDate, Number, String, StringList

CATALOGUE = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))["rules"]


def _as_documented(rule: Rule) -> dict:
    """A registry rule in rules.yaml's terms (absent keys where rules.yaml leaves them out)."""
    described: dict = {"category": rule.category, "severity": rule.severity}
    if rule.params:
        described["params"] = rule.defaults()
    applies: dict = {}
    if rule.api_versions != ("v1", "v2"):
        applies["api-versions"] = list(rule.api_versions)
    if rule.sde_types is not None:
        applies["sde-types"] = list(rule.sde_types)
    if applies:
        described["applies-to"] = applies
    return described


def test_rules_yaml_and_the_registry_describe_the_same_rules():
    rules = registry.builtin_rules()
    assert set(rules) == set(CATALOGUE)
    for name, entry in CATALOGUE.items():
        documented = {key: entry[key] for key in ("category", "severity", "params", "applies-to") if key in entry}
        # json: 60000 and 60000.0, or a tuple and a list, must not pass for each other
        assert json.dumps(_as_documented(rules[name]), sort_keys=True) == json.dumps(documented, sort_keys=True), name


def test_the_merged_catalogue_follows_rules_yaml_and_carries_each_rule():
    specs = catalogue.load_catalogue()
    assert list(specs) == list(CATALOGUE)
    for name, spec in specs.items():
        assert spec.rule is registry.builtin_rules()[name]
        assert spec.summary == CATALOGUE[name]["summary"]


def test_each_stage_has_its_checks():
    for rule in registry.builtin_rules().values():
        if rule.stage in ("input", "schema"):
            assert rule.check_event is None and rule.check_record is None, rule
        else:
            assert (rule.check_event if rule.stage == "event" else rule.check_record) is not None, rule
    v1_only = registry.builtin_rules()["v1-unauthenticated"]
    assert v1_only.check_event is not None and v1_only.check_record is not None  # one rule, both levels


def test_a_rule_with_the_wrong_checks_for_its_stage_is_refused():
    with pytest.raises(ValueError, match="input and schema rules have no check"):
        Rule("x", category="event", severity="error")
    with pytest.raises(ValueError):
        Rule("x", category="input", severity="error", check_event=lambda ctx, p: None)
    with pytest.raises(ValueError):
        Rule("x", category="nonsense", severity="error")


@pytest.mark.parametrize(
    "param, good, bad, message",
    [
        (Number(5), [0, 2.5, 10**9], ["5", True, None, -1], None),
        (Number(5, minimum=1), [1], [0.5], "must be at least 1"),
        (Bool(False), [True, False], [0, "no"], "must be true or false"),
        (Choice("a", ("a", "b")), ["a", "b"], ["c", 1], "must be one of a, b"),
        (IsoDate("2000-01-01"), ["1999-12-31", date(2001, 2, 3)], ["yesterday", 5, "2001-02-30"], "must be a date like 2000-01-01"),
        (StringList([]), [[], ["a"]], ["a", [1]], "must be a list of strings"),
        (String("x"), ["", "y"], [1, None], "must be a string"),
    ],
)
def test_parameters_say_what_is_wrong(param, good, bad, message):
    assert all(param.problem(value) is None for value in good)
    problems = [param.problem(value) for value in bad]
    assert None not in problems
    if message:
        assert message in problems
    assert Number(1).problem(-1) == "must not be negative" and Number(1).problem("x") == "must be a number"


def test_a_default_that_breaks_its_own_parameter_is_refused():
    with pytest.raises(AssertionError):
        Choice("c", ("a", "b"))


def test_hits_are_typed():
    hit = Hit("/a", "message", 5)
    assert (hit.pointer, hit.message, hit.value, hit.at_key) == ("/a", "message", 5, False)
    assert hit == Hit("/a", "message", 5) and hit != Hit("/a", "message", 5, at_key=True)
    assert not hasattr(hit, "__dict__")


def test_the_rules_package_does_not_import_the_configuration():
    for path in (ROOT / "validator" / "rules").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "from ..config" not in text and "from ...config" not in text and "validator.config" not in text.replace("(validator.config.Configuration", ""), path


# --- a new rule is its module plus its rules.yaml entry ----------------------------------------

THROWAWAY_MODULE = '''
"""lead-topic-shout: a lead topic in capitals."""

from ..base import Hit, Rule
from ..params import Number


def shouting(ctx, p):
    topic = ctx.attrs.get("topic") if ctx.attrs is not None else None
    if isinstance(topic, str) and len(topic) >= p["min-length"] and topic.isupper():
        return [Hit(ctx.attrs_pointer + "/topic", f"the topic {topic!r} is in capitals", topic)]
    return None


RULE = Rule("lead-topic-shout", category="event", severity="warning", sde_types=("LEAD",), params={"min-length": Number(3)}, check_event=shouting)
'''

THROWAWAY_ENTRY = '''
  lead-topic-shout:
    summary: A lead topic is written in capitals.
    category: event
    severity: warning
    applies-to: {sde-types: [LEAD]}
    params:
      min-length: 3
    rationale: |
      Topics are shown to agents; capitals read as shouting.
    bad: |
      {"lead": {"serverTimeStamp": "1528628536882", "lead": {"topic": "TEST DRIVE"}}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882"}
    good: |
      {"lead": {"serverTimeStamp": "1528628536882", "lead": {"topic": "test drive"}}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882"}
'''


@pytest.fixture
def throwaway_rule(tmp_path, monkeypatch):
    """A rule added the documented way: one module in rules/builtin (here a second folder of that package) and one rules.yaml entry."""
    modules = tmp_path / "more_rules"
    modules.mkdir()
    (modules / "lead_topic_shout.py").write_text(THROWAWAY_MODULE, encoding="utf-8")
    rules_yaml = tmp_path / "rules.yaml"
    rules_yaml.write_text((ROOT / "rules.yaml").read_text(encoding="utf-8") + THROWAWAY_ENTRY, encoding="utf-8")
    monkeypatch.setattr(builtin, "__path__", [*builtin.__path__, str(modules)])
    data_path = catalogue.data_path
    monkeypatch.setattr(catalogue, "data_path", lambda name: rules_yaml if name == "rules.yaml" else data_path(name))
    registry.builtin_rules.cache_clear()
    catalogue.load_catalogue.cache_clear()
    yield
    monkeypatch.undo()
    sys.modules.pop(f"{builtin.__name__}.lead_topic_shout", None)
    registry.builtin_rules.cache_clear()
    catalogue.load_catalogue.cache_clear()


def test_a_new_event_rule_is_a_module_and_a_rules_yaml_entry(throwaway_rule, tmp_path, cli):
    assert "lead-topic-shout" in registry.builtin_rules()
    event = {"lead": {"serverTimeStamp": "1528628536882", "lead": {"topic": "TEST DRIVE"}}, "sdeType": "LEAD", "serverTimeStamp": "1528628536882"}
    (hit,) = [f for f in validator.lint(event) if f.rule == "lead-topic-shout"]
    assert (hit.pointer, hit.severity) == ("/lead/lead/topic", "warning")
    cart = {"cartStatus": {"serverTimeStamp": "1528628536879", "topic": "LOUD"}, "sdeType": "CART_STATUS", "serverTimeStamp": "1528628536879"}
    assert "lead-topic-shout" not in {f.rule for f in validator.lint(cart)}  # it applies to LEAD only
    config = tmp_path / "c.yaml"
    config.write_text("rules:\n  lead-topic-shout: {min-length: 20}\n", encoding="utf-8")
    assert "lead-topic-shout" not in {f.rule for f in validator.lint(event, config=config)}
    config.write_text("rules:\n  lead-topic-shout: {min-length: many}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="min-length must be a number"):
        validator.lint(event, config=config)
    explained = cli("explain", "lead-topic-shout")
    assert explained.exit_code == 0 and "capitals read as shouting" in explained.output and "min-length = 3" in explained.output


def test_a_rule_module_without_its_rules_yaml_entry_is_named(throwaway_rule, monkeypatch):
    monkeypatch.setattr(catalogue, "data_path", lambda name: ROOT / "rules.yaml")
    catalogue.load_catalogue.cache_clear()
    with pytest.raises(catalogue.CatalogueError, match="no rules.yaml entry for \\['lead-topic-shout'\\]"):
        catalogue.load_catalogue()


def test_the_readme_rule_table_is_the_generated_one(cli):
    """README's table is markdown_rule_table's output. ``SDELINT_UPDATE_README=1`` rewrites it in place (as
    snapshot tests update their snapshots), so a new rule's row is never typed by hand."""
    from validator.rules.explain import markdown_rule_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head, rest = readme.split("<!-- rule-table:", 1)
    marker, rest = rest.split("\n", 1)
    section, tail = rest.split("<!-- /rule-table -->", 1)
    generated = markdown_rule_table(catalogue.load_catalogue())
    if os.environ.get("SDELINT_UPDATE_README") == "1" and section.strip() != generated:
        updated = f"{head}<!-- rule-table:{marker}\n{generated}\n<!-- /rule-table -->{tail}"
        scratch = ROOT / "README.md.tmp"
        scratch.write_text(updated, encoding="utf-8")
        scratch.replace(ROOT / "README.md")
        section = generated
    assert section.strip() == generated, "the README's rule table is stale: SDELINT_UPDATE_README=1 python -m pytest tests/test_registry.py"
    section = section.strip()
    # and it says what `sdelint rules` says: every rule, its default severity and summary, in its order
    listed = [line.split()[:2] for line in cli("rules").output.splitlines() if line.strip()]
    rows = [row.split("|")[1:3] for row in section.splitlines()[2:]]
    assert [[cell.strip().strip("`") for cell in row] for row in rows] == listed

"""Rules: the Rule unit, the registry of built-in rules, custom YAML rules, the catalogue (rules.yaml) and the engine."""

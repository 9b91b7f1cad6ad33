"""Rules: the catalogue (rules.yaml), the built-in checks, custom YAML rules, the engine."""

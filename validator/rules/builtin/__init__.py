"""The built-in rules, one module per rule or small family; each module exposes ``RULE`` or ``RULES``.

The registry (rules.registry) imports every module here: adding a rule is a module here plus its
entry in rules.yaml.
"""

"""Safe YAML: no tags that build objects, caps on aliases and on expanded size, positions for errors."""

from __future__ import annotations

from typing import Any

import yaml

MAX_ALIASES = 100
MAX_EXPANDED_NODES = 1_000_000  # nodes after aliases are expanded: a few dozen aliases can mean billions


class YamlError(Exception):
    """A YAML document that cannot be used, with its 1-based position when known."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with more than MAX_ALIASES aliases (billion laughs)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlError(f"more than {MAX_ALIASES} aliases: refusing a document that may expand without bound", mark.line + 1, mark.column + 1)
        return super().compose_node(parent, index)


def _expanded_size(root: yaml.Node) -> int:
    """Nodes in the document once every alias is expanded, counted without expanding anything."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            sizes[id(node)] = 1
            continue
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely; every failure is a YamlError with a position."""
    try:
        loader = _LimitedLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return None
            if _expanded_size(root) > MAX_EXPANDED_NODES:
                mark = root.start_mark
                raise YamlError(f"expands to more than {MAX_EXPANDED_NODES} nodes through aliases: refusing it", mark.line + 1, mark.column + 1)
            return loader.construct_document(root)
        finally:
            loader.dispose()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlError(message or str(exc), (mark.line + 1) if mark else 0, (mark.column + 1) if mark else 0) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise YamlError(f"invalid YAML: {exc}") from None


def compose(text: str) -> yaml.Node | None:
    """The node tree of a document that already loaded (None if it does not compose)."""
    try:
        return yaml.compose(text, Loader=_LimitedLoader)
    except Exception:  # noqa: BLE001 - positions are a nicety; the load itself reported any error
        return None


def node_at(root: yaml.Node | None, path: list, exact: bool = True) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node or None, node) at ``path`` of keys and indexes; with ``exact=False`` the nearest parent."""
    node, key_node = root, None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(step)), None)
        elif isinstance(node, yaml.SequenceNode) and str(step).isdigit() and int(step) < len(node.value):
            pair = (None, node.value[int(step)])
        else:
            pair = None
        if pair is None:
            return (None, None) if exact else (key_node, node)
        key_node, node = pair
    return key_node, node


def yaml_position(text: str, path: list) -> tuple[int, int]:
    """1-based line and column of the node at ``path`` (keys and indexes), or of its nearest parent."""
    _, node = node_at(compose(text), path, exact=False)
    if node is None:
        return 0, 0
    return node.start_mark.line + 1, node.start_mark.column + 1

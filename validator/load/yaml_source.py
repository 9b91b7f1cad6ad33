"""Safe YAML: no tags that build objects, caps on aliases and on expanded size, positions for errors."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import yaml

from ..findings import too_long_to_print, unreadable_number
from .positions import line_col

MAX_ALIASES = 100
MAX_EXPANDED_NODES = 1_000_000  # nodes after aliases are expanded: a few dozen aliases can mean billions
MAX_EXPANDED_CHARS = 64 << 20  # scalar text after aliases are expanded: 100 aliases of a long string add up


def mark_position(text: str, mark: Any) -> tuple[int, int]:
    """1-based line and column of a PyYAML mark in ``text``, the string the loader read.

    ``mark.line`` and ``mark.column`` count U+0085, U+2028 and U+2029 as line breaks (YAML 1.1 does), so
    after such a character inside a string they were a line past where every editor, and every other
    position sdelint reports, puts the text. ``mark.index`` is a character index into ``text`` itself
    (PyYAML reads a ``str`` as it is, a leading BOM included), so it maps like every other offset. Inputs and
    configurations reach here without a BOM; a text that keeps one does not count it as a column (nor does PyYAML).
    """
    return _past_bom(text, *line_col(text, mark.index))


def _past_bom(text: str, line: int, column: int) -> tuple[int, int]:
    """A leading BOM is no column (nor is it to PyYAML)."""
    return (line, column - 1) if line == 1 and column > 1 and text.startswith("\ufeff") else (line, column)


def mark_locator(text: str) -> Callable[[Any], tuple[int, int]]:
    """``mark_position`` for many marks of one text: its line starts found once, each mark placed by bisection.

    ``line_col`` counts the newlines before each offset: a configuration of 200,000 misspelt rule names (3 MB) took
    minutes to place its errors, quadratic in its size, where a 16 MiB configuration is allowed.
    """
    import bisect
    import re

    starts = [0, *(match.end() for match in re.finditer("\n", text))]

    def position(mark: Any) -> tuple[int, int]:
        offset = max(0, min(mark.index, len(text)))
        line = bisect.bisect_right(starts, offset)
        return _past_bom(text, line, offset - starts[line - 1] + 1)

    return position


class YamlError(Exception):
    """A YAML document that cannot be used, with its 1-based position when known."""

    def __init__(self, message: str, line: int = 0, column: int = 0, rule: str = "syntax-error", valid_yaml: bool = False) -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.rule = message, line, column, rule
        self.valid_yaml = valid_yaml  # YAML as the specification has it, that sdelint does not read (a stream of documents)


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with more than MAX_ALIASES aliases (billion laughs)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._text = stream  # what marks index into

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                where = mark_position(self._text, self.peek_event().start_mark)
                raise YamlError(f"more than {MAX_ALIASES} aliases: refusing a document that may expand without bound", *where)
        return super().compose_node(parent, index)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        number: int = super().construct_yaml_int(node)
        if too_long_to_print(number):  # 0xfff...: read past the decimal limit, and no message could print it
            raise YamlError(unreadable_number(len(node.value)), *mark_position(self._text, node.start_mark))
        return number


    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:  # 2030-13-01: YAML 1.1 reads it as a date, and there is no such date
            message = f"{node.value!r} reads as a date (YAML 1.1) and is not one ({exc}): quote it to keep it text"
            raise YamlError(message, *mark_position(self._text, node.start_mark)) from None

    def construct_set_as_mapping(self, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
        """``!!set {a, b}`` as what YAML defines it to be: a mapping whose values are null, ``{"a": None, "b": None}``.

        PyYAML builds a Python set, which a finding quoted in hash-seed order ("{'c', 'a', 'b'}"): the message,
        and the baseline fingerprint of its value, changed from one run to the next. A mapping keeps the order
        written, is checked and printed as the JSON object it is, and a value written after a member stays.
        """
        data: dict[Any, Any] = {}
        yield data  # filled once its members are built: an alias inside may refer back to it, as for a mapping
        data.update(self.construct_mapping(node))


_LimitedLoader.add_constructor("tag:yaml.org,2002:int", _LimitedLoader.construct_yaml_int)
_LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp", _LimitedLoader.construct_yaml_timestamp)
_LimitedLoader.add_constructor("tag:yaml.org,2002:set", _LimitedLoader.construct_set_as_mapping)


class _SelfReference(Exception):
    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _expanded_size(root: yaml.Node) -> tuple[int, int]:
    """Nodes and scalar characters once every alias is expanded, counted without expanding anything.

    _SelfReference for a node that contains itself through an alias (``&a [*a]``): expanded, it never ends.
    """
    sizes: dict[int, tuple[int, int]] = {}
    entered: set[int] = set()  # containers whose children are being sized: the path from the root
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if not children_done and id(node) in entered:
            raise _SelfReference(node)
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            sizes[id(node)] = (1, len(node.value))
            continue
        if children_done:
            sizes[id(node)] = (1 + sum(sizes[id(child)][0] for child in children), sum(sizes[id(child)][1] for child in children))
        else:
            entered.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def duplicate_keys(root: yaml.Node) -> list[tuple[list[str | int], yaml.Node]]:
    """(path of the repeated member, its key node) for every key that repeats in its mapping.

    PyYAML keeps the last value silently, as the JSON parser does; JSON input reports it, so YAML does too.
    """
    found: list[tuple[list[str | int], yaml.Node]] = []
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, list[str | int]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:  # an alias: its duplicates are reported where it is defined
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else repr(key_node.value)
                if key in keys:
                    found.append(([*path, key], key_node))
                keys.add(key)
                stack.append((value_node, [*path, key]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, [*path, i]) for i, child in enumerate(node.value))
    found.sort(key=lambda item: item[1].start_mark.index)
    return found


def _first_long_number(root: yaml.Node) -> yaml.Node | None:
    """The first plain scalar of more digits than Python converts to an int, in document order."""
    limit = sys.get_int_max_str_digits() or None
    stack = [root]
    while stack and limit is not None:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            if not node.style and sum(ch.isdigit() for ch in node.value) > limit:
                return node
        elif isinstance(node, yaml.MappingNode):
            stack.extend(reversed([child for pair in node.value for child in pair]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


def _deepest(root: yaml.Node) -> yaml.Node:
    """The first node at the greatest depth of a composed tree (walked without recursion, aliases once)."""
    deepest, depth = root, 0
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, level = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if level > depth:
            deepest, depth = node, level
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value if isinstance(node, yaml.SequenceNode) else []
        stack.extend((child, level + 1) for child in reversed(children))
    return deepest


def load_yaml(text: str, duplicates: list[tuple[list[str | int], yaml.Node]] | None = None) -> Any:
    """Parse one YAML document safely; every failure is a YamlError with a position.

    With ``duplicates``, the keys that repeat in a mapping are appended to it (see ``duplicate_keys``).
    """
    root: yaml.Node | None = None
    try:
        loader = _LimitedLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return None
            try:
                nodes, chars = _expanded_size(root)
            except _SelfReference as exc:
                where = mark_position(text, exc.node.start_mark)
                raise YamlError("refers to itself through an alias: it never ends once expanded", *where) from None
            if nodes > MAX_EXPANDED_NODES or chars > MAX_EXPANDED_CHARS:
                what = f"{MAX_EXPANDED_NODES} nodes" if nodes > MAX_EXPANDED_NODES else f"{MAX_EXPANDED_CHARS >> 20} MiB of text"
                raise YamlError(f"expands to more than {what} through aliases: refusing it", *mark_position(text, root.start_mark))
            if duplicates is not None:
                duplicates.extend(duplicate_keys(root))
            try:
                return loader.construct_document(root)
            except ValueError:  # an integer longer than Python reads (sys.get_int_max_str_digits): say where
                node = _first_long_number(root)
                if node is None:
                    raise
                raise YamlError(unreadable_number(len(node.value)), *mark_position(text, node.start_mark)) from None
        except RecursionError:  # at the place the nesting got too deep: an editor opens it, a configuration error names it
            where = mark_position(text, _deepest(root).start_mark if root is not None else loader.get_mark())
            raise YamlError("nested too deeply to read (deeper than Python's recursion limit allows)", *where, rule="too-deep") from None
        finally:
            loader.dispose()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if isinstance(exc, yaml.composer.ComposerError) and exc.problem == "but found another document" and mark:
            # valid YAML (Kubernetes manifests are such streams), which "invalid YAML: expected a single document" said it was not
            where = mark_position(text, mark)
            raise YamlError("a second YAML document begins here: sdelint reads one document per YAML file", *where, valid_yaml=True) from None
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        raise YamlError(message or str(exc), *(mark_position(text, mark) if mark else (0, 0))) from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids: its position is an index into the text
        line, column = line_col(text, exc.position)
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise YamlError(f"unacceptable character {what}: {exc.reason}", line, column) from None
    except RecursionError:
        raise YamlError("nested too deeply to read (deeper than Python's recursion limit allows)", rule="too-deep") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise YamlError(str(exc)) from None


def compose(text: str) -> yaml.Node | None:
    """The node tree of a document that already loaded (None if it does not compose)."""
    try:
        return yaml.compose(text, Loader=_LimitedLoader)
    except Exception:  # noqa: BLE001 - positions are a nicety; the load itself reported any error
        return None


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _merged_pairs(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """The mapping's pairs with its merge keys (``<<: *base``, ``<<: [*a, *b]``) expanded, in the order PyYAML's
    ``flatten_mapping`` gives them, without changing the tree: merged members first (of a list of mappings, the
    first mapping's last), then the mapping's own. A dict built from them in order keeps what the loader kept."""
    merged: list[tuple[yaml.Node, yaml.Node]] = []
    own: list[tuple[yaml.Node, yaml.Node]] = []
    for key, value in node.value:
        if key.tag != _MERGE_TAG:
            own.append((key, value))
        elif isinstance(value, yaml.MappingNode):
            merged.extend(_merged_pairs(value))
        elif isinstance(value, yaml.SequenceNode):
            for mapping in reversed(value.value):
                if isinstance(mapping, yaml.MappingNode):
                    merged.extend(_merged_pairs(mapping))
    return merged + own


def node_at(
    root: yaml.Node | None, path: list, exact: bool = True, members: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] | None = None
) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node or None, node) at ``path`` of keys and indexes; with ``exact=False`` the nearest parent.

    ``members``: each mapping's (first) pairs by key, kept across calls on one tree: placing many findings
    in a wide mapping searched its keys one by one for each (200 KB of unknown keys: 21 s).
    """
    node, key_node = root, None
    members = {} if members is None else members
    pair: tuple[yaml.Node | None, yaml.Node] | None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            table = members.get(id(node))
            if table is None:
                # the pair each key's loaded value comes from: the last of a repeated key, a merged (<<) member
                # where it is written, unless the mapping sets it
                table = members[id(node)] = {k.value: (k, v) for k, v in _merged_pairs(node) if isinstance(k.value, str)}
            pair = table.get(str(step))
        elif isinstance(node, yaml.SequenceNode) and str(step).isdigit() and int(step) < len(node.value):
            pair = (None, node.value[int(step)])
        else:
            pair = None
        if pair is None:
            return (None, None) if exact else (key_node, node)
        key_node, node = pair
    return key_node, node


def yaml_position(text: str, path: list, at_key: bool = False) -> tuple[int, int]:
    """1-based line and column of the node at ``path`` (keys and indexes), or of its nearest parent; 1:1 if none.

    ``at_key``: the member's key rather than its value (where an unknown key is written).
    """
    return yaml_locator(text)(path, at_key)


def yaml_locator(text: str) -> Callable[[list, bool], tuple[int, int]]:
    """``yaml_position`` for many paths of one text: composed once, on the first call (a configuration with
    800 misspelt rule names composed it 800 times: a minute)."""
    members: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}
    tree: list[yaml.Node | None] = []
    placed: list[Callable[[Any], tuple[int, int]]] = []

    def position(path: list, at_key: bool = False) -> tuple[int, int]:
        if not tree:
            tree.append(compose(text))
            placed.append(mark_locator(text))
        key_node, node = node_at(tree[0], path, exact=False, members=members)
        if at_key and key_node is not None:
            node = key_node
        if node is None:
            return 1, 1
        return placed[0](node.start_mark)

    return position

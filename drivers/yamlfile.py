"""YAML data files read strictly: a repeated key is an error (PyYAML keeps the last one without
a word), and the line of every key and list item is kept for messages.

Hardware profiles (drivers/_profile_load.py) and the procedure catalogue
(backend/catalog/__init__.py) both read their files through here. It lives in drivers/ because
drivers never import backend, while this small helper has no I/O of its own that backend's pure
domain code would have to avoid.
"""

from __future__ import annotations

from typing import Any

import yaml


class LinedDict(dict):
    lines: dict[Any, int]  # key -> line (from 1)


class LinedList(list):
    lines: list[int]  # item -> line (from 1)


class DuplicateKey(yaml.MarkedYAMLError):
    pass


# libyaml's parser when PyYAML was built with it: the same documents and marks, about ten times
# quicker than the pure-Python one (a unit reads its catalogue and profile at every start).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(SAFE_LOADER):
    """SafeLoader (no arbitrary objects) that refuses a repeated key and remembers lines."""


def _construct_map(loader: StrictLoader, node: yaml.MappingNode) -> LinedDict:
    out = LinedDict()
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise DuplicateKey(problem=str(key), problem_mark=key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_seq(loader: StrictLoader, node: yaml.SequenceNode) -> LinedList:
    out = LinedList(loader.construct_object(child, deep=True) for child in node.value)
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load(text: str) -> Any:
    """The data of a YAML text; yaml.YAMLError (DuplicateKey among them) when it is not."""
    return yaml.load(text, Loader=StrictLoader)


def position(exc: yaml.YAMLError) -> tuple[int, int] | None:
    """(line, column), both from 1, of a YAML error, when PyYAML knows it."""
    mark = getattr(exc, "problem_mark", None)
    return (mark.line + 1, mark.column + 1) if mark is not None else None


def explain(exc: yaml.YAMLError) -> tuple[str, str]:
    """What is wrong, in Vietnamese and English, without the place (PyYAML's own account of a
    syntax error is English, so it goes with the English only)."""
    if isinstance(exc, DuplicateKey):
        return f"khóa '{exc.problem}' bị lặp", f"duplicate key '{exc.problem}'"
    problem = getattr(exc, "problem", None) or str(exc)
    return "lỗi cú pháp YAML", f"YAML syntax error: {problem}"

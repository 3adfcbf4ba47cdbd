"""YAML read strictly: a key written twice in one mapping is an error naming the file and the line.

PyYAML quietly keeps the last of two equal keys, so a lost line break or a pasted entry can
replace an entry without a word (it once hid an entry of the analysis plan). The study's YAML
files are read through :func:`load`, which refuses them instead.
"""

from __future__ import annotations

from pathlib import Path

import yaml


class DuplicateKeyError(ValueError):
    """A mapping that names one key twice; the message names the file and the line of the second."""


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when PyYAML has it: faster
    """A safe loader that refuses duplicate keys (the same results with libyaml's parser or PyYAML's own)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise DuplicateKeyError(f"{loader.name}, line {line}: {key!r} appears twice in one mapping "
                                    f"(first at line {seen[key]})")
        seen[key] = line
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def loads(text: str, name: str = "<string>") -> object:
    """Parse YAML ``text`` (named ``name`` in errors), refusing duplicate keys."""
    loader = _StrictLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load(path: Path | str) -> object:
    """Read a YAML file, refusing duplicate keys."""
    return loads(Path(path).read_text(encoding="utf-8"), str(path))

"""The package's shape: layers whose imports run one way, from the doors down to the corpus, and no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "comment_study"
LAYERS = ["corpus", "coding", "study", "analysis", "exchange", "book"]
"""Bottom to top: a module may import its own layer and the layers below it, never one above."""
DOORS = {"cli", "__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rank(module: str) -> int:
    """The layer of a module: 0 for the corpus ... len(LAYERS) for the doors at the top."""
    parts = module.split(".")
    if len(parts) == 1:
        return -1  # the package's own __init__ imports nothing
    if parts[1] in DOORS:
        return len(LAYERS)
    return LAYERS.index(parts[1])


def imports(path: Path) -> set[str]:
    """Every comment_study module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("comment_study"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists()
                          or (PACKAGE.parent / candidate.replace(".", "/")).is_dir() else node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; write the absolute module path")
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("comment_study")}
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}


def test_every_module_sits_in_a_named_layer_or_is_a_door():
    for module in graph():
        parts = module.split(".")
        assert len(parts) == 1 or parts[1] in LAYERS or parts[1] in DOORS, f"{module} is in no layer"


def test_imports_run_down_the_layers_never_up():
    upward = [f"{m} ({LAYERS[rank(m)] if rank(m) < len(LAYERS) else 'door'}) imports {i}"
              for m, targets in graph().items() for i in targets
              if rank(m) >= 0 and rank(i) > rank(m)]
    assert not upward, "imports that run upward:\n" + "\n".join(upward)


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among the modules, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target == node or target not in edges:
                continue
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_no_module_imports_itself_back_through_others():
    edges = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in graph().items()}
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle_it_is_shown():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("module, target", [("comment_study.corpus.export", "comment_study.analysis.findings"),
                                            ("comment_study.coding.sheets", "comment_study.study.model")])
def test_an_upward_import_is_recognised_as_one(module, target):
    assert rank(target) > rank(module)


def test_there_is_one_study_model():
    defined = [p for p in PACKAGE.rglob("*.py") if "class Study" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(PACKAGE).as_posix() for p in defined] == ["study/model.py"]

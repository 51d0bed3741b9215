"""Imports run one way (docs/architecture.md, "Import direction"), read from the source.

* no import cycle between the project's modules (module-level imports);
* `cases` never imports `cms`, not even inside a function;
* an import inside a function says why, in a comment on its line or the line above.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("cases", "cms", "portal")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(current: str, node: ast.ImportFrom | ast.Import) -> list[str]:
    """Project modules an import statement loads (`from pkg import mod` counts as pkg.mod)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = current.split(".") if _is_package(current) else current.split(".")[:-1]
            anchor = anchor[: len(anchor) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    return [name for name in names if name in MODULES]


def _imports(name: str, *, nested: bool):
    """(line, imported module, is inside a function) for every project import of a module."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    inside = {id(child) for f in functions for child in ast.walk(f) if child is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            in_function = id(node) in inside
            if in_function and not nested:
                continue
            for target in _resolve(name, node):
                yield node.lineno, target, in_function


def _graph() -> dict[str, set[str]]:
    graph = {name: set() for name in MODULES}
    for name in MODULES:
        for _line, target, _nested in _imports(name, nested=False):
            if target != name and not name.startswith(target + "."):  # a submodule loading its package
                graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_the_graph_is_read():
    graph = _graph()
    assert "cases.lifecycle" in graph["cases.workflow"]
    assert "cases.models" in graph["cases.workflow"]


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_a_cycle_would_be_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_cases_never_imports_cms():
    offending = [(name, line, target) for name in MODULES if name.split(".")[0] == "cases"
                 for line, target, _nested in _imports(name, nested=True) if target.split(".")[0] == "cms"]
    assert offending == []


def _function_level_imports(name: str) -> list[ast.stmt]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = {child for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
             for child in ast.walk(f) if isinstance(child, ast.Import | ast.ImportFrom)}
    return sorted(found, key=lambda node: node.lineno)


def _explained(lines: list[str], node: ast.stmt) -> bool:
    """A comment on the import's own lines, or above the block of imports it belongs to."""
    if any("#" in line for line in lines[node.lineno - 1:node.end_lineno]):
        return True
    above = node.lineno - 2
    while above >= 0:
        text = lines[above].strip()
        if text.startswith("#"):
            return True
        if not (text.startswith(("import ", "from ")) or text.endswith((",", "(", ")"))
                or text.replace("_", "").isalnum()):
            return False
        above -= 1
    return False


@pytest.mark.parametrize("name", sorted(MODULES))
def test_function_level_imports_give_a_reason(name):
    lines = MODULES[name].read_text(encoding="utf-8").splitlines()
    silent = [node.lineno for node in _function_level_imports(name) if not _explained(lines, node)]
    assert silent == [], f"{MODULES[name].relative_to(ROOT)}: imports inside functions without a reason"

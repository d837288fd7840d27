"""The package's layers: the model imports neither the batch layer, the command line nor the page;
the batch layer does not import the page; and no module imports itself round a circle at run time."""

import ast
import importlib
import inspect
import pkgutil

import pytest

#: What each layer may not import (any module under these names).
FORBIDDEN = {
    "barrio.model": ("barrio.experiments", "barrio.app", "barrio.cli", "barrio.api"),
    "barrio.experiments": ("barrio.app", "barrio.cli"),
    "barrio.app": ("barrio.cli",),
}


def modules() -> list[str]:
    """Every module of the package (the sub-packages live in their own folders, mapped into it)."""
    names = ["barrio"]
    for package in ("barrio", "barrio.model", "barrio.experiments", "barrio.app"):
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.iter_modules(module.__path__, package + "."):
            # Importing __main__ would run the command.
            if info.name != "barrio.__main__":
                names.append(info.name)
    return sorted(set(names))


def imports(name: str, run_time_only: bool) -> set[str]:
    """Barrio modules that ``name`` imports: all of them, or only those imported when it loads.

    Run time leaves out imports inside functions and under ``if TYPE_CHECKING``.
    """
    module = importlib.import_module(name)
    tree = ast.parse(inspect.getsource(module))
    package = name if hasattr(module, "__path__") else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes, top: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                if not run_time_only:
                    visit(node.body, top)
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("barrio"))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join([*parts[: len(parts) - node.level + 1], base])
                if base.startswith("barrio"):
                    for alias in node.names:
                        candidate = f"{base}.{alias.name}"
                        try:
                            importlib.import_module(candidate)
                            found.add(candidate)
                        except ImportError:
                            found.add(base)
            elif not (run_time_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)):
                inner = [n for n in ast.iter_child_nodes(node) if isinstance(n, ast.stmt)]
                if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and run_time_only:
                    functions = ast.FunctionDef | ast.AsyncFunctionDef
                    inner = [n for n in node.body if not isinstance(n, functions)]
                visit(inner, False)

    visit(tree.body, True)
    found.discard(name)
    return found


@pytest.mark.parametrize("layer", list(FORBIDDEN))
def test_a_layer_never_imports_the_layers_above_it(layer):
    bad = {
        name: sorted(i for i in imports(name, run_time_only=False) if i.startswith(FORBIDDEN[layer]))
        for name in modules()
        if name == layer or name.startswith(layer + ".")
    }
    assert not {k: v for k, v in bad.items() if v}


def test_no_module_imports_itself_round_a_circle_when_it_loads():
    graph = {name: {i for i in imports(name, run_time_only=True) if i in modules()} for name in modules()}
    # A package's __init__ importing its own modules is not a circle through them.
    cycles = []
    state: dict[str, int] = {}
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in graph[node]:
            if node.startswith(nxt + "."):  # a module importing its package runs the __init__ first
                continue
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for name in graph:
        if name not in state:
            walk(name)
    assert not cycles, cycles


def test_the_layer_check_finds_a_forbidden_import(tmp_path, monkeypatch):
    """The checker itself: a model module that imports the batch layer is caught."""
    package = tmp_path / "fake"
    package.mkdir()
    (package / "__init__.py").write_text("")
    rule = "from barrio.experiments import batch\n\ndef f():\n    import barrio.app\n"
    (package / "rule.py").write_text(rule)
    monkeypatch.syspath_prepend(str(tmp_path))
    found = imports("fake.rule", run_time_only=False)
    assert {"barrio.experiments.batch", "barrio.app"} <= found
    assert imports("fake.rule", run_time_only=True) == {"barrio.experiments.batch"}

"""The app layers hold, and the check that enforces them (lint-imports) really fails when a
lower app imports a higher one, even inside a function; and no module imports one that imports
it back."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("chamber", "membership", "directory", "deals", "events", "jobs", "home", "demo")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own lint-imports on a copy of our own code
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project_copy(tmp_path):
    """The app packages and pyproject.toml, copied: an import added here can't leak into the
    real tree."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_project_keeps_its_layers(project_copy):
    result = lint_imports(project_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_lower_app_importing_a_higher_one_inside_a_function_breaks_the_layers(project_copy):
    (project_copy / "membership" / "upward.py").write_text(
        "def deals_of(member):\n"
        "    from deals.models import Deal\n\n"
        "    return Deal.objects.filter(business__member=member)\n"
    )
    result = lint_imports(project_copy)
    assert result.returncode == 1
    assert "membership is not allowed to import deals" in result.stdout
    assert "membership.upward -> deals.models" in result.stdout


# Where project code may import project code inside a function: an app's `ready()` (Django
# loads models first), and a page model's routes and context, which import the app's views and
# selectors when a request comes (while models load, forms and filters over other apps' models
# can't be built yet). Anything else is an import-time dependency and goes at the top.
LAZY_IMPORTS_ALLOWED_IN = ("apps.py", "models/")


def function_level_imports(root: Path = ROOT):
    """(module, imported module, function) for every import of project code in a function."""
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(
                ".__init__"
            )
            for function in ast.walk(ast.parse(path.read_text())):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.ImportFrom) and node.module:
                        names = [node.module]
                    elif isinstance(node, ast.Import):
                        names = [alias.name for alias in node.names]
                    else:
                        continue
                    for name in names:
                        if name.split(".")[0] in PACKAGES:
                            yield path.relative_to(root), module, name, function.name


def test_project_code_is_imported_inside_functions_only_by_ready_and_page_models():
    misplaced = [
        f"{path}: {function}() imports {name}"
        for path, _module, name, function in function_level_imports()
        if not any(part in str(path) for part in LAZY_IMPORTS_ALLOWED_IN)
        or (str(path).endswith("apps.py") and function != "ready")
    ]
    assert misplaced == []


def cycles(graph) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == module:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_no_module_imports_one_that_imports_it_back():
    """Within an app as between apps, imports go one way. A page model's request-time import
    of its views is the one edge that may point back (see LAZY_IMPORTS_ALLOWED_IN); without
    those, the project's import graph has no cycle."""
    graph = grimp.build_graph(*PACKAGES)
    for path, module, name, _function in function_level_imports():
        if "models/" in str(path) and graph.direct_import_exists(importer=module, imported=name):
            graph.remove_import(importer=module, imported=name)
    assert cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    graph = grimp.build_graph(*PACKAGES)
    graph.add_import(importer="directory.taxonomy", imported="directory.selectors")
    assert {"directory.taxonomy", "directory.selectors"} <= set().union(*cycles(graph))

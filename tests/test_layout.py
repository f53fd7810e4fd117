"""The shape of the code: `stories/` is laid out by feature, its modules import
downhill (no cycle, not even through imports inside functions), no view module
imports another, and every module imports on its own in a fresh interpreter."""

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "stories"
FEATURES = ("core", "works", "tags", "discovery", "readers", "accounts")
# The first layout's flat modules: none may come back, not even as an alias.
OLD_FLAT_MODULES = (
    "admin_readers",
    "admin_wrangling",
    "blurbs",
    "demo",
    "feeds",
    "filters",
    "forms",
    "forms_readers",
    "lookups",
    "middleware",
    "muting",
    "pagecache",
    "querysets",
    "rendering",
    "routers",
    "search",
    "services",
    "services_readers",
    "signals",
    "tag_hints",
    "tagging",
    "unsubscribe",
    "uploads",
    "urlcache",
    "urls_accounts",
    "wrangling",
)
URLCONFS = ("stories.urls", "stories.accounts.urls")


def _modules() -> dict[str, Path]:
    """Every module of the app (migrations aside), by dotted name."""
    found = {}
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        if "migrations" in relative.parts:
            continue
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The app modules `name` imports anywhere in its body (module level or inside
    functions), each resolved to the most specific module that exists."""
    targets = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                targets.add(candidate if candidate in modules else base)
    return {target for target in targets if target in modules and target != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _view_modules(graph: dict[str, set[str]]) -> set[str]:
    """The modules the URLconfs take their views from."""
    return {target for conf in URLCONFS for target in graph[conf] if target not in URLCONFS} - {
        "stories.discovery.pagecache"
    }


def test_the_app_is_laid_out_by_feature_with_no_flat_leftovers():
    for feature in FEATURES:
        assert (APP / feature / "__init__.py").is_file(), feature
    leftovers = [name for name in OLD_FLAT_MODULES if (APP / f"{name}.py").exists()]
    assert leftovers == []
    assert not (APP / "views").exists()


def test_no_import_cycle_among_the_apps_modules():
    assert _cycles(_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    # The check itself can fail: a made-up graph with a loop through three modules.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def test_no_view_module_imports_another():
    graph = _graph()
    views = _view_modules(graph)
    assert "stories.works.views" in views and "stories.discovery.views" in views
    crossing = sorted((name, target) for name in views for target in graph[name] if target in views)
    assert crossing == []


def test_the_tests_mirror_the_features():
    for feature in ("works", "tags", "discovery", "readers", "accounts", "importers", "exporters"):
        assert list((ROOT / "tests" / feature).glob("test_*.py")), feature


def _import_alone(name: str) -> tuple[str, str]:
    code = f"import django; django.setup(); import importlib; importlib.import_module({name!r})"
    result = subprocess.run(  # noqa: S603 - our own interpreter and module names
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return name, result.stderr.strip().splitlines()[-1] if result.returncode else ""


@pytest.mark.parametrize("batch", range(2))
def test_each_module_imports_alone(batch):
    names = sorted(_modules())[batch::2]
    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = {name: error for name, error in pool.map(_import_alone, names) if error}
    assert failures == {}

"""Architecture rules (docs/architecture.md): one import name, layers that point one way, no cycle.

``docgen``'s libraries take values and give files; ``docgen.archive`` is everything that takes a
Workspace; ``docgen.index`` is search and knows nothing else; the CLI, the web app and the demo sit on
top. The rules are read from the source (every ``import``, lazy ones inside functions included), so a
change cannot break them quietly.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"docgen": "docgen", "docgen.archive": "archive", "docgen.index": "index",
           "docgen.templates": "templates"}  # fmt: skip
APP = ("docgen.cli", "docgen.web", "docgen.demo", "docgen.__main__")  # composition: every layer
LEAF = {"docgen.masking", "docgen.jieba_dict"}  # import nothing of docgen, so search may use them

# layer -> the layers it may import
ALLOWED = {
    "leaf": set(),
    "lib": {"lib", "leaf", "templates"},
    "templates": {"templates", "lib", "leaf"},
    "index": {"index", "leaf"},
    "archive": {"archive", "lib", "leaf", "index", "templates"},
    "app": {"app", "archive", "lib", "leaf", "index", "templates"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for name, folder in FOLDERS.items():
        for path in (ROOT / folder).rglob("*.py"):
            rel = path.relative_to(ROOT / folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            found[".".join([name, *parts])] = path
    return found


def _layer(module: str) -> str:
    if module in LEAF:
        return "leaf"
    if module.startswith(APP):
        return "app"
    for name in ("docgen.archive", "docgen.index", "docgen.templates"):
        if module == name or module.startswith(name + "."):
            return name.split(".")[1]
    return "lib"


def _imports(path: Path, module: str, is_package: bool) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return {n for n in names if n == "docgen" or n.startswith("docgen.")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for module, path in modules.items():
        imported = _imports(path, module, path.name == "__init__.py")
        # keep the names that are modules (``from docgen.x import name`` names docgen.x)
        graph[module] = {n for n in imported if n in modules and n != module}
    return graph


def test_only_import_name_is_docgen() -> None:
    for folder in ("archive", "index", "templates"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.ImportFrom) and not node.level:
                    assert (node.module or "").split(".")[0] not in {
                        "archive",
                        "index",
                        "templates",
                    }, path
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        assert alias.name.split(".")[0] not in {"archive", "index", "templates"}, (
                            path
                        )


def test_layers_point_one_way() -> None:
    wrong = sorted(
        f"{module} ({_layer(module)}) imports {target} ({_layer(target)})"
        for module, targets in _graph().items()
        for target in targets
        if target != "docgen" and _layer(target) not in ALLOWED[_layer(module)]
    )
    assert not wrong, "\n".join(wrong)


def test_no_cycle_between_subpackages() -> None:
    """Between docgen's subpackages (docgen.archive, docgen.index, docgen.papers, docgen.seal, …)
    and its top modules (docgen.errors, docgen.model, …); modules inside one may lean on each other."""

    def package(module: str) -> str:
        """docgen.<name> (docgen.archive, docgen.papers, …) or a top module of docgen on its own."""
        return ".".join(module.split(".")[:2])

    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in _graph().items():
        for target in targets:
            a, b = package(module), package(target)
            if a != b:
                edges[a].add(b)
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                raise AssertionError("cycle: " + " → ".join([*trail[trail.index(nxt) :], nxt]))
            if not state.get(nxt):
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(edges):
        if not state.get(node):
            visit(node, [node])


def _imported_after(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_archive_and_index_do_not_import_click() -> None:
    for module in (
        "docgen.archive.workspace",
        "docgen.archive.ledger_io",
        "docgen.archive.cases",
        "docgen.index",
    ):
        assert "click" not in _imported_after(module), module


def test_index_loads_nothing_else_of_docgen() -> None:
    loaded = _imported_after("docgen.index")
    others = {m for m in loaded if m.startswith("docgen.") and not m.startswith("docgen.index")}
    assert others <= LEAF, others


def test_cli_start_up_loads_no_renderer_or_signer() -> None:
    """Every command pays for what ``docgen.cli`` imports: WeasyPrint, pyHanko, pikepdf and
    fontTools load only in the commands that use them (``docgen --help`` took 2.8 s before)."""
    loaded = {m.split(".")[0] for m in _imported_after("docgen.cli")}
    assert not loaded & {"weasyprint", "pyhanko", "pikepdf", "fontTools", "docx", "docxtpl"}


def test_only_docgen_locks_touches_the_os_lock() -> None:
    """File locks go through ``docgen.locks`` (exclusive, try_exclusive, shared, held_elsewhere),
    so the one place that would change for another platform is that module."""
    primitives = {"fcntl", "msvcrt", "filelock"}
    users = sorted(
        module
        for module, path in _modules().items()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if (
            isinstance(node, ast.Import) and {a.name.split(".")[0] for a in node.names} & primitives
        )
        or (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in primitives)
    )
    assert users == ["docgen.locks"], users


#: Underscore attributes of libraries that have no public call for what docgen needs: each is read
#: in one module, which says so with the version it was checked against.
LIBRARY_HOOKS = {
    "_add_object": "docgen.typeset.pdf_output",  # pypdf PdfWriter
    "_p": "docgen.docx_xml",  # python-docx Paragraph
    "_r": "docgen.docx_xml",  # python-docx Run
    "_tr": "docgen.docx_xml",  # python-docx table row
}


def test_a_library_hook_is_read_in_its_one_module() -> None:
    readers = sorted(
        (node.attr, module)
        for module, path in _modules().items()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in LIBRARY_HOOKS
    )
    assert {(attr, module) for attr, module in readers} == set(LIBRARY_HOOKS.items()), readers


def test_the_workspace_is_a_typed_parameter() -> None:
    """A parameter named ``ws`` or ``workspace`` is annotated ``Workspace`` (not ``Any``, not bare)."""
    untyped = sorted(
        f"{module}:{node.lineno} {node.name}({arg.arg}: {ast.unparse(arg.annotation or ast.Constant(None))})"
        for module, path in _modules().items()
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)
        if arg.arg == "ws" and "Workspace" not in ast.unparse(arg.annotation or ast.Constant(None))
    )
    assert not untyped, "\n".join(untyped)

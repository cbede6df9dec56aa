"""The package's layers: each folder imports only folders below it, so the import graph has no circle."""

import ast
from pathlib import Path

import kerastl

PACKAGE = Path(kerastl.__file__).parent

#: Every top-level module or folder of kerastl, lowest first; a module may import its own layer and those below.
LAYERS = [
    {"errors", "atomic_files", "options", "file_kinds"},
    {"backbones", "preprocessing", "data", "metrics", "tagging", "losses"},
    {"layers", "export", "reporting"},
    {"training"},
    {"tasks", "predictions"},
    {"pretrain", "testing", "hub_push"},
    {"runs"},
    {"cli", "__main__", "__init__"},
]


def _layer_of(part):
    return next(index for index, layer in enumerate(LAYERS) if part in layer)


def _imported_parts(tree):
    """The top-level kerastl parts a module imports (at module level or inside functions)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "kerastl" and len(parts) > 1:
                yield parts[1], node.lineno


def test_every_top_level_part_has_a_layer():
    parts = {path.stem for path in PACKAGE.glob("*.py")} | {
        path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert parts == set().union(*LAYERS)


def test_no_module_imports_a_higher_layer():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        own = _layer_of(relative.parts[0].removesuffix(".py"))
        for part, line in _imported_parts(ast.parse(path.read_text(encoding="utf-8"))):
            if _layer_of(part) > own:
                upward.append(f"kerastl/{relative}:{line} imports kerastl.{part}")
    assert not upward, "\n".join(upward)


def test_the_folders_import_each_other_without_a_circle():
    edges = {}
    for path in PACKAGE.rglob("*.py"):
        own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for part, _ in _imported_parts(ast.parse(path.read_text(encoding="utf-8"))):
            if part != own:
                edges.setdefault(own, set()).add(part)

    def circle_from(part, path):
        if part in path:
            return path[path.index(part):] + [part]
        for following in sorted(edges.get(part, ())):
            found = circle_from(following, path + [part])
            if found:
                return found
        return None

    circles = [circle_from(part, []) for part in sorted(edges)]
    assert not any(circles), " -> ".join(next(c for c in circles if c))

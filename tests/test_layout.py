"""The packages of ``bot/`` depend on each other in one direction only.

A newcomer reads the folders from the bottom up: shared vocabulary, the database,
then one folder per feature, then operations, then the adapters that Rasa and the
web call. Each module may import from its own package or from a package on a lower
layer, never from one beside or above it, so a feature can be read (and tested)
without the ones built on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot import PROJECT_ROOT

# Lowest first. "bot" is the package's own __init__ (PROJECT_ROOT) and settings.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("bot", "bot.settings"),
    ("bot.core",),
    ("bot.db",),
    ("bot.safety", "bot.plan"),
    ("bot.feedback",),
    ("bot.support",),
    ("bot.staff",),
    ("bot.ops",),
    ("bot.rasa_components", "bot.web", "bot.__main__", "actions"),
)


def package_of(module: str) -> str:
    """The layer entry a dotted module name belongs to."""
    best = ""
    for layer in LAYERS:
        for package in layer:
            if (module == package or module.startswith(package + ".")) and len(package) > len(
                best
            ):
                best = package
    return best


def layer_of(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("bot", "actions")}


def sources() -> list[Path]:
    files = sorted((PROJECT_ROOT / "bot").rglob("*.py")) + sorted(
        (PROJECT_ROOT / "actions").rglob("*.py")
    )
    return [f for f in files if "alembic" not in f.parts]


def test_every_module_belongs_to_a_layer():
    homeless = [module_name(f) for f in sources() if not package_of(module_name(f))]
    assert homeless == []


def test_imports_only_point_down():
    wrong = []
    for path in sources():
        own = package_of(module_name(path))
        for target in imported_modules(path):
            other = package_of(target)
            if not other or other == own or own.startswith(other + ".") or other == "bot":
                continue
            if layer_of(other) >= layer_of(own):
                wrong.append(f"{module_name(path)} imports {target}")
    assert wrong == [], "\n".join(sorted(wrong))


def test_bot_has_no_loose_modules_but_settings_and_the_cli():
    loose = sorted(p.name for p in (PROJECT_ROOT / "bot").glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "settings.py"]

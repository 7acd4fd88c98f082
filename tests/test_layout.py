"""The package layout is the pipeline: stages only look upstream, and the library never imports the CLI."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "planmap"

# Pipeline order of the stage subpackages; reference data may be read by every stage.
STAGES = ["reference", "read", "extract", "place", "join", "output"]


def _imports(path: Path) -> set[str]:
    """Every planmap module a file imports, at module level or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("planmap"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("planmap"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def _library_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if p.name != "cli.py")


def test_every_stage_is_a_subpackage() -> None:
    for stage in STAGES:
        assert (SRC / stage / "__init__.py").is_file(), stage
    flat = sorted(p.stem for p in SRC.glob("*.py"))
    # what stays at the top runs the stages or is shared by all of them
    assert set(flat) <= {"__init__", "atomic", "builder", "cache", "cli", "collector", "columns", "distributed", "errors",
                         "inputs", "models", "paths", "pipeline", "plan", "result", "vocab"}, flat


def test_no_library_module_imports_the_cli() -> None:
    offenders = [str(p.relative_to(SRC)) for p in _library_files() if "planmap.cli" in _imports(p)]
    assert offenders == []


@pytest.mark.parametrize("stage", STAGES)
def test_stages_only_look_upstream(stage: str) -> None:
    rank = {s: i for i, s in enumerate(STAGES)}
    bad = []
    for path in sorted((SRC / stage).rglob("*.py")):
        for module in _imports(path):
            other = _stage(module)
            if other is None or other == stage or other == "reference":
                continue
            if rank[other] > rank[stage] or stage == "reference":
                bad.append(f"{path.relative_to(SRC)} imports {module}")
    assert bad == [], bad


def test_stages_do_not_import_the_runner() -> None:
    runner = {"planmap.builder", "planmap.pipeline", "planmap.result", "planmap.distributed", "planmap.cache"}
    bad = [f"{p.relative_to(SRC)} imports {m}" for stage in STAGES for p in sorted((SRC / stage).rglob("*.py"))
           for m in _imports(p) if m in runner]
    assert bad == [], bad


def test_stages_use_only_the_public_names_of_other_stages() -> None:
    """A stage takes from another stage what that stage offers (no ``_private`` name), so a
    module's private helpers can change without breaking its neighbours.
    """
    offenders = []
    for path in SRC.rglob("*.py"):
        own = path.relative_to(SRC).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("planmap."):
                other = node.module.split(".")[1]
                if other in STAGES and other != own:
                    offenders += [f"{path.relative_to(SRC)}: {node.module}.{a.name}"
                                  for a in node.names if a.name.startswith("_")]
    assert offenders == []

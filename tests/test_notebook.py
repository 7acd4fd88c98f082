"""notebooks/explore.ipynb: committed without outputs, in step with its generator, and runs top to bottom."""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOK = NOTEBOOKS / "explore.ipynb"


def _generator():
    spec = importlib.util.spec_from_file_location("make_notebook", NOTEBOOKS / "make_notebook.py")
    module = importlib.util.module_from_spec(spec)
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in notebooks/
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = dont_write
    return module


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) >= 8
    for cell in code:
        assert cell.outputs == [], cell.source[:60]
        assert cell.execution_count is None, cell.source[:60]
    assert "widgets" not in nb.metadata
    assert nb.metadata.kernelspec.name == "python3"


def test_committed_notebook_matches_its_generator():
    nb = _generator().make_notebook()
    committed = nbformat.read(NOTEBOOK, as_version=4)
    assert [(c.cell_type, c.source) for c in committed.cells] == [(c.cell_type, c.source) for c in nb.cells], \
        "notebooks/explore.ipynb is stale: run python notebooks/make_notebook.py"


def _kernel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make sure a ``python3`` kernel running this interpreter is found (no ``ipykernel install``)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
        usable = spec.argv[0] in ("python", "python3", sys.executable)
    except NoSuchKernel:
        usable = False
    if usable:
        return
    folder = tmp_path / "jupyter" / "kernels" / "python3"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (planmap tests)", "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join([str(tmp_path / "jupyter"), os.environ.get("JUPYTER_PATH", "")]))


def _execute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seeds: str) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    _kernel_env(tmp_path, monkeypatch)
    out = tmp_path / "out"
    monkeypatch.setenv("PLANMAP_NOTEBOOK_OUT", str(out))
    monkeypatch.setenv("PLANMAP_NOTEBOOK_SEEDS", seeds)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # a failing assert in a cell raises CellExecutionError naming the cell
    assert (out / "tieling_sample_plan.gpkg").is_file()
    return nb


def _outputs(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", "") + json.dumps(o.get("data", {}), ensure_ascii=False))
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_notebook_runs_on_the_sample_plan(tmp_path, monkeypatch):
    before = sorted(p.name for p in NOTEBOOKS.iterdir())
    nb = _execute(tmp_path, monkeypatch, seeds="")
    text = _outputs(nb)
    assert "seeds: 0 documents" in text
    # the sample compared with itself: every project is named in both
    import re

    counts = re.search(r"A: [^\n]*\((\d+) projects\).*?named in both: (\d+)", text, re.S)
    assert counts and int(counts.group(1)) > 10 and counts.group(1) == counts.group(2), text[:500]
    assert "image/png" in text  # the county chart
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == before, "running the notebook wrote into the repo"


@pytest.mark.slow
@pytest.mark.seeds
@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_notebook_runs_on_the_seeds(tmp_path, monkeypatch, seeds_dir):
    nb = _execute(tmp_path, monkeypatch, seeds=str(seeds_dir))
    n = len([p for p in seeds_dir.iterdir() if p.suffix.lower() in (".txt", ".docx", ".html", ".htm", ".pdf")])
    assert f"seeds: {n} documents" in _outputs(nb)
    assert len(list((tmp_path / "out" / "build" / "data" / "plans").glob("*.geojson"))) == n + 1

"""Vendor the browser libraries planmap inlines into offline maps.

Offline maps must open with no network, so Leaflet and Leaflet.markercluster are copied from their npm
packages into ``src/planmap/data/vendor/<pkg>/`` (with their licence) and committed.
Run with ``python scripts/vendor_assets.py``; needs ``npm`` and access to the npm registry.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "src" / "planmap" / "data" / "vendor"

# package -> (version, files to copy from the package root)
PACKAGES: dict[str, tuple[str, list[str]]] = {
    "leaflet": (
        "1.9.4",
        [
            "LICENSE",
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
        ],
    ),
    "leaflet.markercluster": (
        "1.5.3",
        ["MIT-LICENCE.txt", "dist/leaflet.markercluster.js", "dist/MarkerCluster.css"],
    ),
}


def pack(name: str, version: str, workdir: Path) -> tuple[Path, dict]:
    """Download one package tarball with ``npm pack`` and return it with npm's metadata."""
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    meta = json.loads(out.stdout)[0]
    return workdir / meta["filename"], meta


def vendor(name: str, version: str, files: list[str], workdir: Path) -> dict:
    """Unpack one package and copy the listed files (flattened) into the vendor folder."""
    tgz, meta = pack(name, version, workdir)
    unpack = workdir / name
    with tarfile.open(tgz) as tar:
        tar.extractall(unpack, filter="data")
    root = unpack / "package"
    manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
    dest = VENDOR / name
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for rel in files:
        src = root / rel
        target = dest / ("images/" + src.name if "/images/" in rel else src.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    return {
        "name": name,
        "version": manifest["version"],
        "license": manifest.get("license", "?"),
        "integrity": meta.get("integrity", ""),
        "files": [("images/" if "/images/" in f else "") + Path(f).name for f in files],
    }


def write_readme(entries: list[dict]) -> None:
    """List what was vendored, so the licences and versions are reviewable in the repo."""
    lines = [
        "# Vendored browser libraries",
        "",
        "Inlined into offline maps by `planmap.output.offline`. Regenerate with",
        "`python scripts/vendor_assets.py` (downloads with `npm pack`); do not edit by hand.",
        "",
        "| package | version | licence | files | npm integrity |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in entries:
        lines.append(
            f"| {e['name']} | {e['version']} | {e['license']} | {', '.join(e['files'])} | `{e['integrity']}` |"
        )
    (VENDOR / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (VENDOR / "versions.json").write_text(
        json.dumps({e["name"]: e["version"] for e in entries}, indent=2) + "\n", encoding="utf-8"
    )


def main() -> int:
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        entries = [vendor(n, v, f, Path(tmp)) for n, (v, f) in PACKAGES.items()]
    write_readme(entries)
    for e in entries:
        print(f"vendored {e['name']} {e['version']} ({e['license']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

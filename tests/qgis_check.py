"""Open a planmap GeoPackage in QGIS (PyQGIS, headless) and print what each layer's style became.

Run by tests/output/test_export.py with the system Python that has PyQGIS; prints one JSON object.
"""
from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import Qgis, QgsApplication, QgsVectorLayer  # noqa: E402


def main(path: str) -> None:
    app = QgsApplication([], False)
    app.initQgis()
    out: dict = {"version": Qgis.QGIS_VERSION}
    for name in ("projects_point", "projects_line", "projects_area", "counties", "cities"):
        layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        renderer = layer.renderer()
        info = {"valid": layer.isValid(), "crs": layer.crs().authid(), "renderer": renderer.type() if renderer else None,
                "labels": bool(layer.labelsEnabled()), "aliases": {f.name(): f.alias() for f in layer.fields()}}
        if renderer and renderer.type() == "RuleRenderer":
            root = renderer.rootRule()
            info["rules"] = [r.label() for r in root.children()]
            leaves = [c for r in root.children() for c in r.children()]
            info["leaf_rules"] = len(leaves)
            info["symbol_layers"] = sorted({sl.layerType() for c in leaves if c.symbol()
                                            for sl in c.symbol().symbolLayers()})
            info["colors"] = sorted({c.symbol().color().name() for c in leaves if c.symbol()})
        out[name] = info
    print(json.dumps(out, ensure_ascii=False), flush=True)
    os._exit(0)  # QGIS's teardown can crash a headless process; the report is out


if __name__ == "__main__":
    main(sys.argv[1])

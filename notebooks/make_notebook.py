"""Write notebooks/explore.ipynb from the cells below (outputs stripped).

    python notebooks/make_notebook.py

Edit the cells here, not the .ipynb, and commit both. The notebook runs top to bottom on the
plan bundled with planmap, and also uses ``../shared/seeds`` (next to the repository) when that
folder exists; ``PLANMAP_NOTEBOOK_SEEDS`` points at another folder, or disables seeds when set
to an empty string. Outputs go to ``PLANMAP_NOTEBOOK_OUT`` or a fresh temporary folder, never
into the repository. ``tests/test_notebook.py`` executes it.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "explore.ipynb"

CELLS: list[tuple[str, str]] = [
    ("md", """\
# Exploring plans with planmap

From a plan document to a GIS-ready layer: read a plan, look at its outline, extract and review
its projects, geocode them, filter by category and precision, compare two plans on one map,
summarise by county and export for a GIS team.

Runs on the plan bundled with planmap; when `../shared/seeds` exists next to the repository
(or `PLANMAP_NOTEBOOK_SEEDS` names a folder) its plans are used for the comparison and the
export too. Files are written to `PLANMAP_NOTEBOOK_OUT`, or to a temporary folder."""),
    ("code", """\
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd

import planmap
from planmap.cli import DOC_SUFFIXES, sample_plan

OUT = Path(os.environ.get("PLANMAP_NOTEBOOK_OUT") or tempfile.mkdtemp(prefix="planmap-notebook-"))
OUT.mkdir(parents=True, exist_ok=True)


def repo_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


seeds_env = os.environ.get("PLANMAP_NOTEBOOK_SEEDS")
if seeds_env is not None:
    SEEDS = Path(seeds_env) if seeds_env else None
else:
    root = repo_root(Path.cwd().resolve())
    SEEDS = root.parent / "shared" / "seeds" if root else None
SEED_DOCS = sorted(p for p in SEEDS.iterdir() if p.suffix.lower() in DOC_SUFFIXES) if SEEDS and SEEDS.is_dir() else []
SAMPLE = sample_plan()
assert SAMPLE.is_file(), SAMPLE
print(f"sample plan: {SAMPLE.name}; seeds: {len(SEED_DOCS)} documents in {SEEDS}; output: {OUT}")"""),
    ("md", """\
## 1. Read a plan

`read_plan` decodes the document, cleans it and reads its metadata and home region (the region
the plan governs, used as the prior for geocoding). In Jupyter a `Plan` shows a short summary."""),
    ("code", """\
plan = planmap.read_plan(SAMPLE)
assert plan.title and plan.home_region is not None
assert plan.home_region.adcode == "211200"  # 铁岭市
plan"""),
    ("md", """\
## 2. The outline

Headings with their levels, and how many clauses (blocks of body text) sit under each
top-level section. Projects keep the section path they were found in."""),
    ("code", """\
for h in plan.headings:
    print("    " * (h.level - 1) + f"{h.marker}{h.title}")
sections = pd.Series([c.section[0] if c.section else "(preamble)" for c in plan.clauses]).value_counts()
assert len(plan.headings) > 0 and len(plan.clauses) > 0
assert sections.sum() == len(plan.clauses)
sections.rename("clauses").to_frame()"""),
    ("md", """\
## 3. Extract and review the projects

Every mappable project with its evidence: the section, the sentence, the responsible units, the
deadline and the figures. Review the table before trusting the map."""),
    ("code", """\
projects = planmap.extract_projects(plan)
table = planmap.projects_frame(projects)
review = ["name", "category", "geom", "section", "lead_units", "deadline", "figures"]
assert len(table) == len(projects) > 10
assert set(review) <= set(table.columns)
assert table["name"].is_unique
table[review]"""),
    ("md", """\
## 4. Geocode and join to counties

Every project is placed offline with an honest precision (`exact`, `approx`, `town`, `county`,
`city`, `province`), a confidence and the source of its location, then joined to the counties
it lies in (kilometres per county for lines). `analyse_plan` does the same steps in one call
and returns a `PlanResult` with the export columns."""),
    ("code", """\
gdf = planmap.assign_regions(planmap.geocode_projects(projects, plan))
assert gdf.crs.to_epsg() == 4326 and len(gdf) == len(projects)
assert gdf.geometry.notna().all()

result = planmap.analyse_plan(SAMPLE)
from planmap.output.export import PROPERTIES

assert len(result.projects) == len(projects)
assert set(PROPERTIES) <= set(result.projects.columns)
assert set(result.projects["precision"]) <= {"exact", "approx", "town", "county", "city", "province"}
result"""),
    ("code", """\
cols = ["name", "category", "precision", "confidence", "location_source", "counties"]
result.projects[cols].sort_values(["precision", "category"])"""),
    ("code", """\
result.explore()"""),
    ("md", """\
## 5. Filter by category and precision

`PlanResult.filter` keeps the projects of some categories and/or precisions; the result is a
`PlanResult` again (table, map and exports). Here: transport projects, and everything placed at
least as precisely as a county."""),
    ("code", """\
by_category = result.counts("category")
by_precision = result.counts("precision")
assert sum(by_category.values()) == sum(by_precision.values()) == len(result.projects)
print("by category:", by_category)
print("by precision:", by_precision)

transport = result.filter(category=["railway", "highway", "bridge", "airport"])
placed = result.filter(precision=["exact", "approx", "town", "county"])
assert len(transport.projects) == sum(by_category.get(c, 0) for c in ("railway", "highway", "bridge", "airport")) > 0
assert set(placed.projects["precision"]) <= {"exact", "approx", "town", "county"}
assert len(placed.projects) + by_precision.get("city", 0) + by_precision.get("province", 0) == len(result.projects)
transport.projects[["name", "category", "precision", "counties"]]"""),
    ("code", """\
placed.explore(title="按县区及以上精度定位的项目")"""),
    ("md", """\
## 6. Compare two plans on one map

Two seed plans when `../shared/seeds` is there, otherwise the sample plan twice (then every
project is shared). The first plan is drawn with planmap's styling; the second is overlaid as
black rings, so where the plans agree the markers coincide."""),
    ("code", """\
import folium

import json


def pick_pair(docs: list[Path]) -> list[Path]:
    # two documents, preferring two that govern the same province; the sample twice without seeds
    if len(docs) < 2:
        return [SAMPLE, SAMPLE]
    homes = {}
    for doc in docs:
        home = planmap.read_plan(doc).home_region
        homes[doc] = home.adcode[:2] if home else ""
    for i, x in enumerate(docs):
        for y in docs[i + 1:]:
            if homes[x] and homes[x] == homes[y]:
                return [x, y]
    return docs[:2]


pair = pick_pair(SEED_DOCS)
a, b = (planmap.analyse_plan(p) for p in pair)
shared = sorted(set(a.projects["name"]) & set(b.projects["name"]))
print(f"A: {a.title} ({len(a.projects)} projects)\\nB: {b.title} ({len(b.projects)} projects)\\n"
      f"named in both: {len(shared)}")
if pair[0] == pair[1]:
    assert len(shared) == len(a.projects) == len(b.projects)

m = a.explore(title=f"{a.title} / {b.title}", subtitle="A: coloured markers · B: black rings")
overlay = folium.FeatureGroup(name=f"B: {b.title}", show=True)
b_layer = b.projects[["name", "category", "precision", "geometry"]]
if len(b_layer):
    folium.GeoJson(
        b_layer,
        marker=folium.CircleMarker(radius=9, color="#000000", weight=2, fill=False),
        style_function=lambda _: {"color": "#000000", "weight": 2, "dashArray": "4 4"},
        tooltip=folium.GeoJsonTooltip(["name", "category", "precision"]),
    ).add_to(overlay)
overlay.add_to(m)
html = m.get_root().render()
assert all(json.dumps(name)[1:-1] in html for name in b.projects["name"])  # folium escapes non-ASCII
m"""),
    ("md", """\
## 7. Region statistics

Projects and kilometres of lines (railways, roads, rivers) per county, from the `regions`
table (the same numbers as `regions.csv` of a build)."""),
    ("code", """\
regions = result.regions
assert list(regions.columns) == ["adcode", "name", "level", "city_adcode", "province", "projects", "line_km", "line_km_estimated", "counts"]
counties = regions[regions["level"] == "county"].sort_values("projects", ascending=True)
assert len(counties) > 0 and (counties["projects"] > 0).all()
line_km = sum(sum(km.values()) for km in result.projects["county_km"])
assert abs(counties["line_km"].sum() - line_km) < 0.01 * max(line_km, 1)

plt.rcParams["font.sans-serif"] = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "SimHei", "DejaVu Sans"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 0.35 * len(counties) + 1.5), sharey=True)
ax1.barh(counties["name"], counties["projects"], color="#3b6ea5")
ax1.set_xlabel("projects")
ax2.barh(counties["name"], counties["line_km"], color="#c0504d")
ax2.set_xlabel("km of lines")
fig.suptitle(result.title)
fig.tight_layout()
plt.show()
counties[["adcode", "name", "projects", "line_km"]]"""),
    ("md", """\
## 8. Export for a GIS team

`PlanResult.to_file` writes GeoJSON (RFC 7946), a GeoPackage (point, line and area layers plus
the counties) or CSV with WKT, chosen by the suffix. `planmap.build` writes the whole set for
several plans (with maps if wanted); its `.results` are `PlanResult`s again."""),
    ("code", """\
import pyogrio

files = {suffix: result.to_file(OUT / f"{plan.id}{suffix}") for suffix in (".geojson", ".gpkg", ".csv")}
assert len(gpd.read_file(files[".geojson"])) == len(result.projects)
assert len(pd.read_csv(files[".csv"], encoding="utf-8-sig")) == len(result.projects)
layers = [name for name, _ in pyogrio.list_layers(files[".gpkg"])]
assert set(layers) >= {"projects_point", "projects_line", "projects_area", "counties", "cities", "plans"}
assert sum(len(gpd.read_file(files[".gpkg"], layer=l)) for l in layers if l.startswith("projects")) == len(result.projects)
{suffix: f"{path} ({path.stat().st_size:,} bytes)" for suffix, path in files.items()}"""),
    ("code", """\
docs = [SAMPLE, *SEED_DOCS]
built = planmap.build(docs, out=OUT / "build", maps=False)
assert not built.failures, built.failures
assert len(built.results) == len(built.plans) == len(docs)
assert sum(len(r.projects) for r in built.results) == len(built.projects)
pd.DataFrame([{"plan": r.plan.id, "title": r.title, "projects": len(r.projects),
               "home region": r.plan.home_region.name if r.plan.home_region else "?",
               **r.counts("precision")} for r in built.results]).fillna(0)"""),
    ("code", """\
sorted(str(p.relative_to(built.out)) for p in built.files)"""),
]


def make_notebook() -> nbformat.NotebookNode:
    """The notebook, with no outputs and no execution counts."""
    cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in CELLS]
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids: regenerating gives the same file
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(nb)
    return nb


def main() -> None:
    nbformat.write(make_notebook(), NOTEBOOK)
    print(f"wrote {NOTEBOOK}")


if __name__ == "__main__":
    main()

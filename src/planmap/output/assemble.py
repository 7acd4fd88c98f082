"""Whole-dataset exports assembled from per-plan pieces, so a rebuild only concatenates.

A plan's pieces are made once, where its document is processed (a Dask worker or this
process), and cached with the document: its GeoJSON features and CSV rows as text, its
GeoPackage rows as a flat frame, its GeoParquet rows as an Arrow table, what the registry and
the region table need of each project, and its row of the plans table. The only cross-plan
value in a project's row is its ``registry_id``; the text pieces are cut around it, so the
build puts the id in between. Assembling N plans is then a sort by project id and a join of
strings and tables: the files are byte-identical to those :mod:`planmap.output.export` writes
from the whole frame.
"""
from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planmap.columns import REGION_COLUMNS, REGISTRY_COLUMNS
from planmap.output.export import (
    _flat,
    _has_nested,
    _labelled,
    _line_categories,
    _plain,
    _published,
    feature_dicts,
    parquet_table,
    safe_cell,
    write_parquet_table,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pyarrow as pa

    from planmap.join.regions import RegionInput
    from planmap.models import Plan
    from planmap.reference.gazetteer import Gazetteer

#: columns of the plans table of the GeoPackage, without the project count
PLAN_COLUMNS = ("plan", "title", "issuer", "date", "doc_number", "home_adcode", "home_region", "home_level",
                "file", "format")


@dataclass
class PlanPieces:
    """One plan's share of every whole-dataset export, ready to be concatenated."""

    plan_id: str
    plan_row: dict[str, str]
    columns: tuple[str, ...] = ()  # the frame's columns (all plans must agree to be assembled)
    ids: list[str] = field(default_factory=list)  # project ids, sorted
    # GeoJSON and CSV text before/after the registry id, UTF-8 (half the memory of str for Chinese)
    features: list[tuple[bytes, bytes]] = field(default_factory=list)
    csv_rows: list[tuple[bytes, bytes]] = field(default_factory=list)
    csv_header: bytes = b""
    # the GeoPackage rows (export._flat) as plain lists, column by column, sorted by id, registry_id
    # empty: a frame per plan would cost far more memory than its values when a build holds thousands
    flat: dict[str, list] = field(default_factory=dict)
    flat_geoms: list = field(default_factory=list)
    # sorted tuples, not sets: a cache entry's bytes must not depend on the string hash seed
    dumped: tuple[str, ...] = ()  # flat columns written as JSON text in this plan
    arrow: bytes = b""  # the GeoParquet rows (Arrow IPC stream), sorted by id, registry_id empty
    geom_types: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    registry: list[tuple] = field(default_factory=list)  # (id, key, province, x, y, name, category, mentions)
    regions: list[RegionInput] = field(default_factory=list)  # per row in frame order (join.regions.region_inputs)
    provinces: tuple[str, ...] = ()  # provinces whose counties the plan touches (county layer)
    counts: dict[str, int] = field(default_factory=dict)  # projects by category (index page)
    packed: dict[str, bytes] = field(default_factory=dict)  # see pack()

    @property
    def n(self) -> int:
        return len(self.ids)


def plan_row(plan: Plan) -> dict[str, str]:
    """The plan's row of the GeoPackage plans table (export.plans_table)."""
    home = plan.home_region
    return {"plan": plan.id, "title": plan.title or "", "issuer": plan.issuer or "", "date": plan.date or "",
            "doc_number": plan.doc_number or "", "home_adcode": home.adcode if home else "",
            "home_region": home.name if home else "", "home_level": home.level if home else "",
            "file": Path(plan.path).name, "format": plan.format or ""}


def _utf8(pair: tuple[str, str]) -> tuple[bytes, bytes]:
    return pair[0].encode("utf-8"), pair[1].encode("utf-8")


def _cut(text: str, mark: str) -> tuple[str, str]:
    head, sep, tail = text.partition(mark)
    if not sep or mark in tail:
        raise ValueError("registry id stand-in not found exactly once")
    return head, tail


def plan_pieces(plan: Plan, gdf: gpd.GeoDataFrame, gaz: Gazetteer, provinces: Iterable[str] = ()) -> PlanPieces:
    """Every export's share of one joined plan (``gdf``: its projects with ids and regions)."""
    import pandas as pd
    import shapely

    from planmap.join.regions import region_inputs
    from planmap.join.registry import registry_inputs

    pieces = PlanPieces(plan.id, plan_row(plan), provinces=tuple(sorted(set(provinces))))
    if len(gdf) == 0:
        return pieces
    gdf = gdf.assign(registry_id=None)
    ordered = gdf.sort_values("id")  # once: the pieces below take the rows in this order as they are
    for _attempt in range(8):
        mark = "RID" + secrets.token_hex(16)  # a stand-in for the registry id, cut out below
        try:
            _text_pieces(pieces, ordered.assign(registry_id=mark), mark)
            break
        except ValueError:  # the plan's own text holds the stand-in (never in practice): draw again
            continue
    else:
        raise ValueError("no registry id stand-in found")
    pieces.ids = [str(i) for i in ordered["id"]]
    labelled = _labelled(ordered)
    table, geoms = parquet_table(ordered, labelled)
    pieces.dumped = tuple(str(c) for c in labelled[0].columns if _has_nested(labelled[0][c].tolist()))
    flat = _flat(gdf, labelled)
    _csv_pieces(pieces, flat)
    pieces.flat = {str(c): flat[c].tolist() for c in flat.columns if c != "geometry"}
    pieces.flat_geoms = list(flat.geometry)
    pieces.arrow = _ipc(table)
    present = [g for g in geoms if g is not None and not g.is_empty]
    pieces.geom_types = tuple(sorted({g.geom_type for g in present}))
    if present:
        b = shapely.total_bounds(present)
        pieces.bbox = (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
    pieces.registry = registry_inputs(ordered)
    pieces.regions = region_inputs(gdf, gaz)
    pieces.counts = {str(k): int(v) for k, v in pd.Series(gdf["category"]).value_counts().sort_index().items()}
    pack(pieces)
    return pieces


#: the bulky parts of a plan's pieces, kept compressed until the export that needs them is written
PACKED = ("features", "csv_rows", "flat", "flat_geoms", "arrow")


def pack(pieces: PlanPieces) -> None:
    """Compress the bulky parts (zlib over their pickle): a build holding thousands of plans keeps
    a quarter of the bytes, and unpacks one part for every plan only while writing its file.
    """
    import pickle
    import zlib

    for name in PACKED:
        pieces.packed[name] = zlib.compress(pickle.dumps(getattr(pieces, name), protocol=5), 1)
        setattr(pieces, name, type(getattr(pieces, name))())


def unpacked(pieces: PlanPieces, name: str) -> Any:
    """One part of a plan's pieces, decompressed (a new object: drop it after use)."""
    import pickle
    import zlib

    if name not in pieces.packed:
        return getattr(pieces, name)
    return pickle.loads(zlib.decompress(pieces.packed[name]))


def _text_pieces(pieces: PlanPieces, gdf: gpd.GeoDataFrame, mark: str) -> None:
    """The GeoJSON features of a plan whose registry ids are all ``mark``, cut around it."""
    pieces.columns = tuple(str(c) for c in gdf.columns)
    quoted = json.dumps(mark)
    pieces.features = [_utf8(_cut(json.dumps(f, ensure_ascii=False, separators=(",", ":")), quoted))
                       for f in feature_dicts(gdf)]


def _ipc(table: pa.Table) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _table(data: bytes) -> pa.Table:
    import pyarrow as pa

    return pa.ipc.open_stream(data).read_all()


def _csv_pieces(pieces: PlanPieces, flat: gpd.GeoDataFrame) -> None:
    """The CSV header and each row (export.write_csv) as the text before and after its registry id.

    The cells on either side are written by the same csv writer, so joining them with the id
    gives the line that writer makes of the whole row.
    """
    import csv
    import io

    def line(cells: list[Any]) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(cells)
        return buf.getvalue()

    cols = [c for c in flat.columns if c != "geometry"]
    at = cols.index("registry_id")
    pieces.csv_header = line([*cols, "wkt"]).encode("utf-8")
    values = [flat[c].tolist() for c in cols]  # column by column: iterrows made a Series per row
    rows = []
    for i, geom in enumerate(flat.geometry.tolist()):
        cells = [("" if col[i] is None else safe_cell(col[i])) for col in values] + \
                [geom.wkt if geom is not None and not geom.is_empty else ""]
        rows.append(_utf8((line(cells[:at]).removesuffix("\n") + ",", "," + line(cells[at + 1:]))))
    pieces.csv_rows = rows


# ------------------------------------------------------------------ regions


def region_rows(pieces: Iterable[PlanPieces], gaz: Gazetteer) -> list[dict]:
    """join.regions.region_table over every plan, from the pieces (same sums, same order)."""
    from planmap.join.regions import sum_regions

    return sum_regions((r for p in pieces for r in p.regions), gaz)


def km_by_category(pieces: Iterable[PlanPieces]) -> tuple[dict[str, dict[str, float]], list[str]]:
    """export._km_by_category and export._line_categories over every plan, from the pieces."""
    km: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    seen: set[str] = set()
    for p in pieces:
        for _units, category, km_rows, _estimate in p.regions:
            if km_rows:
                seen.add(str(category))
            for code, length, city in km_rows:
                km[code][str(category)] += length
                if city:
                    km[city][str(category)] += length
    cats = _line_categories(None)
    return km, [*cats, *sorted(seen - set(cats))]


# ------------------------------------------------------------------ assembling


@dataclass
class Assembled:
    """Every plan's pieces in project-id order, with the registry ids filled in."""

    pieces: list[PlanPieces]
    order: list[tuple[str, int, int]]  # (project id, plan index, row index), sorted by id
    registry_ids: list[list[str]]  # per plan, per row (id order): the registry id


def assemble(pieces: list[PlanPieces], registry_ids: dict[str, str]) -> Assembled:
    """Sort every project by id (ties keep plan order) and look up its registry id."""
    order = sorted(((pid, i, j) for i, p in enumerate(pieces) for j, pid in enumerate(p.ids)))
    rids = [[registry_ids[pid] for pid in p.ids] for p in pieces]
    return Assembled(pieces, order, rids)


def consistent(pieces: Sequence[PlanPieces]) -> bool:
    """Whether the plans' rows can be concatenated as they are: every plan with projects has the
    same columns (else the whole frame's extra columns would change some plan's rows).
    """
    shapes = {p.columns for p in pieces if p.n}
    return len(shapes) == 1


def _feature(features: list[tuple[bytes, bytes]], j: int, rid: str) -> bytes:
    head, tail = features[j]
    return head + json.dumps(rid).encode("ascii") + tail


def _write(path: Path, data: bytes) -> Path:
    """Write bytes as export.write_text writes text: atomically, mode 0644."""
    with _published(Path(path)) as tmp:
        tmp.write_bytes(data)
    return Path(path)


_OPEN = b'{"type":"FeatureCollection","features":['
_CLOSE = b"]}\n"


def write_plan_geojson(p: PlanPieces, rids: list[str], path: Path) -> Path:
    """``data/plans/<id>.geojson`` of one plan."""
    features = unpacked(p, "features")
    return _write(path, _OPEN + b",".join(_feature(features, j, rid) for j, rid in enumerate(rids)) + _CLOSE)


def write_all_geojson(a: Assembled, path: Path) -> Path:
    """``data/projects.geojson``: every plan's features in id order."""
    features = [unpacked(p, "features") for p in a.pieces]
    return _write(path, _OPEN + b",".join(_feature(features[i], j, a.registry_ids[i][j]) for _, i, j in a.order)
                  + _CLOSE)


def write_all_csv(a: Assembled, path: Path) -> Path:
    """``data/projects.csv``: UTF-8 with BOM, the header, then every plan's rows in id order."""
    header = next(p.csv_header for p in a.pieces if p.n)
    lines = [b"\xef\xbb\xbf", header]
    rows = [unpacked(p, "csv_rows") for p in a.pieces]
    for _, i, j in a.order:
        head, tail = rows[i][j]
        lines.append(head + a.registry_ids[i][j].encode("ascii") + tail)
    return _write(path, b"".join(lines))


def write_all_parquet(a: Assembled, path: Path) -> Path:
    """``data/projects.parquet``: the plans' Arrow rows concatenated and put in id order."""
    import pyarrow as pa

    used = [(i, p) for i, p in enumerate(a.pieces) if p.n]
    table = pa.concat_tables([_table(unpacked(p, "arrow")) for _, p in used])
    starts, at = {}, 0
    for i, p in used:
        starts[i] = at
        at += p.n
    table = table.take(pa.array([starts[i] + j for _, i, j in a.order], type=pa.int64()))
    rids = pa.array([a.registry_ids[i][j] for _, i, j in a.order], type=pa.string())
    table = table.set_column(table.schema.get_field_index("registry_id"), "registry_id", rids).combine_chunks()
    boxes = [p.bbox for _, p in used if p.bbox is not None]
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes)) if boxes else None
    return write_parquet_table(table, set().union(*(p.geom_types for _, p in used)), bbox, path)


def flat_frame(a: Assembled) -> gpd.GeoDataFrame:
    """The GeoPackage rows of every plan (export._flat of the whole frame), in id order: one
    frame made from the plans' value lists, as export._flat makes it from the whole frame's.
    """
    import geopandas as gpd
    import pandas as pd

    used = [p for p in a.pieces if p.n]
    dumped = set().union(*(p.dumped for p in used))
    flats = [unpacked(p, "flat") if p.n else {} for p in a.pieces]
    columns = list(next(f for f in flats if f))

    def value(i: int, col: str, j: int) -> Any:
        p, v = a.pieces[i], flats[i][col][j]
        if col in dumped and col not in p.dumped and v is not None:
            # a column this plan holds as plain values, another as lists: JSON text for all
            return json.dumps(_plain(v), ensure_ascii=False)
        return v

    data: dict[str, list] = {}
    for col in columns:
        if col == "registry_id":
            data[col] = [a.registry_ids[i][j] for _, i, j in a.order]
        else:
            data[col] = [value(i, col, j) for _, i, j in a.order]
    frame = pd.DataFrame(data, index=range(len(a.order)), columns=columns)
    frame["confidence"] = frame["confidence"].astype(float)
    flats.clear()  # the value lists are in the frame now
    geoms = [unpacked(p, "flat_geoms") if p.n else [] for p in a.pieces]
    return gpd.GeoDataFrame(frame, geometry=[geoms[i][j] for _, i, j in a.order], crs="EPSG:4326")


def write_exports(out: Path, assembled: Assembled, counties: gpd.GeoDataFrame, regions: list[dict],
                  registry: list[dict], on_plan_error: Callable[[str, BaseException], None]) -> list[Path]:
    """Every export file of a build from its plans' pieces."""
    from planmap.output.export import write_gpkg, write_rows_csv

    data = out / "data"
    files: list[Path] = []
    for p, rids in zip(assembled.pieces, assembled.registry_ids, strict=True):
        try:
            files.append(write_plan_geojson(p, rids, data / "plans" / f"{p.plan_id}.geojson"))
        except OSError:
            raise
        except Exception as exc:  # noqa: BLE001 - one plan must not sink the others
            on_plan_error(p.plan_id, exc)
    files.append(write_all_geojson(assembled, data / "projects.geojson"))
    km, km_cats = km_by_category(assembled.pieces)
    plans = [p.plan_row | {"projects": p.n} for p in sorted(assembled.pieces, key=lambda p: p.plan_id)]
    files.append(write_gpkg(None, counties, data / "projects.gpkg", regions=regions, plan_rows=plans,
                            flat=flat_frame(assembled), km=(km, km_cats)))
    files.append(write_all_parquet(assembled, data / "projects.parquet"))
    files.append(write_all_csv(assembled, data / "projects.csv"))
    files.append(write_rows_csv(registry, list(REGISTRY_COLUMNS), data / "registry.csv"))
    files.append(write_rows_csv(regions, list(REGION_COLUMNS), data / "regions.csv"))
    return files

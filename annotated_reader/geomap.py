"""Maps drawn at build time as SVG: today's country outlines, a conic projection, place markers.

The outlines are Natural Earth's 1:50m countries as the npm package `world-atlas` ships them
(TopoJSON, installed by `npm ci`, never committed). TopoJSON stores each border once as an
*arc* shared by the countries on both sides, so the map is drawn from arcs: the land as one
filled path (coastlines), the borders between countries as one stroked path, each arc once.
Arcs are simplified to the drawing's pixel size before polygons are built from them, so two
neighbours keep exactly the same border (shapely does the simplifying and the clipping).

The projection is a Lambert conformal conic (Snyder, *Map Projections: A Working Manual*,
1987, eqs. 15-1 to 15-4, on the sphere): shapes stay right across the band from the Caucasus
to Siberia and Berlin, and north stays up along the central meridian. Written out here in a
few lines because pyproj, for this one formula, would add a 10 MB wheel with the PROJ database.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely

from .child import Child, ChildFailed

ATLAS = Path("node_modules") / "world-atlas" / "countries-50m.json"
# The map's frame in degrees: London to beyond the Yenisei, Tehran to the Arctic coast.
# Places outside it (Harbin, Beijing ...) are listed as beyond the map's edge.
EXTENT = (-11.0, 33.0, 100.0, 72.0)  # west, south, east, north


class AtlasMissing(Exception):
    """world-atlas is not installed (a fresh clone before `npm ci`)."""


@dataclass(frozen=True)
class Conic:
    """Lambert conformal conic on the unit sphere: standard parallels lat1, lat2; origin (lat0, lon0)."""

    lat1: float = 45.0
    lat2: float = 65.0
    lat0: float = 52.0
    lon0: float = 45.0

    @property
    def _constants(self) -> tuple[float, float, float]:
        p1, p2, p0 = (math.radians(v) for v in (self.lat1, self.lat2, self.lat0))
        t = lambda phi: math.tan(math.pi / 4 + phi / 2)  # noqa: E731
        n = math.log(math.cos(p1) / math.cos(p2)) / math.log(t(p2) / t(p1))
        f = math.cos(p1) * t(p1) ** n / n
        return n, f, f / t(p0) ** n

    def project(self, lon, lat):
        """(x, y) with y growing northward; takes floats or numpy arrays."""
        n, f, rho0 = self._constants
        phi = np.radians(np.clip(lat, -89.9, 89.9))
        rho = f / np.tan(np.pi / 4 + phi / 2) ** n
        theta = n * np.radians(((np.asarray(lon) - self.lon0 + 180) % 360) - 180)
        return rho * np.sin(theta), rho0 - rho * np.cos(theta)


PROJECTION = Conic()


@dataclass(frozen=True)
class Frame:
    """A rectangle of the projected plane drawn into a `width` x `height` SVG viewBox."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: int

    @property
    def scale(self) -> float:
        return self.width / (self.x1 - self.x0)

    @property
    def height(self) -> int:
        return round((self.y1 - self.y0) * self.scale)

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """SVG coordinates (y down) of a place."""
        x, y = PROJECTION.project(lon, lat)
        return (float(x) - self.x0) * self.scale, (self.y1 - float(y)) * self.scale

    def contains(self, lon: float, lat: float, margin: float = 0) -> bool:
        x, y = self.point(lon, lat)
        return margin <= x <= self.width - margin and margin <= y <= self.height - margin


def extent_frame(width: int) -> Frame:
    """The whole map: the bounding box of EXTENT's projected edges."""
    west, south, east, north = EXTENT
    lons = np.concatenate([np.linspace(west, east, 50), np.full(20, west), np.full(20, east), np.linspace(west, east, 50)])
    lats = np.concatenate([np.full(50, south), np.linspace(south, north, 20), np.linspace(south, north, 20), np.full(50, north)])
    xs, ys = PROJECTION.project(lons, lats)
    # Cut the empty corners of the fan: the south-west and south-east are sea and desert.
    return Frame(float(xs.min()) * 0.96, float(ys.min()) + 0.02, float(xs.max()) * 0.9, float(ys.max()) - 0.07, width)


def fitted_frame(points: list[tuple[float, float]], width: int, aspect: float, minimum: float = 0.12) -> Frame:
    """A frame around (lon, lat) points with a margin, at least `minimum` of the whole map wide."""
    whole = extent_frame(width)
    xs, ys = PROJECTION.project(np.array([p[0] for p in points]), np.array([p[1] for p in points]))
    span_x = max(float(xs.max() - xs.min()), (whole.x1 - whole.x0) * minimum)
    span_y = max(float(ys.max() - ys.min()), span_x * aspect)
    span_x = max(span_x, span_y / aspect) * 1.3  # room for labels
    span_y = span_x * aspect
    cx, cy = float(xs.max() + xs.min()) / 2, float(ys.max() + ys.min()) / 2
    return Frame(cx - span_x / 2, cy - span_y / 2, cx + span_x / 2, cy + span_y / 2, width)


# -- outlines ---------------------------------------------------------------------------------

@lru_cache(maxsize=2)
def _topology(path: Path) -> tuple[list[np.ndarray], np.ndarray, list, np.ndarray, list]:
    """The atlas read (`_read_topology`): by the child `read_ahead` started, if it is done, else here."""
    return _read_ahead_result(path) or _read_topology(path)


def _read_topology(path: Path) -> tuple[list[np.ndarray], np.ndarray, list, np.ndarray, list]:
    """Projected arcs and their boxes, land polygons and their boxes, and the arcs that are borders
    between two countries (an arc shared by two countries is drawn once)."""
    if not path.is_file():
        raise AtlasMissing(str(path))
    topo = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    # All arcs in one array: positions are delta-encoded per arc, so a running sum over the whole
    # array minus the sum before each arc's start decodes them in one numpy pass.
    lengths = np.array([len(arc) for arc in topo["arcs"]])
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    deltas = np.array([point[:2] for arc in topo["arcs"] for point in arc], dtype=float)
    total = np.cumsum(deltas, axis=0)
    before = np.repeat(total[starts] - deltas[starts], lengths, axis=0)
    q = total - before
    xy = np.column_stack(PROJECTION.project(q[:, 0] * sx + tx, q[:, 1] * sy + ty))
    arcs = np.split(xy, starts[1:])
    boxes = np.column_stack([np.minimum.reduceat(xy[:, 0], starts), np.minimum.reduceat(xy[:, 1], starts),
                             np.maximum.reduceat(xy[:, 0], starts), np.maximum.reduceat(xy[:, 1], starts)])
    uses = np.zeros(len(arcs), dtype=int)
    for geometry in topo["objects"]["countries"]["geometries"]:
        for ring in _rings(geometry):
            for index in ring:
                uses[index if index >= 0 else ~index] += 1
    # The land of the Americas and Oceania lies across the projection's cut (lon0 + 180°): leave it out.
    land = [polygon for g in topo["objects"]["land"]["geometries"] for polygon in _polygons(g)
            if _in_hemisphere(topo["arcs"], polygon, sx, tx, sy, ty)]
    land_boxes = np.array([_union_box(boxes, polygon[0]) for polygon in land])
    borders = [i for i, n in enumerate(uses) if n >= 2]
    return arcs, boxes, land, land_boxes, borders


# Reading the atlas (0.8 MB of JSON, 80,000 points decoded and projected) takes a fifth of a second that a
# build spends before its first map, while the machine's other core is idle. The hooks call `read_ahead`
# first thing in a build; the first map takes the child's result if it is in, and reads the atlas itself
# otherwise (stopping the child): the same `_read_topology` either way, so the same maps.
_reading: dict = {}  # the atlas's resolved path -> the Child reading it


def read_ahead(atlas: Path) -> None:
    """Start reading `atlas` in a child process (child.py, for `_topology`); nothing when it is missing."""
    stop_reading_ahead()
    atlas = atlas.resolve()
    if atlas.is_file():
        _reading[atlas] = Child(_read_topology, atlas)


def _read_ahead_result(path: Path) -> tuple | None:
    """The child's reading of `path` if it is done (a child still at work is stopped), else None."""
    child = _reading.pop(path, None)
    if child is None or not child.done():
        if child:
            child.stop()
        return None
    try:
        return child.result()
    except ChildFailed:
        return None


def stop_reading_ahead() -> None:
    """Stop any child still reading the atlas and remove its file (a build that drew no map)."""
    for child in _reading.values():
        child.stop()
    _reading.clear()


def _union_box(boxes: np.ndarray, ring: list[int]) -> list[float]:
    b = boxes[[i if i >= 0 else ~i for i in ring]]
    return [b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()]


def _meets(boxes: np.ndarray, rect: tuple[float, float, float, float]) -> np.ndarray:
    return (boxes[:, 0] <= rect[2]) & (boxes[:, 2] >= rect[0]) & (boxes[:, 1] <= rect[3]) & (boxes[:, 3] >= rect[1])


def _in_hemisphere(raw_arcs: list, polygon: list, sx: float, tx: float, sy: float, ty: float) -> bool:
    """Eurasia and Africa, not Antarctica: near the pole a conic runs off to infinity, and a polygon
    wrapped around the whole drawing would cancel the land under SVG's nonzero fill."""
    first = raw_arcs[polygon[0][0] if polygon[0][0] >= 0 else ~polygon[0][0]][0]
    lon, lat = first[0] * sx + tx, first[1] * sy + ty
    return lat > -50 and (-30 <= lon <= 180 or lon <= -160)  # Eurasia's first arc may start in Chukotka


def _polygons(geometry: dict) -> list[list[list[int]]]:
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["arcs"]
    return []


def _rings(geometry: dict) -> list[list[int]]:
    return [ring for polygon in _polygons(geometry) for ring in polygon]


@dataclass
class Outlines:
    """SVG path data of one frame: land (filled) and borders (stroked)."""

    land: str
    borders: str


def outlines(frame: Frame, atlas: Path, tolerance_px: float = 0.8, decimals: int = 0) -> Outlines:
    """Land and borders clipped to `frame`, simplified to at most `tolerance_px` of the drawing."""
    return _outlines(frame, atlas, tolerance_px, decimals)


@lru_cache(maxsize=64)
def _outlines(frame: Frame, atlas: Path, tolerance_px: float, decimals: int) -> Outlines:
    """Kept per frame for the process: a `mkdocs serve` rebuild draws the same maps again."""
    level = 4.0 ** math.floor(math.log(tolerance_px / frame.scale, 4))  # a few levels serve every frame of a build
    land, borders = _simplified(atlas, level)
    rect = (frame.x0, frame.y0, frame.x1, frame.y1)
    land_geometry = shapely.GeometryCollection([g for g in shapely.clip_by_rect(land, *rect) if not g.is_empty])
    border_geometry = shapely.clip_by_rect(borders, *rect)
    return Outlines(_path(land_geometry, frame, decimals, close=True), _path(border_geometry, frame, decimals, close=False))


@lru_cache(maxsize=8)
def _simplified(atlas: Path, tolerance: float) -> tuple[np.ndarray, object]:
    """The land polygons and the borders of the whole map, simplified arc by arc (so neighbours keep
    one border), built once per tolerance and build: frames only clip them."""
    arcs, boxes, land, land_boxes, borders = _topology(atlas)
    whole = extent_frame(1000)
    rect = (whole.x0, whole.y0, whole.x1, whole.y1)
    near = _meets(boxes, rect)
    on_map = [p for p, meets in zip(land, _meets(land_boxes, rect)) if meets]
    # Only the arcs these polygons and the borders near the map use (a quarter of the atlas's arcs);
    # each arc is simplified on its own, so leaving the others out changes none of these.
    used = sorted({i if i >= 0 else ~i for polygon in on_map for r in polygon for i in r} | {i for i in borders if near[i]})
    tolerances = np.where(near[used], tolerance, tolerance * 50)  # arcs off the map only keep their polygons closed
    lines = np.array([shapely.linestrings(arcs[i]) for i in used], dtype=object)
    simple: dict[int, np.ndarray] = dict(zip(used, (shapely.get_coordinates(g) for g in shapely.simplify(lines, tolerances))))

    def ring(indexes: list[int]) -> np.ndarray | None:
        pieces = [simple[i] if i >= 0 else simple[~i][::-1] for i in indexes]
        coords = np.concatenate([pieces[0]] + [p[1:] for p in pieces[1:]])
        return coords if len(coords) >= 4 else None

    polygons = []
    for polygon in on_map:
        shell, *holes = [ring(r) for r in polygon]
        if shell is not None:
            polygons.append(shapely.make_valid(shapely.Polygon(shell, [h for h in holes if h is not None])))
    lines = [shapely.linestrings(simple[i]) for i in borders if near[i] and len(simple[i]) >= 2]
    return np.array(polygons, dtype=object), shapely.multilinestrings(lines)


def _path(geometry, frame: Frame, decimals: int, close: bool) -> str:
    """Compact SVG path data: absolute move, then relative steps from rounded points (no drift).

    Every ring and line of the geometry is rounded and differenced in one numpy pass (a map's
    thousands of small rings cost more in per-ring numpy calls than in arithmetic)."""
    lines = []
    for part in _flat(geometry):
        if part.geom_type == "Polygon":
            lines.extend([part.exterior, *part.interiors])
        elif part.geom_type == "LineString":
            lines.append(part)
    if not lines:
        return ""
    coords, line_of = shapely.get_coordinates(np.array(lines, dtype=object), return_index=True)
    pts = np.column_stack(((coords[:, 0] - frame.x0) * frame.scale, (frame.y1 - coords[:, 1]) * frame.scale))
    pts = np.round(pts, decimals)
    if decimals == 0:
        pts = pts.astype(int)
    steps = np.diff(pts, axis=0)
    keep = (steps != 0).any(axis=1) & (line_of[1:] == line_of[:-1])  # a step within one line that moves
    kept = steps[keep]
    counts = np.bincount(line_of[1:][keep], minlength=len(lines))
    ends = np.cumsum(counts)
    firsts = np.searchsorted(line_of, np.arange(len(lines)))  # each line's first point (lines may be empty)
    number = str if decimals == 0 else _num
    tokens = [number(v) for v in kept.ravel().tolist()]
    starts = pts[np.minimum(firsts, len(pts) - 1)].tolist()
    out = []
    for i, count in enumerate(counts.tolist()):
        if count < (2 if close else 1):
            continue
        end = int(ends[i])
        x, y = starts[i]
        out.append(f"M{number(x)} {number(y)}l" + " ".join(tokens[2 * (end - count):2 * end]) + ("z" if close else ""))
    return "".join(out).replace(" -", "-")


def _flat(geometry):
    """Polygons and lines of a geometry, whatever collections they are nested in."""
    for part in shapely.get_parts(geometry):
        if part.geom_type.startswith("Multi") or part.geom_type == "GeometryCollection":
            yield from _flat(part)
        else:
            yield part


def _num(value) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text[1:] if text.startswith("0.") else text.replace("-0.", "-.")


def graticule(frame: Frame, step: int = 10) -> str:
    """Parallels and meridians every `step` degrees, as one path."""
    west, south, east, north = EXTENT
    lines = []
    for lon in range(-10, 101, step):
        lats = np.linspace(south - 5, north + 5, 2)
        lines.append([frame.point(lon, lat) for lat in lats])
    for lat in range(30, 81, step):
        lons = np.linspace(west - 20, east + 20, 40)
        lines.append([frame.point(lon, lat) for lon in lons])
    out = []
    for pts in lines:
        out.append("M" + "L".join(f"{round(x)} {round(y)}" for x, y in pts))
    return "".join(out)


# -- labels -----------------------------------------------------------------------------------

@dataclass
class Label:
    """Where a marker's name is written, or None when every position would overlap."""

    x: float
    y: float
    anchor: str  # SVG text-anchor: start | end | middle


def place_labels(points: list[tuple[str, float, float]], width: float, height: float, font: float,
                 radius: float) -> dict[str, Label | None]:
    """Greedy labelling: each point in the given order (most important first) takes the first of
    eight positions (right, left, above, below, then the diagonals) that overlaps no label, no marker
    and stays inside;
    a label that fits nowhere is dropped (the marker keeps its name as a tooltip and in the list)."""
    boxes: list[tuple[float, float, float, float]] = [(x - radius, y - radius, x + radius, y + radius) for _, x, y in points]
    result: dict[str, Label | None] = {}
    for name, x, y in points:
        w, h = 0.58 * font * len(name), font
        gap = radius + 2
        options = [(Label(x + gap, y + h * 0.35, "start"), (x + gap, y - h / 2, x + gap + w, y + h / 2)),
                   (Label(x - gap, y + h * 0.35, "end"), (x - gap - w, y - h / 2, x - gap, y + h / 2)),
                   (Label(x, y - gap - 2, "middle"), (x - w / 2, y - gap - h, x + w / 2, y - gap)),
                   (Label(x, y + gap + h - 2, "middle"), (x - w / 2, y + gap, x + w / 2, y + gap + h)),
                   # then the diagonals, where a crowded neighbourhood often still has room
                   (Label(x + gap, y - gap, "start"), (x + gap, y - gap - h, x + gap + w, y - gap)),
                   (Label(x + gap, y + gap + h - 2, "start"), (x + gap, y + gap, x + gap + w, y + gap + h)),
                   (Label(x - gap, y - gap, "end"), (x - gap - w, y - gap - h, x - gap, y - gap)),
                   (Label(x - gap, y + gap + h - 2, "end"), (x - gap - w, y + gap, x - gap, y + gap + h))]
        result[name] = None
        for label, box in options:
            if box[0] < 1 or box[1] < 1 or box[2] > width - 1 or box[3] > height - 1:
                continue
            own = (x - radius, y - radius, x + radius, y + radius)
            if any(_overlap(box, other) for other in boxes if other != own):
                continue
            boxes.append(box)
            result[name] = label
            break
    return result


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

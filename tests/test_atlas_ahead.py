"""The maps' atlas read ahead by a child process (geomap.read_ahead): the maps get exactly what reading it
here gives; a child that is still at work, failed or was never needed is stopped and leaves no file."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotated_reader import geomap

ROOT = Path(__file__).resolve().parents[1]
ATLAS = (ROOT / geomap.ATLAS).resolve()


@pytest.fixture(autouse=True)
def fresh():
    geomap.stop_reading_ahead()
    geomap._topology.cache_clear()
    yield
    geomap.stop_reading_ahead()
    geomap._topology.cache_clear()


def needs_atlas():
    if not ATLAS.is_file():
        pytest.skip("node_modules/world-atlas is missing: run `npm ci`")


def same(a: tuple, b: tuple) -> bool:
    arcs_a, boxes_a, land_a, land_boxes_a, borders_a = a
    arcs_b, boxes_b, land_b, land_boxes_b, borders_b = b
    return (len(arcs_a) == len(arcs_b) and all(np.array_equal(x, y) for x, y in zip(arcs_a, arcs_b))
            and np.array_equal(boxes_a, boxes_b) and land_a == land_b and np.array_equal(land_boxes_a, land_boxes_b)
            and borders_a == borders_b)


def test_the_childs_atlas_is_the_one_read_here_and_its_file_is_removed():
    needs_atlas()
    here = geomap._read_topology(ATLAS)
    geomap.read_ahead(ROOT / geomap.ATLAS)
    process, result = geomap._reading[ATLAS].process, geomap._reading[ATLAS].file
    process.wait(60)
    assert same(geomap._topology(ATLAS), here)
    assert ATLAS not in geomap._reading and not result.exists()


def test_the_maps_drawn_from_the_childs_atlas_are_the_same():
    needs_atlas()
    frame = geomap.extent_frame(960)
    here = geomap._outlines.__wrapped__(frame, ATLAS, 0.8, 0)
    geomap._simplified.cache_clear()
    geomap.read_ahead(ATLAS)
    geomap._reading[ATLAS].process.wait(60)
    try:
        assert geomap._outlines.__wrapped__(frame, ATLAS, 0.8, 0) == here
    finally:
        geomap._simplified.cache_clear()


def test_a_child_still_at_work_or_failed_is_stopped_and_the_atlas_read_here():
    needs_atlas()
    here = geomap._read_topology(ATLAS)
    geomap.read_ahead(ATLAS)
    process, result = geomap._reading[ATLAS].process, geomap._reading[ATLAS].file
    assert same(geomap._topology(ATLAS), here)  # asked at once: the child has hardly started
    assert process.returncode is not None and not result.exists()
    geomap._topology.cache_clear()
    geomap.read_ahead(ATLAS)
    process, result = geomap._reading[ATLAS].process, geomap._reading[ATLAS].file
    process.kill()
    process.wait()
    assert same(geomap._topology(ATLAS), here) and not result.exists()


def test_a_missing_atlas_starts_nothing(tmp_path):
    geomap.read_ahead(tmp_path / "countries-50m.json")
    assert geomap._reading == {}
    with pytest.raises(geomap.AtlasMissing):
        geomap._topology(tmp_path / "countries-50m.json")


def test_stopping_an_unused_child_removes_its_file():
    needs_atlas()
    geomap.read_ahead(ATLAS)
    process, result = geomap._reading[ATLAS].process, geomap._reading[ATLAS].file
    geomap.stop_reading_ahead()
    assert process.returncode is not None and not result.exists() and geomap._reading == {}

import pytest

from asis.engines.simulation.errors import InvalidParameterError, SimulationError
from asis.engines.simulation.regions import adjacency_from_features, reorder, shipped_adjacency


def square(code, x0, y0, size=1.0, kind="Polygon"):
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    coords = [ring] if kind == "Polygon" else [[ring]]
    return {"properties": {"id": code}, "geometry": {"type": kind, "coordinates": coords}}


def test_shipped_regions_have_the_known_neighbours():
    adj = shipped_adjacency()
    assert len(adj.codes) == 42
    assert adj.pairs() == 101
    # Single-point contacts across Lake Constance count only when asked for.
    loose = shipped_adjacency(min_shared_points=1)
    assert loose.pairs() == 103 and "DE14" in loose.neighbours("AT34")
    assert "DE14" not in adj.neighbours("AT34")
    assert set(adj.neighbours("AT11")) == {"AT12", "AT22", "SI03"}  # Burgenland
    assert set(adj.neighbours("ITC1")) == {"CH01", "CH07", "FRK2", "FRL0", "ITC2", "ITC3", "ITC4"}
    matrix = adj.as_array()
    assert (matrix == matrix.T).all() and matrix.trace() == 0
    assert (matrix.sum(axis=1) > 0).all()  # no region of the Alpine Space is isolated


def test_the_neighbour_pairs_do_not_depend_on_the_tolerance_in_the_stable_range():
    assert shipped_adjacency(tolerance_km=0.0).matrix == shipped_adjacency(tolerance_km=2.0).matrix


def test_shared_edge_makes_neighbours_a_single_corner_does_not():
    features = [
        square("A", 0, 0),
        square("B", 1, 0, kind="MultiPolygon"),  # shares the edge x = 1 with A
        square("C", 2, 1),  # touches B only in the corner (2, 1)
        square("D", 5, 5),
    ]
    adj = adjacency_from_features(features)
    assert adj.neighbours("A") == ("B",)
    assert adj.neighbours("C") == ()
    assert adj.neighbours("D") == ()
    sub = reorder(adj, ["B", "A"])
    assert sub.codes == ("B", "A") and sub.matrix == ((0, 1), (1, 0))


def test_bad_inputs_are_refused_with_codes():
    with pytest.raises(InvalidParameterError) as err:
        adjacency_from_features([{"properties": {"id": "X"}, "geometry": {"type": "Point", "coordinates": [0, 0]}}])
    assert err.value.code == "simulation.bad_geometry"
    with pytest.raises(SimulationError) as err:
        adjacency_from_features([], tolerance_km=-1)
    assert err.value.code == "simulation.out_of_range"
    assert adjacency_from_features([]).codes == ()
    with pytest.raises(InvalidParameterError) as err:
        reorder(shipped_adjacency(), ["XX99"])
    assert err.value.code == "simulation.unknown_region" and err.value.params == {"codes": ["XX99"]}

"""Load the shipped NUTS-2 shapes (see data/ATTRIBUTION.md) into the Region table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GEOJSON_PATH = Path(__file__).resolve().parent / "data" / "alpine_nuts2_2021.geojson"
ATTRIBUTION = "© EuroGeographics for the administrative boundaries"


def read_features() -> list[dict[str, Any]]:
    with GEOJSON_PATH.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    return list(collection["features"])


def load_regions(region_model: Any) -> int:
    count = 0
    for feature in read_features():
        props = feature["properties"]
        region_model.objects.update_or_create(
            code=props["id"],
            defaults={"name": props["na"], "country": props["country"], "geometry": feature["geometry"]},
        )
        count += 1
    return count

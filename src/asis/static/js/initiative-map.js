/* The small map on an initiative's page: its regions highlighted among the programme area's
 * regions, country borders, and a marker at its location when it has one. Data from the
 * data- attributes of #initiative-map (no inline script, strict CSP). The page lists the regions
 * as links beside the map, so the map adds nothing that only a mouse or the eyes can reach. */
(function () {
  "use strict";

  function init() {
    var box = document.getElementById("initiative-map");
    if (!box || typeof L === "undefined") { return; }
    var d = box.dataset;
    var mine = (d.regions || "").split(" ").filter(Boolean);
    var tiles = Boolean(d.tilesUrl);
    var map = L.map(box, { zoomSnap: 0.25, minZoom: 4, maxZoom: 14, scrollWheelZoom: false, attributionControl: tiles });
    if (tiles) {  // the caption credits the boundaries; beside a tile layer's credit the map does too
      map.attributionControl.setPrefix(false);
      map.attributionControl.addAttribution(d.boundariesAttribution);
    }
    map.setView([46.3, 10.5], 6);
    if (d.tilesUrl) {
      L.tileLayer(d.tilesUrl, { attribution: d.tilesAttribution || "", maxZoom: 18 }).addTo(map);
    }
    var point = d.lat && d.lon ? [parseFloat(d.lat), parseFloat(d.lon)] : null;

    fetch(d.regionsUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var highlighted = L.featureGroup();
        L.geoJSON(data, {
          interactive: false,
          style: function (feature) {
            var own = mine.indexOf(feature.properties.code) !== -1;
            return { color: "#5f6b78", weight: 0.8, fillOpacity: d.tilesUrl ? 0.5 : 1,
                     fillColor: own ? "#41b6c4" : "#f2f2f2" };
          },
          onEachFeature: function (feature, shape) {
            if (mine.indexOf(feature.properties.code) !== -1) { highlighted.addLayer(L.geoJSON(feature)); }
          }
        }).addTo(map);
        if (data.borders) {
          L.geoJSON(data.borders, { interactive: false, style: function (f) {
            return { color: "#1b1f24", weight: f.properties.kind === "country" ? 2 : 1.2 };
          } }).addTo(map);
        }
        if (highlighted.getLayers().length) {
          map.fitBounds(highlighted.getBounds(), { padding: [12, 12], maxZoom: 8 });
        } else if (point) {
          map.setView(point, 8);
        }
        if (point) {
          var dot = document.createElement("span");
          dot.className = "map-point-dot";
          L.marker(point, { keyboard: false, interactive: false, alt: d.labelPoint,
                            icon: L.divIcon({ html: dot, className: "map-point", iconSize: L.point(14, 14) }) }).addTo(map);
        }
        box.classList.add("map-ready");
      })
      .catch(function () { box.classList.add("map-failed"); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* Impact dashboards: NUTS-2 regions shaded by a programme's validated results (per 1,000 inhabitants
 * where a population figure exists), drawn from the shipped shapes like the observatory map (no tile
 * server). Everything comes from data- attributes (no inline script, strict CSP); the page lists the
 * same figures in a table, so the map adds no information of its own. */
(function () {
  "use strict";

  function init() {
    var box = document.getElementById("impact-region-map");
    if (!box || typeof L === "undefined") { return; }
    var map = L.map(box, { zoomSnap: 0.1, attributionControl: false, minZoom: 4, maxZoom: 12 });
    map.setView([46.3, 10.5], 6);
    box.classList.add("map-plain");
    fetch(box.dataset.regionsUrl, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var palette = data.palette || ["#f2f2f2"];
        var layer = L.geoJSON(data, {
          style: function (feature) {
            return { color: "#5f6b78", weight: 0.8, fillOpacity: 1, fillColor: palette[feature.properties.colour || 0] };
          },
          onEachFeature: function (feature, shape) {
            var span = document.createElement("span");
            span.textContent = feature.properties.label;  // text, never HTML
            shape.bindTooltip(span, { sticky: true });
            shape.on("add", function () {
              var path = shape.getElement();
              if (!path) { return; }
              path.setAttribute("tabindex", "0");
              path.setAttribute("role", "img");
              path.setAttribute("aria-label", feature.properties.label);
              path.addEventListener("focus", function () { shape.openTooltip(shape.getBounds().getCenter()); });
              path.addEventListener("blur", function () { shape.closeTooltip(); });
            });
          }
        }).addTo(map);
        if (data.borders && data.borders.features) {
          L.geoJSON(data.borders, { interactive: false, style: function () { return { color: "#1b1f24", weight: 1.5 }; } }).addTo(map);
        }
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [4, 4], animate: false }); }
        box.classList.add("map-ready");
      })
      .catch(function () { return null; });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* Observatory map: a choropleth of the NUTS-2 regions and clustered initiative markers.
 * Everything it needs comes from data- attributes of #observatory-map (no inline script, strict CSP).
 * Keyboard: each region shape is focusable and opens its profile with Enter or Space; the page
 * also lists every region as a link below the map. */
(function () {
  "use strict";

  var PALETTE = ["#eef1f4", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

  function classOf(count, max) {
    if (!count || !max) { return 0; }
    return Math.min(5, 1 + Math.floor((count / max) * 4.999));
  }

  function breaks(max) {
    var steps = [];
    for (var k = 1; k <= 5; k++) {
      var low = Math.floor(((k - 1) / 4.999) * max) + 1;
      var high = Math.floor((k / 4.999) * max);
      if (k === 5) { high = max; }
      if (high >= low) { steps.push([k, low, high]); }
    }
    return steps;
  }

  function go(url) { window.location.assign(url); }

  function setStatus(text) {
    var status = document.getElementById("map-status");
    if (status) { status.textContent = text; }
  }

  function init() {
    var el = document.getElementById("observatory-map");
    if (!el || typeof L === "undefined") { return; }
    var d = el.dataset;
    var map = L.map(el, { zoomSnap: 0.25, attributionControl: true, minZoom: 4, maxZoom: 16 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(d.boundariesAttribution);
    map.setView([46.3, 10.5], 6);
    if (d.tilesUrl) {
      L.tileLayer(d.tilesUrl, { attribution: d.tilesAttribution || "", maxZoom: 18 }).addTo(map);
    } else {
      el.classList.add("map-plain");
    }

    fetch(d.regionsUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var max = data.max_count || 0;
        var layer = L.geoJSON(data, {
          style: function (feature) {
            return { color: "#1b1f24", weight: 1, fillOpacity: 0.75,
                     fillColor: PALETTE[classOf(feature.properties.count, max)] };
          },
          onEachFeature: function (feature, shape) {
            var p = feature.properties;
            var tip = document.createElement("span");
            tip.textContent = p.label;  // text, never HTML
            shape.bindTooltip(tip, { sticky: true });
            shape.on("click", function () { go(p.url); });
            shape.on("add", function () {
              var path = shape.getElement();
              if (!path) { return; }
              path.setAttribute("tabindex", "0");
              path.setAttribute("role", "link");
              path.setAttribute("aria-label", p.action_label);
              path.setAttribute("data-region", p.code);
              path.addEventListener("keydown", function (event) {
                if (event.key === "Enter" || event.key === " ") {
                  event.preventDefault();
                  go(p.url);
                }
              });
              path.addEventListener("focus", function () { shape.openTooltip(shape.getBounds().getCenter()); });
              path.addEventListener("blur", function () { shape.closeTooltip(); });
            });
          }
        }).addTo(map);
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
        addLegend(map, max, d.labelLegend);
        el.classList.add("map-ready");
      })
      .catch(function () { setStatus(""); });

    fetch(d.pointsUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.features || !data.features.length) { return; }
        // Cluster bubbles are Leaflet markers: focusable buttons (Enter zooms in). Their text says
        // what they are, for screen readers, beside the visible count.
        var cluster = L.markerClusterGroup({
          showCoverageOnHover: false,
          iconCreateFunction: function (group) {
            var n = group.getChildCount();
            var size = n < 10 ? "small" : (n < 100 ? "medium" : "large");
            var box = document.createElement("div");
            var count = document.createElement("span");
            count.textContent = String(n);
            var hidden = document.createElement("span");
            hidden.className = "visually-hidden";
            hidden.textContent = " " + d.labelCluster;
            count.appendChild(hidden);
            box.appendChild(count);
            return L.divIcon({ html: box.outerHTML, className: "marker-cluster marker-cluster-" + size,
                               iconSize: L.point(40, 40) });
          }
        });
        data.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          var marker = L.marker([c[1], c[0]], { title: f.properties.title, alt: f.properties.title });
          var link = document.createElement("a");
          link.href = f.properties.url;
          link.textContent = f.properties.title;
          if (f.properties.lang) { link.lang = f.properties.lang; }
          marker.bindPopup(link);
          cluster.addLayer(marker);
        });
        map.addLayer(cluster);
        if (data.truncated) { setStatus(d.labelTruncated); }
      })
      .catch(function () { setStatus(""); });
  }

  function addLegend(map, max, title) {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      var heading = L.DomUtil.create("p", "map-legend-title", box);
      heading.textContent = title;
      var list = L.DomUtil.create("ul", "", box);
      var rows = [[0, 0, 0]].concat(breaks(max));
      rows.forEach(function (row) {
        var item = L.DomUtil.create("li", "", list);
        L.DomUtil.create("span", "swatch swatch-" + row[0], item).setAttribute("aria-hidden", "true");
        var text = L.DomUtil.create("span", "", item);
        text.textContent = row[0] === 0 ? "0" : (row[1] === row[2] ? String(row[1]) : row[1] + "–" + row[2]);
      });
      return box;
    };
    legend.addTo(map);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* Observatory map: NUTS-2 regions shaded by their number of initiatives, country borders and names
 * drawn from the shipped shapes (no tile server needed; tiles only when ASIS_MAP_TILES_URL is set),
 * and clustered initiative markers small enough to leave the shading readable.
 * Everything it needs comes from data- attributes of #observatory-map (no inline script, strict CSP).
 * Keyboard: each region shape is focusable and opens its profile with Enter or Space; the page
 * also lists every region with its count in a table below the map, and states the colour classes
 * in a legend written by the server in the reader's number format. */
(function () {
  "use strict";

  // Region names from one zoom step past the whole-area view (and never on a crowded small screen).
  var REGION_NAMES_MIN_ZOOM = 6.5;

  function go(url) { window.location.assign(url); }

  function setStatus(text) {
    var status = document.getElementById("map-status");
    if (status) { status.textContent = text; }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }  // text, never HTML
    return node;
  }

  function labelMarker(point, text, className) {
    // A permanent tooltip, not a marker: no tab stop, no click target, not in the markers' layer.
    var span = el("span", "", text);
    return L.tooltip({ permanent: true, direction: "center", interactive: false, opacity: 1, pane: "labels",
                       className: "map-label " + className })
      .setLatLng([point[1], point[0]]).setContent(span);
  }

  function addBorders(map, borders) {
    if (!borders || !borders.features) { return; }
    L.geoJSON(borders, {
      interactive: false,
      style: function (feature) {
        return feature.properties.kind === "country"
          ? { color: "#1b1f24", weight: 2.5, opacity: 1 }
          : { color: "#1b1f24", weight: 1.5, opacity: 0.9 };
      }
    }).addTo(map);
  }

  function addNames(map, data) {
    var countries = L.layerGroup();
    (data.countries || []).forEach(function (c) {
      countries.addLayer(labelMarker(c.point, c.name, "map-label-country"));
    });
    var regions = L.layerGroup();
    data.features.forEach(function (f) {
      if (f.properties.label_point) {
        regions.addLayer(labelMarker(f.properties.label_point, f.properties.name, "map-label-region"));
      }
    });
    var from = Math.max(map.getZoom() + 1, REGION_NAMES_MIN_ZOOM);
    function update() {
      var detailed = map.getZoom() >= from - 0.01;
      if (detailed) { map.removeLayer(countries); map.addLayer(regions); }
      else { map.removeLayer(regions); map.addLayer(countries); }
    }
    map.on("zoomend", update);
    update();
  }

  function popupContent(p, labels) {
    var box = el("div", "map-popup");
    var title = el("p", "map-popup-title");
    var link = el("a", "", p.title);
    link.href = p.url;
    if (p.lang) { link.lang = p.lang; }
    title.appendChild(link);
    box.appendChild(title);
    if (p.stage) { box.appendChild(el("p", "map-popup-meta", labels.stage + " " + p.stage)); }
    if (p.organisation) { box.appendChild(el("p", "map-popup-meta", labels.organisation + " " + p.organisation)); }
    if (p.summary) {
      var summary = el("p", "map-popup-summary", p.summary);
      if (p.summary_lang) { summary.lang = p.summary_lang; }
      box.appendChild(summary);
    }
    return box;
  }

  function init() {
    var box = document.getElementById("observatory-map");
    if (!box || typeof L === "undefined") { return; }
    var d = box.dataset;
    var tiles = Boolean(d.tilesUrl);
    // The figure's caption credits the boundaries; the map repeats it only beside a tile layer's credit.
    var map = L.map(box, { zoomSnap: 0.1, attributionControl: tiles, minZoom: 4, maxZoom: 16 });
    if (tiles) {
      map.attributionControl.setPrefix(false);
      map.attributionControl.addAttribution(d.boundariesAttribution);
    }
    map.setView([46.3, 10.5], 6);
    var labelPane = map.createPane("labels");
    labelPane.style.zIndex = 450;  // over the shapes and borders, under the markers
    labelPane.setAttribute("aria-hidden", "true");  // the names are read out with the shapes and the table
    if (tiles) {
      L.tileLayer(d.tilesUrl, { attribution: d.tilesAttribution || "", maxZoom: 18 }).addTo(map);
    } else {
      box.classList.add("map-plain");
    }
    var labels = { stage: d.labelStage, organisation: d.labelOrganisation };

    fetch(d.regionsUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var palette = data.palette || ["#f2f2f2"];
        var layer = L.geoJSON(data, {
          style: function (feature) {
            return { color: "#5f6b78", weight: 0.8, fillOpacity: tiles ? 0.65 : 1,
                     fillColor: palette[feature.properties.colour || 0] };
          },
          onEachFeature: function (feature, shape) {
            var p = feature.properties;
            shape.bindTooltip(el("span", "", p.label), { sticky: true });
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
        addBorders(map, data.borders);
        // The frame shows the whole programme area, as large as the frame allows (also at 360 px).
        if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [4, 4], animate: false }); }
        addNames(map, data);
        box.classList.add("map-ready");
      })
      .catch(function () { setStatus(""); });

    fetch(d.pointsUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.features || !data.features.length) { return; }
        // Small markers and rings, so that the regions' colours stay visible around them. Cluster
        // rings are focusable buttons (Enter zooms in); their text says what they are.
        var cluster = L.markerClusterGroup({
          showCoverageOnHover: false,
          maxClusterRadius: 40,
          iconCreateFunction: function (group) {
            var n = group.getChildCount();
            var ring = el("div", "map-cluster-ring");
            var count = el("span", "", String(n));
            count.appendChild(el("span", "visually-hidden", " " + d.labelCluster));
            ring.appendChild(count);
            return L.divIcon({ html: ring, className: "map-cluster", iconSize: L.point(30, 30) });
          }
        });
        data.features.forEach(function (f) {
          var c = f.geometry.coordinates;
          var marker = L.marker([c[1], c[0]], {
            title: f.properties.title, alt: f.properties.title,
            icon: L.divIcon({ html: el("span", "map-point-dot"), className: "map-point", iconSize: L.point(14, 14) })
          });
          marker.bindPopup(popupContent(f.properties, labels), { maxWidth: 260, maxHeight: 200, autoPanPaddingTopLeft: L.point(48, 8), autoPanPaddingBottomRight: L.point(8, 8) });
          cluster.addLayer(marker);
        });
        map.addLayer(cluster);
        if (data.truncated) { setStatus(d.labelTruncated); }
      })
      .catch(function () { setStatus(""); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

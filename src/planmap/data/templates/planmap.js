/* planmap map runtime: draws projects, counties, boxes and search from JSON handed over by
   planmap.mapelements. Strings that reach innerHTML (popups, tooltips, boxes) were escaped in
   Python; names typed or listed in the search box only ever go through textContent. */
(function () {
  "use strict";
  var pm = window.planmap = window.planmap || {};
  pm.layers = {};   // project key -> top-level Leaflet layer
  pm.groups = {};   // project key -> category FeatureGroup
  pm.items = [];    // search index: {key, id, name, label, map}
  pm.maps = [];
  pm.ready = false;

  function stop(el) {
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
  }

  function badge(f, st) {
    var el = document.createElement("div");
    var hollow = f.k === "ring" || f.k === "rline";
    el.className = "pm-badge " + (hollow ? "pm-hollow" : "pm-solid");
    el.textContent = st.glyph;
    el.style.borderColor = hollow ? st.color : "#ffffff";
    if (hollow) { el.style.color = st.color; } else { el.style.background = st.color; }
    el.setAttribute("data-pm-key", String(f.key));
    el.setAttribute("data-pm-id", f.id);
    return el;
  }

  function marker(f, st, at) {
    return L.marker(at || f.g, {
      icon: L.divIcon({className: "pm-icon", html: badge(f, st), iconSize: [22, 22],
                       iconAnchor: [11, 11], popupAnchor: [0, -10], tooltipAnchor: [12, 0]}),
      riseOnHover: true
    });
  }

  function line(f, st) {
    var parts = [];
    if (st.casing) { parts.push(L.polyline(f.g, {color: st.casing, weight: st.weight + 3, opacity: 0.9, interactive: false})); }
    parts.push(L.polyline(f.g, {color: st.color, weight: st.weight, dashArray: st.dash || null, opacity: 0.95, interactive: false}));
    if (st.overlay) { parts.push(L.polyline(f.g, {color: st.overlay.color, weight: st.overlay.weight, dashArray: st.overlay.dash, interactive: false})); }
    parts.push(L.polyline(f.g, {weight: 14, opacity: 0, className: "pm-hit"}));  // easy to click
    return L.featureGroup(parts);
  }

  function build(f, st) {
    if (f.k === "point") { return marker(f, st); }
    if (f.k === "ring") {
      // only small rings get a tint: wide ones would wash over the whole map
      var wide = f.r > 15000;
      var ring = L.circle(f.g, {radius: f.r, color: st.color, weight: wide ? 1 : 1.5, dashArray: "6 5", opacity: wide ? 0.5 : 0.8,
                                fill: !wide, fillColor: st.color, fillOpacity: 0.05, interactive: false});
      return L.featureGroup([ring, marker(f, st)]);
    }
    if (f.k === "line") { return line(f, st); }
    if (f.k === "rline") {
      // a route known only by the units at its ends: a faint dashed course and a hollow badge
      return L.featureGroup([
        L.polyline(f.g.line, {color: st.color, weight: 2.5, dashArray: "2 7", opacity: 0.75, interactive: false}),
        L.polyline(f.g.line, {weight: 14, opacity: 0, className: "pm-hit"}),
        marker(f, st, f.g.at)
      ]);
    }
    return L.featureGroup([L.polygon(f.g, {color: st.color, weight: 2, fillColor: st.color, fillOpacity: 0.3})]);
  }

  pm.drawProjects = function (map, groups, data) {
    if (pm.maps.indexOf(map) < 0) { pm.maps.push(map); }
    data.features.forEach(function (f) {
      var st = data.styles[f.c] || data.styles.other;
      var layer = build(f, st);
      layer.pmKey = f.key;
      layer.pmId = f.id;
      layer.bindPopup(f.p, {maxWidth: 380, minWidth: 260, autoPanPadding: [30, 30], className: "pm-popup-wrap"});
      layer.bindTooltip(f.t, {direction: "top", sticky: f.k === "line" || f.k === "rline" || f.k === "area", className: "pm-tip"});
      groups[f.c].addLayer(layer);
      pm.layers[f.key] = layer;
      pm.groups[f.key] = groups[f.c];
      pm.items.push({key: f.key, id: f.id, name: f.n, label: st.label, map: map});
    });
    pm.ready = true;
    pm.readyAt = window.performance ? performance.now() : 0;
  };

  pm.drawCounties = function (map, group, data) {
    if (!map.getPane("pmCounties")) {
      map.createPane("pmCounties").style.zIndex = 350;  // under every project layer
    }
    var s = data.style;
    var gj = L.geoJSON(data.fc, {
      pane: "pmCounties",
      style: function (f) {
        var p = f.properties;
        return {color: s.color, weight: s.weight, fillColor: p.fill || s.fill,
                fillOpacity: p.fill ? 0.6 : s.fill_opacity};
      },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.tip, {sticky: true, className: "pm-tip"}); }
    });
    group.addLayer(gj);
    var labels = L.layerGroup();
    data.labels.forEach(function (lb) {
      labels.addLayer(L.tooltip({permanent: true, direction: "center", interactive: false,
                                 className: "pm-county-label"}).setLatLng(lb.at).setContent(lb.name));
    });
    function sync() {
      var show = map.getZoom() >= data.labelMinZoom;
      if (show && !group.hasLayer(labels)) { group.addLayer(labels); }
      if (!show && group.hasLayer(labels)) { group.removeLayer(labels); }
    }
    map.on("zoomend", sync);
    sync();
  };

  pm.box = function (map, position, cls, html) {
    var c = L.control({position: position});
    c.onAdd = function () {
      var d = L.DomUtil.create("div", cls + " pm-box");
      d.innerHTML = html;  // escaped in Python
      stop(d);
      return d;
    };
    c.addTo(map);
    return c;
  };

  pm.focus = function (key) {
    var layer = pm.layers[key], group = pm.groups[key];
    if (!layer) { return false; }
    var map = group._map || pm.items.filter(function (i) { return i.key === key; })[0].map;
    if (!map.hasLayer(group)) { map.addLayer(group); }
    if (layer.getLatLng) {
      map.setView(layer.getLatLng(), Math.max(map.getZoom(), 11));
    } else {
      map.fitBounds(layer.getBounds(), {maxZoom: 12, padding: [40, 40]});
    }
    layer.openPopup();
    return true;
  };

  pm.count = function (map) {
    var keys = {};
    (map || pm.maps[0]).eachLayer(function (l) { if (l.pmKey !== undefined) { keys[l.pmKey] = 1; } });
    return Object.keys(keys).length;
  };

  pm.searchBox = function (map, opts) {
    var c = L.control({position: opts.position});
    c.onAdd = function () {
      var box = L.DomUtil.create("div", "pm-search pm-box");
      var input = L.DomUtil.create("input", "pm-search-input", box);
      input.type = "search";
      input.placeholder = opts.placeholder;
      input.setAttribute("aria-label", opts.placeholder);
      var list = L.DomUtil.create("ul", "pm-search-results", box);
      stop(box);
      function render() {
        var q = input.value.trim().toLowerCase();
        list.textContent = "";
        if (!q) { return; }
        var hits = pm.items.filter(function (i) { return i.map === map && i.name.toLowerCase().indexOf(q) >= 0; });
        if (!hits.length) {
          var none = L.DomUtil.create("li", "pm-search-none", list);
          none.textContent = "无匹配项目";
          return;
        }
        hits.slice(0, opts.limit).forEach(function (i) {
          var li = L.DomUtil.create("li", "pm-search-hit", list);
          li.textContent = i.name;
          var tag = L.DomUtil.create("span", "pm-search-cat", li);
          tag.textContent = i.label;
          li.setAttribute("data-pm-key", String(i.key));
          L.DomEvent.on(li, "click", function () { pm.focus(i.key); });
        });
        if (hits.length > opts.limit) {
          var more = L.DomUtil.create("li", "pm-search-none", list);
          more.textContent = "另有 " + (hits.length - opts.limit) + " 项…";
        }
      }
      L.DomEvent.on(input, "input", render);
      L.DomEvent.on(input, "keydown", function (e) {
        if (e.key === "Enter") {
          var first = list.querySelector(".pm-search-hit");
          if (first) { pm.focus(Number(first.getAttribute("data-pm-key"))); }
        } else if (e.key === "Escape") { input.value = ""; render(); }
      });
      return box;
    };
    c.addTo(map);
    return c;
  };
})();

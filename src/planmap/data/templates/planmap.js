/* planmap map runtime. planmap.start(data) draws one page from the JSON that planmap.render
   put in <script id="pm-data">: projects (clustered badges, lines, areas, one uncertainty ring
   per place), counties, header, project list, legend, downloads and corrections.
   Every string from a document goes into the page through textContent or an attribute set
   from script, never through innerHTML; the HTML pieces are <template> elements of the page. */
(function () {
  "use strict";
  var pm = window.planmap = window.planmap || {};
  pm.layers = {};       // project key -> its badge marker (every project has one)
  pm.shapes = {};       // project key -> its line/area layer
  pm.features = [];
  pm.byKey = {};
  pm.maps = [];
  pm.ready = false;
  pm.editing = false;
  pm.corrections = {};  // project key -> {moved: [lat, lng]} or {drop: true}
  pm.state = {c: "", pr: "", county: "", q: "", off: {}, sort: "", dir: 1};

  var CSV_HEADER = ["id", "name", "category", "category_label", "precision", "precision_label", "counties",
                    "county_adcodes", "city_adcode", "province", "plan", "plan_title", "section", "lead_units",
                    "support_units", "deadline", "confidence", "location_source", "lon", "lat", "wkt", "evidence"];
  var OVERRIDE_HEADER = ["id", "name", "aliases", "category", "kind", "wkt", "datum", "precision", "province",
                         "city_adcode", "county_adcodes", "source_url", "note"];

  // ------------------------------------------------------------------ DOM helpers

  function tpl(id) { return document.getElementById(id).content.firstElementChild.cloneNode(true); }
  function slot(root, name) { return root.querySelector('[data-slot="' + name + '"]'); }
  function put(root, name, text) {
    var el = slot(root, name);
    if (el) { el.textContent = text === null || text === undefined ? "" : String(text); }
    return el;
  }
  function stop(el) {
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
  }
  function httpUrl(s) { return /^https?:\/\//i.test(s || ""); }

  // GCJ-02 <-> WGS-84, as planmap.datum does it: pages on GaoDe tiles draw in GCJ-02, and a
  // correction made on them is recorded in WGS-84
  var GCJ_A = 6378245.0, GCJ_EE = 0.00669342162296594323, PI = Math.PI;
  function gcjDelta(lat, lng) {
    if (lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271) { return [0, 0]; }
    var x = lng - 105.0, y = lat - 35.0;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dLat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dLat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLng += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dLng += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dLng += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var rad = lat / 180.0 * PI, magic = 1 - GCJ_EE * Math.sin(rad) * Math.sin(rad), sq = Math.sqrt(magic);
    return [(dLat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sq) * PI), (dLng * 180.0) / (GCJ_A / sq * Math.cos(rad) * PI)];
  }
  pm.toWgs84 = function (lat, lng) {
    if (pm.data.datum !== "gcj02") { return [lat, lng]; }
    var w = [lat, lng];
    for (var i = 0; i < 30; i++) {
      var d = gcjDelta(w[0], w[1]), n = [lat - d[0], lng - d[1]];
      var done = Math.abs(n[0] - w[0]) < 1e-7 && Math.abs(n[1] - w[1]) < 1e-7;
      w = n;
      if (done) { break; }
    }
    return w;
  };

  function style(f) { return pm.data.styles[f.c] || pm.data.styles.other; }
  function precLabel(code) {
    var p = pm.data.precision[code];
    return p ? p.label + " (" + p.en + ")" : "未知精度 (" + (code || "unknown") + ")";
  }

  // ------------------------------------------------------------------ symbols

  function badge(f, st) {
    var el = document.createElement("div");
    var hollow = f.k === "ring" || f.k === "rline";
    el.className = "pm-badge " + (hollow ? "pm-hollow" : "pm-solid");
    el.textContent = st.glyph;
    el.style.borderColor = hollow ? st.color : "#ffffff";
    if (hollow) { el.style.color = st.color; } else { el.style.background = st.color; }
    el.setAttribute("data-pm-key", String(f.key));
    el.setAttribute("data-pm-id", f.id);
    el.setAttribute("title", f.n);
    return el;
  }

  function marker(f, st) {
    var m = L.marker(f.at, {
      icon: L.divIcon({className: "pm-icon", html: badge(f, st), iconSize: [22, 22],
                       iconAnchor: [11, 11], popupAnchor: [0, -10], tooltipAnchor: [12, 0]}),
      riseOnHover: true,
      draggable: false,
      autoPan: true
    });
    m.pmKey = f.key;
    m.pmId = f.id;
    m.pmCat = f.c;
    return m;
  }

  function lineLayer(f, st) {
    var parts = [];
    if (f.k === "rline") {
      // a course known only by the units at its ends: a faint dotted line
      parts.push(L.polyline(f.g, {color: st.color, weight: 2.5, dashArray: "2 7", opacity: 0.75, interactive: false}));
    } else {
      if (st.casing) { parts.push(L.polyline(f.g, {color: st.casing, weight: st.weight + 3, opacity: 0.9, interactive: false})); }
      parts.push(L.polyline(f.g, {color: st.color, weight: st.weight, dashArray: st.dash || null, opacity: 0.95, interactive: false}));
      if (st.overlay) { parts.push(L.polyline(f.g, {color: st.overlay.color, weight: st.overlay.weight, dashArray: st.overlay.dash, interactive: false})); }
    }
    parts.push(L.polyline(f.g, {weight: 14, opacity: 0, className: "pm-hit"}));  // easy to click
    return L.featureGroup(parts);
  }

  function shape(f, st) {
    if (f.k === "line" || f.k === "rline") { return lineLayer(f, st); }
    if (f.k === "area") {
      return L.featureGroup([L.polygon(f.g, {color: st.color, weight: 2, fillColor: st.color, fillOpacity: 0.25})]);
    }
    return null;
  }

  function clusterIcon(cluster) {
    var kids = cluster.getAllChildMarkers(), n = kids.length, counts = {}, order = Object.keys(pm.data.styles);
    kids.forEach(function (m) { counts[m.pmCat] = (counts[m.pmCat] || 0) + 1; });
    var stops = [], acc = 0, names = [];
    order.forEach(function (c) {
      if (!counts[c]) { return; }
      var a = acc / n * 360, b = (acc + counts[c]) / n * 360;
      stops.push(pm.data.styles[c].color + " " + a.toFixed(1) + "deg " + b.toFixed(1) + "deg");
      names.push(pm.data.styles[c].label + " " + counts[c]);
      acc += counts[c];
    });
    var el = document.createElement("div");
    el.className = "pm-cluster";
    el.style.background = stops.length > 1 ? "conic-gradient(" + stops.join(",") + ")" : stops[0].split(" ")[0];
    var label = document.createElement("span");
    label.textContent = String(n);
    el.appendChild(label);
    el.setAttribute("data-pm-count", String(n));
    el.setAttribute("title", n + " 个项目：" + names.join("、"));
    var size = n < 10 ? 30 : n < 100 ? 36 : 42;
    return L.divIcon({html: el, className: "pm-cluster-icon", iconSize: [size, size]});
  }

  // ------------------------------------------------------------------ popups and tooltips

  function popupRow(body, key, value) {
    if (value === null || value === undefined || value === "") { return; }
    var tr = tpl("pm-tpl-prow");
    put(tr, "k", key);
    var td = slot(tr, "v");
    if (value instanceof Node) { td.appendChild(value); } else { td.textContent = String(value); }
    body.appendChild(tr);
  }

  function highlighted(text, name) {
    // the evidence sentence with the project name marked, built from text nodes
    var frag = document.createDocumentFragment();
    if (!name || text.indexOf(name) < 0) { frag.appendChild(document.createTextNode(text)); return frag; }
    text.split(name).forEach(function (part, i) {
      if (i > 0) { var mk = document.createElement("mark"); mk.textContent = name; frag.appendChild(mk); }
      frag.appendChild(document.createTextNode(part));
    });
    return frag;
  }

  function sourceNode(src) {
    if (!src || !src.text) { return ""; }
    if (src.href && httpUrl(src.href)) {
      var a = tpl("pm-tpl-link");
      a.setAttribute("href", src.href);
      a.textContent = src.text;
      return a;
    }
    return src.text;
  }

  function popupContent(f) {
    var st = style(f), d = f.d, el = tpl("pm-tpl-popup");
    put(el, "name", f.n);
    slot(el, "swatch").style.background = st.color;
    put(el, "cat", st.label);
    var corr = pm.corrections[f.key];
    if (corr) {
      var flag = put(el, "flag", corr.drop ? "已标为“不是项目”" : "位置已校正");
      flag.hidden = false;
    }
    var body = slot(el, "rows");
    popupRow(body, "规划", d.planTitle || d.plan);
    popupRow(body, "章节", d.section);
    popupRow(body, "牵头单位", d.lead.join("、"));
    popupRow(body, "配合单位", d.support.join("、"));
    popupRow(body, "完成时限", d.deadline);
    if (d.figures.length) {
      var figs = document.createDocumentFragment();
      d.figures.forEach(function (fg, i) {
        if (i) { figs.appendChild(document.createElement("br")); }
        figs.appendChild(document.createTextNode(fg[0] + (fg[1] ? "（" + fg[1] + "）" : "")));
      });
      popupRow(body, "指标", figs);
    }
    popupRow(body, "线路里程", d.km);
    popupRow(body, "定位精度", precLabel(f.pr));
    popupRow(body, "置信度", d.conf);
    popupRow(body, "位置来源", sourceNode(d.src));
    popupRow(body, "县区", f.cty);
    if (d.ev) {
      var q = slot(el, "ev");
      q.appendChild(highlighted(d.ev, f.n));
      q.hidden = false;
    }
    var redraw = el.querySelector('[data-action="redraw"]');
    redraw.hidden = !(f.k === "line" || f.k === "rline");
    redraw.addEventListener("click", function () { pm.startRedraw(f.key); });
    el.querySelector('[data-action="drop"]').addEventListener("click", function () { pm.drop(f.key); });
    el.querySelector('[data-action="undo"]').addEventListener("click", function () { pm.undo(f.key); });
    return el;
  }

  function tooltipContent(f) {
    var el = tpl("pm-tpl-tip");
    put(el, "n", f.n);
    put(el, "s", style(f).label + " · " + precLabel(f.pr));
    return el;
  }

  // ------------------------------------------------------------------ counties

  function drawCounties(map, c) {
    map.createPane("pmCounties").style.zIndex = 350;  // under every project layer
    map.createPane("pmLabels").style.zIndex = 450;    // names above lines, under project symbols
    map.getPane("pmLabels").style.pointerEvents = "none";
    var s = c.style;
    var gj = L.geoJSON(c.fc, {
      pane: "pmCounties",
      style: function (f) {
        var p = f.properties;
        return {color: s.color, weight: s.weight, fillColor: p.fill || s.fill, fillOpacity: p.fill ? 0.6 : s.fill_opacity};
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(function () {
          var span = document.createElement("span");
          var p = f.properties;
          span.textContent = p.count === undefined ? p.name : p.name + "：" + p.count + " 个项目";
          return span;
        }, {sticky: true, className: "pm-tip"});
      }
    });
    var group = L.layerGroup([gj]);
    var labels = L.layerGroup();
    c.labels.forEach(function (lb) {
      var span = document.createElement("span");
      span.textContent = lb.name;
      labels.addLayer(L.tooltip({permanent: true, direction: "center", interactive: false, pane: "pmLabels",
                                 className: "pm-county-label"}).setLatLng(lb.at).setContent(span));
    });
    function sync() {
      var show = map.getZoom() >= c.labelMinZoom;
      if (show && !group.hasLayer(labels)) { group.addLayer(labels); }
      if (!show && group.hasLayer(labels)) { group.removeLayer(labels); }
    }
    map.on("zoomend", sync);
    group.addTo(map);
    sync();
    return group;
  }

  function countyAt(lat, lng) {
    // the county (of those on this page) holding a point: ray casting over its rings
    var fc = pm.data.counties.fc.features;
    function inRing(ring) {
      var inside = false;
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if ((yi > lat) !== (yj > lat) && lng < (xj - xi) * (lat - yi) / (yj - yi) + xi) { inside = !inside; }
      }
      return inside;
    }
    function inPoly(rings) {
      if (!inRing(rings[0])) { return false; }
      for (var k = 1; k < rings.length; k++) { if (inRing(rings[k])) { return false; } }
      return true;
    }
    for (var n = 0; n < fc.length; n++) {
      var g = fc[n].geometry, polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      for (var m = 0; m < polys.length; m++) { if (inPoly(polys[m])) { return fc[n].properties; } }
    }
    return null;
  }

  // ------------------------------------------------------------------ rings: one per place

  function drawRings() {
    pm.ringLayer.clearLayers();
    var places = {};
    pm.features.forEach(function (f) {
      if (!f._on || f.k !== "ring" || !f.r || pm.corrections[f.key]) { return; }
      var at = f.at, id = at[0] + "," + at[1] + "," + f.r;
      (places[id] = places[id] || {at: at, r: f.r, cats: {}, n: 0}).n += 1;
      places[id].cats[f.c] = 1;
    });
    Object.keys(places).sort().forEach(function (id) {
      var p = places[id], cats = Object.keys(p.cats);
      var color = cats.length === 1 ? pm.data.styles[cats[0]].color : "#555555";
      var wide = p.r > 15000;
      pm.ringLayer.addLayer(L.circle(p.at, {radius: p.r, color: color, weight: wide ? 1 : 1.5, dashArray: "6 5",
                                            opacity: wide ? 0.5 : 0.8, fill: !wide, fillColor: color,
                                            fillOpacity: 0.05, interactive: false, className: "pm-ring"}));
    });
  }

  // ------------------------------------------------------------------ filters

  function visible(f) {
    var s = pm.state;
    if (s.off[f.c]) { return false; }
    if (s.c && f.c !== s.c) { return false; }
    if (s.pr && f.pr !== s.pr) { return false; }
    if (s.county && f.cty.split("、").indexOf(s.county) < 0) { return false; }
    if (s.q && f.n.toLowerCase().indexOf(s.q) < 0) { return false; }
    return true;
  }

  function apply() {
    var add = [], remove = [];
    pm.features.forEach(function (f) {
      var on = visible(f);
      if (on === f._on) { return; }
      f._on = on;
      (on ? add : remove).push(pm.layers[f.key]);
      var sh = pm.shapes[f.key];
      if (sh) { if (on) { pm.shapeLayer.addLayer(sh); } else { pm.shapeLayer.removeLayer(sh); } }
    });
    if (remove.length) { pm.cluster.removeLayers(remove); }
    if (add.length) { pm.cluster.addLayers(add); }
    drawRings();
    renderList();
    renderLegend();
  }
  pm.apply = apply;

  pm.setFilter = function (name, value) {
    if (name === "q") { value = String(value || "").trim().toLowerCase(); }
    pm.state[name] = value || "";
    var sel = document.querySelector('select[data-filter="' + name + '"]');
    if (sel && sel.value !== pm.state[name]) { sel.value = pm.state[name]; }
    apply();
  };

  pm.toggleCategory = function (cat, on) {
    if (on) { delete pm.state.off[cat]; } else { pm.state.off[cat] = true; }
    apply();
  };

  // ------------------------------------------------------------------ project list

  function sortKey(f, key) {
    if (key === "c") { return Object.keys(pm.data.styles).indexOf(f.c); }
    if (key === "pr") { return Object.keys(pm.data.precision).indexOf(f.pr); }
    return f[key] || "";
  }

  function renderList() {
    var tbody = pm.listEl, s = pm.state;
    if (!tbody) { return; }
    var rows = pm.features.slice();
    if (s.sort) {
      rows.sort(function (a, b) {
        var x = sortKey(a, s.sort), y = sortKey(b, s.sort);
        if (x < y) { return -s.dir; }
        if (x > y) { return s.dir; }
        return a.key - b.key;
      });
    }
    var shown = 0;
    rows.forEach(function (f) {
      f._row.hidden = !f._on;
      if (f._on) { shown += 1; }
      tbody.appendChild(f._row);  // re-appending an existing row moves it
    });
    var count = document.querySelector('[data-slot="count"]');
    count.textContent = shown === pm.features.length ? "共 " + shown + " 个项目" : "显示 " + shown + " / " + pm.features.length + " 个项目";
    document.querySelectorAll(".pm-list th[data-sort]").forEach(function (th) {
      var k = th.getAttribute("data-sort");
      th.setAttribute("aria-sort", k === s.sort ? (s.dir > 0 ? "ascending" : "descending") : "none");
    });
  }

  pm.sortBy = function (key) {
    if (pm.state.sort === key) { pm.state.dir = -pm.state.dir; } else { pm.state.sort = key; pm.state.dir = 1; }
    renderList();
  };

  function row(f) {
    var tr = tpl("pm-tpl-row"), st = style(f);
    put(tr, "n", f.n);
    put(tr, "c", st.label);
    slot(tr, "dot").style.background = st.color;
    put(tr, "pr", (pm.data.precision[f.pr] || {label: f.pr || "?"}).label);
    put(tr, "cty", f.cty);
    tr.setAttribute("data-pm-key", String(f.key));
    tr.addEventListener("click", function () { pm.focus(f.key); });
    tr.addEventListener("keydown", function (e) { if (e.key === "Enter") { pm.focus(f.key); } });
    return tr;
  }

  function fillSelect(name, values) {
    var sel = document.querySelector('select[data-filter="' + name + '"]');
    values.forEach(function (v) {
      var o = document.createElement("option");
      o.value = v[0];
      o.textContent = v[1];
      sel.appendChild(o);
    });
    sel.hidden = values.length < 2;
    sel.addEventListener("change", function () { pm.setFilter(name, sel.value); });
  }

  function buildPanel() {
    var present = function (key) { var seen = {}; pm.features.forEach(function (f) { seen[f[key]] = (seen[f[key]] || 0) + 1; }); return seen; };
    var cats = present("c"), precs = present("pr"), counties = {};
    pm.features.forEach(function (f) { f.cty.split("、").forEach(function (c) { if (c) { counties[c] = (counties[c] || 0) + 1; } }); });
    fillSelect("c", Object.keys(pm.data.styles).filter(function (k) { return cats[k]; })
      .map(function (k) { return [k, pm.data.styles[k].label + "（" + cats[k] + "）"]; }));
    fillSelect("pr", Object.keys(pm.data.precision).filter(function (k) { return precs[k]; })
      .map(function (k) { return [k, pm.data.precision[k].label + "（" + precs[k] + "）"]; }));
    fillSelect("county", Object.keys(counties).sort().map(function (k) { return [k, k + "（" + counties[k] + "）"]; }));
    var input = document.querySelector(".pm-search-input");
    input.addEventListener("input", function () { pm.setFilter("q", input.value); });
    document.querySelectorAll(".pm-list th[data-sort]").forEach(function (th) {
      th.addEventListener("click", function () { pm.sortBy(th.getAttribute("data-sort")); });
    });
    pm.features.forEach(function (f) { f._row = row(f); });
    document.querySelector('[data-slot="empty"]').hidden = pm.features.length > 0;
    if (window.matchMedia && window.matchMedia("(max-width: 700px)").matches) { pm.togglePanel(false); }
  }

  pm.togglePanel = function (open) {
    var panel = document.getElementById("pm-panel");
    if (!panel) { return; }
    open = open === undefined ? panel.classList.contains("pm-collapsed") : open;
    panel.classList.toggle("pm-collapsed", !open);
    document.querySelector('[data-action="panel"]').setAttribute("aria-expanded", String(open));
    if (pm.map) { pm.map.invalidateSize(false); }
  };

  // ------------------------------------------------------------------ legend

  function svgLine(svg, color, weight, dash) {
    var ln = document.createElementNS("http://www.w3.org/2000/svg", "line");
    ln.setAttribute("x1", "2"); ln.setAttribute("y1", "6"); ln.setAttribute("x2", "32"); ln.setAttribute("y2", "6");
    ln.setAttribute("stroke", color);
    ln.setAttribute("stroke-width", String(weight));
    if (dash) { ln.setAttribute("stroke-dasharray", dash); }
    svg.appendChild(ln);
  }

  function buildLegend(map) {
    var c = L.control({position: "bottomright"});
    c.onAdd = function () {
      var el = tpl("pm-tpl-legend");
      pm.legendEl = el;
      if (map.getSize().x < 700) { el.querySelector("details").open = false; }  // a small screen: folded
      var rings = Object.keys(pm.data.precision).map(function (k) { return pm.data.precision[k]; })
        .filter(function (p) { return !p.solid && p.radius_m; })
        .map(function (p) { return p.label.replace(/定位$/, "") + " " + (p.radius_m / 1000) + " km"; });
      put(el, "rings", "圈半径表示不确定范围：" + rings.join("、"));
      put(el, "counties-name", pm.data.counties.name);
      var box = el.querySelector('input[data-layer="counties"]');
      box.addEventListener("change", function () {
        if (box.checked) { pm.countyLayer.addTo(map); } else { map.removeLayer(pm.countyLayer); }
      });
      var chor = pm.data.counties.choropleth;
      if (chor) {
        var ul = slot(el, "chor");
        chor.forEach(function (r) {
          var li = tpl("pm-tpl-legend-chor");
          slot(li, "swatch").style.background = r[1];
          put(li, "label", r[0] + " 个项目");
          ul.appendChild(li);
        });
        slot(el, "chor-block").hidden = false;
      }
      stop(el);
      return el;
    };
    c.addTo(map);
  }

  function renderLegend() {
    var el = pm.legendEl, cats = slot(el, "cats"), lines = slot(el, "lines");
    var total = {}, shown = {}, kinds = {};
    pm.features.forEach(function (f) {
      total[f.c] = (total[f.c] || 0) + 1;
      if (f._on) {
        shown[f.c] = (shown[f.c] || 0) + 1;
        if (f.k === "line" || f.k === "rline") { kinds[f.c + "|" + f.k] = 1; }
      }
    });
    cats.textContent = "";
    lines.textContent = "";
    Object.keys(pm.data.styles).forEach(function (k) {
      if (!total[k]) { return; }
      var st = pm.data.styles[k], li = tpl("pm-tpl-legend-cat"), box = li.querySelector("input");
      var b = slot(li, "badge");
      b.style.background = st.color;
      b.textContent = st.glyph;
      put(li, "label", st.label);
      put(li, "n", shown[k] === total[k] ? String(total[k]) : (shown[k] || 0) + "/" + total[k]);
      box.checked = !pm.state.off[k];
      box.setAttribute("data-cat", k);
      box.setAttribute("aria-label", "显示" + st.label);
      box.addEventListener("change", function () { pm.toggleCategory(k, box.checked); });
      if (!shown[k]) { li.classList.add("pm-off"); }
      cats.appendChild(li);
      // line styles say how the course is known, for the categories on the map now
      if (kinds[k + "|line"]) {
        var l1 = tpl("pm-tpl-legend-line"), svg = slot(l1, "svg");
        if (st.casing) { svgLine(svg, st.casing, st.weight + 3, ""); }
        svgLine(svg, st.color, st.weight, st.dash);
        if (st.overlay) { svgLine(svg, st.overlay.color, st.overlay.weight, st.overlay.dash); }
        put(l1, "label", st.label + "：走向已知（实测或近似）");
        lines.appendChild(l1);
      }
      if (kinds[k + "|rline"]) {
        var l2 = tpl("pm-tpl-legend-line");
        svgLine(slot(l2, "svg"), st.color, 2.5, "2 7");
        put(l2, "label", st.label + "：只知两端所在行政区，示意走向");
        lines.appendChild(l2);
      }
    });
    slot(el, "none").hidden = pm.features.length > 0;
    slot(el, "lines-block").hidden = !lines.children.length;
  }

  // ------------------------------------------------------------------ focus

  pm.focus = function (key) {
    var f = pm.byKey[key], m = pm.layers[key], map = pm.map;
    if (!f) { return false; }
    if (!f._on) {  // a hidden project: clear the filters that hide it
      pm.state = {c: "", pr: "", county: "", q: "", off: {}, sort: pm.state.sort, dir: pm.state.dir};
      document.querySelectorAll("select[data-filter]").forEach(function (s) { s.value = ""; });
      document.querySelectorAll(".pm-search-input").forEach(function (i) { i.value = ""; });
      apply();
    }
    var zoom = Math.min(map.getMaxZoom(), (pm.data.precision[f.pr] || {zoom: 12}).zoom);
    var sh = pm.shapes[key];
    if (sh && !pm.corrections[key]) {
      map.fitBounds(sh.getBounds(), {maxZoom: zoom, padding: [40, 40], animate: false});
    } else {
      map.setView(m.getLatLng(), zoom, {animate: false});
    }
    var shownAs = pm.cluster.getVisibleParent(m);
    if (shownAs && shownAs !== m && shownAs.spiderfy) {
      // still grouped at the zoom its precision allows (a county seat): spread the group out
      // rather than zoom in further than the placement is known
      shownAs.spiderfy();
      shownAs = pm.cluster.getVisibleParent(m);
    }
    if (shownAs === m) {
      m.openPopup();
    } else {
      // still grouped at the zoom its precision allows: the popup opens without unclustering
      L.popup({maxWidth: 380, minWidth: 260, maxHeight: 420, autoPanPadding: [30, 30]})
        .setLatLng(m.getLatLng()).setContent(popupContent(f)).openOn(map);
    }
    document.querySelectorAll(".pm-row.pm-current").forEach(function (r) { r.classList.remove("pm-current"); });
    if (f._row) { f._row.classList.add("pm-current"); }
    return true;
  };

  pm.count = function () {
    var keys = {};
    pm.features.forEach(function (f) { if (f._on) { keys[f.key] = 1; } });
    return Object.keys(keys).length;
  };

  // ------------------------------------------------------------------ downloads

  function geometryOf(f) {
    // WGS-84 GeoJSON geometry of a project (the page's display coordinates may be GCJ-02)
    var g = f.w ? f.w.g : f.g, at = f.w ? f.w.at : f.at;
    var flip = function (p) { return [p[1], p[0]]; };
    var corr = pm.corrections[f.key];
    if (corr && corr.moved) { return {type: "Point", coordinates: [corr.moved[1], corr.moved[0]]}; }
    if (corr && corr.line) { return {type: "LineString", coordinates: corr.line.map(flip)}; }
    if (f.k === "point" || f.k === "ring") { return {type: "Point", coordinates: flip(at)}; }
    if (f.k === "line" || f.k === "rline") {
      return g.length === 1 ? {type: "LineString", coordinates: g[0].map(flip)}
                            : {type: "MultiLineString", coordinates: g.map(function (p) { return p.map(flip); })};
    }
    var polys = g.map(function (poly) { return poly.map(function (r) { return r.map(flip); }); });
    return polys.length === 1 ? {type: "Polygon", coordinates: polys[0]} : {type: "MultiPolygon", coordinates: polys};
  }

  function wkt(geom) {
    var pt = function (p) { return p[0] + " " + p[1]; };
    var ring = function (r) { return "(" + r.map(pt).join(", ") + ")"; };
    var poly = function (p) { return "(" + p.map(ring).join(", ") + ")"; };
    switch (geom.type) {
      case "Point": return "POINT (" + pt(geom.coordinates) + ")";
      case "LineString": return "LINESTRING " + ring(geom.coordinates);
      case "MultiLineString": return "MULTILINESTRING (" + geom.coordinates.map(ring).join(", ") + ")";
      case "Polygon": return "POLYGON " + poly(geom.coordinates);
      default: return "MULTIPOLYGON (" + geom.coordinates.map(poly).join(", ") + ")";
    }
  }

  function properties(f) {
    var d = f.d, st = style(f), corr = pm.corrections[f.key];
    return {
      id: f.id, name: f.n, category: f.c, category_label: st.label,
      precision: corr && (corr.moved || corr.line) ? "user" : f.pr,
      precision_label: corr && (corr.moved || corr.line) ? precLabel("user") : precLabel(f.pr),
      counties: f.cty, county_adcodes: d.ca.join("|"), city_adcode: d.city, province: d.prov,
      plan: d.plan, plan_title: d.planTitle, section: d.section, lead_units: d.lead.join("|"),
      support_units: d.support.join("|"), deadline: d.deadline, confidence: d.conf,
      location_source: corr && (corr.moved || corr.line) ? "override" : (d.src.href || d.src.text), evidence: d.ev,
      line_length: corr && corr.line ? "" : d.km
    };
  }

  function kept() { return pm.features.filter(function (f) { return !(pm.corrections[f.key] || {}).drop; }); }

  pm.geojson = function () {
    return JSON.stringify({type: "FeatureCollection", features: kept().map(function (f) {
      return {type: "Feature", id: f.id, properties: properties(f), geometry: geometryOf(f)};
    })}, null, 1);
  };

  function cell(v) {
    // spreadsheets run cells that start with = + - @ (or tab / CR) as formulas: prefix '
    var s = v === null || v === undefined ? "" : String(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) { s = "'" + s; }
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function csv(header, rows) {
    return "\ufeff" + [header].concat(rows).map(function (r) { return r.map(cell).join(","); }).join("\r\n") + "\r\n";
  }

  pm.csv = function () {
    return csv(CSV_HEADER, kept().map(function (f) {
      var p = properties(f), g = geometryOf(f), at = f.w ? f.w.at : f.at;
      var corr = pm.corrections[f.key];
      if (corr && corr.moved) { at = corr.moved; }
      return CSV_HEADER.map(function (h) {
        if (h === "lon") { return at[1]; }
        if (h === "lat") { return at[0]; }
        if (h === "wkt") { return wkt(g); }
        return p[h];
      });
    }));
  };

  function fileStem() { return (pm.data.plan || "projects").replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_").slice(0, 80); }

  function download(name, text, type) {
    var blob = new Blob([text], {type: type + ";charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // ------------------------------------------------------------------ corrections

  function corrected() {
    var n = Object.keys(pm.corrections).length, button = document.querySelector('[data-action="overrides"]');
    put(document, "ncorr", String(n));
    if (button) { button.hidden = n === 0; }
    pm.features.forEach(function (f) {
      var c = pm.corrections[f.key], el = pm.layers[f.key].options.icon.options.html;
      el.classList.toggle("pm-dropped", !!(c && c.drop));
      el.classList.toggle("pm-moved", !!(c && (c.moved || c.line)));
      if (f._row) { f._row.classList.toggle("pm-dropped", !!(c && c.drop)); }
    });
    drawRings();
  }

  pm.move = function (key, lat, lng) {
    var m = pm.layers[key];
    var w = pm.toWgs84(lat, lng);
    pm.corrections[key] = {moved: [Math.round(w[0] * 1e6) / 1e6, Math.round(w[1] * 1e6) / 1e6], shown: [lat, lng]};
    if (!m.getLatLng().equals([lat, lng])) { m.setLatLng([lat, lng]); }  // (a drag has moved it already)
    corrected();
  };

  function wgsRounded(p) {
    var w = pm.toWgs84(p[0], p[1]);
    return [Math.round(w[0] * 1e6) / 1e6, Math.round(w[1] * 1e6) / 1e6];
  }

  function showLine(key, pts) {
    var sh = pm.shapes[key];
    if (sh) { sh.eachLayer(function (l) { l.setLatLngs(pts); }); }
    pm.layers[key].setLatLng(pts[Math.floor((pts.length - 1) / 2)]);
  }

  // a line the user drew (display coordinates, at least two points)
  pm.redraw = function (key, pts) {
    pts = pts.filter(function (p, i) { return i === 0 || p[0] !== pts[i - 1][0] || p[1] !== pts[i - 1][1]; });
    if (pts.length < 2) { return false; }
    pm.corrections[key] = {line: pts.map(wgsRounded), shownLine: pts};
    showLine(key, pts);
    corrected();
    return true;
  };

  // click the course on the map, double-click (or Enter) to finish, Escape to cancel
  pm.startRedraw = function (key) {
    var map = pm.map, pts = [], container = map.getContainer();
    var preview = L.polyline([], {color: "#2e7d32", weight: 3, dashArray: "4 4", interactive: false}).addTo(map);
    map.closePopup();
    map.doubleClickZoom.disable();
    container.classList.add("pm-drawing");
    function add(e) { pts.push([e.latlng.lat, e.latlng.lng]); preview.setLatLngs(pts); }
    function end(keep) {
      map.off("click", add);
      map.off("dblclick", done);
      document.removeEventListener("keydown", keys);
      map.removeLayer(preview);
      map.doubleClickZoom.enable();
      container.classList.remove("pm-drawing");
      pm.drawing = false;
      if (keep) { pm.redraw(key, pts); }
    }
    function done() { end(true); }
    function keys(e) { if (e.key === "Enter") { end(true); } else if (e.key === "Escape") { end(false); } }
    map.on("click", add);
    map.on("dblclick", done);
    document.addEventListener("keydown", keys);
    pm.drawing = true;
  };

  pm.drop = function (key) {
    pm.corrections[key] = {drop: true};
    pm.map.closePopup();
    corrected();
  };

  pm.undo = function (key) {
    var f = pm.byKey[key];
    var c = pm.corrections[key];
    delete pm.corrections[key];
    pm.layers[key].setLatLng(f.at);
    if (c && c.line && pm.shapes[key]) { pm.shapes[key].eachLayer(function (l) { l.setLatLngs(f.g); }); }
    pm.map.closePopup();
    corrected();
  };

  pm.setEditing = function (on) {
    pm.editing = !!on;
    document.body.classList.toggle("pm-editing", pm.editing);
    var button = document.querySelector('[data-action="edit"]');
    if (button) { button.setAttribute("aria-pressed", String(pm.editing)); }
    pm.features.forEach(function (f) {
      var m = pm.layers[f.key];
      if (f.k !== "point" && f.k !== "ring") { return; }  // a line or an area is not moved as a point
      m.options.draggable = pm.editing;
      if (m.dragging) { if (pm.editing) { m.dragging.enable(); } else { m.dragging.disable(); } }
    });
  };

  pm.overridesCsv = function () {
    var rows = [];
    pm.features.forEach(function (f) {
      var c = pm.corrections[f.key];
      if (!c) { return; }
      var id = "user-" + (f.id || String(f.key)).replace(/[^A-Za-z0-9_.-]/g, "_");
      var d = f.d, note = "corrected on the map of " + (pm.data.plan || "");
      if (c.drop) {
        rows.push([id, f.n, "", f.c, "point", "", "wgs84", "exact", d.prov, d.city, d.ca.join("|"),
                   "user:map-correction", "not-a-project; " + note]);
        return;
      }
      if (c.line) {
        var codes = [];
        c.shownLine.forEach(function (p) {
          var k = countyAt(p[0], p[1]);
          if (k && codes.indexOf(k.adcode) < 0) { codes.push(k.adcode); }
        });
        rows.push([id, f.n, "", f.c, "line", "LINESTRING(" + c.line.map(function (p) {
          return p[1].toFixed(6) + " " + p[0].toFixed(6); }).join(", ") + ")",
                   "wgs84", "exact", d.prov, codes.length ? codes[0].slice(0, 4) + "00" : d.city, codes.join("|"),
                   "user:map-correction", "redrawn; " + note]);
        return;
      }
      var county = countyAt(c.shown[0], c.shown[1]);  // the page's counties are in display coordinates
      var code = county ? county.adcode : "";
      rows.push([id, f.n, "", f.c, "point", "POINT(" + c.moved[1].toFixed(6) + " " + c.moved[0].toFixed(6) + ")",
                 "wgs84", "exact", d.prov, code ? code.slice(0, 4) + "00" : d.city, code,
                 "user:map-correction", "moved; " + note]);
    });
    return csv(OVERRIDE_HEADER, rows);
  };

  // ------------------------------------------------------------------ header

  function buildHeader(data) {
    put(document, "title", data.title);
    if (data.subtitle) { put(document, "subtitle", data.subtitle).hidden = false; }
    var meta = document.querySelector('[data-slot="meta"]');
    data.meta.forEach(function (kv) {
      var item = tpl("pm-tpl-meta");
      put(item, "k", kv[0] + "：");
      put(item, "v", kv[1]);
      meta.appendChild(item);
    });
    var s = data.stats;
    var stats = s.drawn + " 个项目 · " + s.counties + " 个县区 · 底图：" + s.tiles;
    if (s.total > s.drawn) { stats += " · " + (s.total - s.drawn) + " 个项目无坐标未绘制"; }
    if (!s.total) { stats = "没有识别出项目 · 底图：" + s.tiles; }
    put(document, "stats", stats);
    var stem = fileStem();
    document.querySelector('[data-action="panel"]').addEventListener("click", function () { pm.togglePanel(); });
    document.querySelector('[data-action="geojson"]').addEventListener("click", function () {
      download(stem + ".geojson", pm.geojson(), "application/geo+json");
    });
    document.querySelector('[data-action="csv"]').addEventListener("click", function () {
      download(stem + ".csv", pm.csv(), "text/csv");
    });
    var edit = document.querySelector('[data-action="edit"]');
    edit.addEventListener("click", function () { pm.setEditing(!pm.editing); });
    document.querySelector('[data-action="overrides"]').addEventListener("click", function () {
      download(stem + "-overrides.csv", pm.overridesCsv(), "text/csv");
    });
    if (!data.features.length) {
      document.querySelectorAll('[data-action="geojson"], [data-action="csv"], [data-action="edit"]')
        .forEach(function (b) { b.disabled = true; });
    }
  }

  // ------------------------------------------------------------------ start

  function draw(map, data) {
    pm.data = data;
    pm.map = map;
    pm.maps.push(map);
    if (!isFinite(map.getMaxZoom())) { map.setMaxZoom(data.maxZoom); }  // clustering needs one
    if (data.tiles) {
      L.tileLayer(data.tiles.url, {attribution: data.tiles.attr, subdomains: data.tiles.subdomains,
                                   maxZoom: Math.min(data.tiles.maxZoom, data.maxZoom)}).addTo(map);
    }
    pm.countyLayer = drawCounties(map, data.counties);
    pm.ringLayer = L.layerGroup().addTo(map);
    pm.shapeLayer = L.featureGroup().addTo(map);
    pm.cluster = L.markerClusterGroup({
      maxClusterRadius: 40, spiderfyOnMaxZoom: true, showCoverageOnHover: false, zoomToBoundsOnClick: true, animate: false,
      iconCreateFunction: clusterIcon, chunkedLoading: false
    }).addTo(map);
    data.features.forEach(function (f) {
      var st = style(f);
      f._on = false;
      pm.features.push(f);
      pm.byKey[f.key] = f;
      var m = marker(f, st);
      m.bindPopup(function () { return popupContent(f); }, {maxWidth: 380, minWidth: 260, maxHeight: 420, autoPanPadding: [30, 30]});
      m.bindTooltip(function () { return tooltipContent(f); }, {direction: "top", className: "pm-tip"});
      m.on("dragend", function () { var ll = m.getLatLng(); pm.move(f.key, ll.lat, ll.lng); });
      pm.layers[f.key] = m;
      var sh = shape(f, st);
      if (sh) {
        sh.pmKey = f.key;
        sh.bindPopup(function () { return popupContent(f); }, {maxWidth: 380, minWidth: 260, maxHeight: 420, autoPanPadding: [30, 30]});
        sh.bindTooltip(function () { return tooltipContent(f); }, {sticky: true, className: "pm-tip"});
        pm.shapes[f.key] = sh;
      }
    });
    if (pm.listEl) { buildPanel(); }
    buildLegend(map);
    if (data.bounds) {
      // keep the content clear of the legend (bottom right) where the map is wide enough;
      // no animation: an animated first zoom leaves stale SVG rasters in software rendering
      var legendWidth = pm.legendEl ? pm.legendEl.offsetWidth : 0;
      var right = map.getSize().x > 2 * legendWidth ? legendWidth + 20 : 30;
      map.fitBounds(data.bounds, {animate: false, paddingTopLeft: [30, 30], paddingBottomRight: [right, 30], maxZoom: 12});
    } else {
      map.setView([35.0, 105.0], 4);
    }
    apply();
    pm.ready = true;
    pm.readyAt = window.performance ? performance.now() : 0;
  }

  // a saved page: header, project list and map
  pm.start = function (data) {
    pm.data = data;
    pm.listEl = document.querySelector(".pm-list tbody");
    buildHeader(data);
    var map = L.map("pm-map", {maxZoom: data.maxZoom, zoomControl: true, fadeAnimation: false});
    L.control.scale({imperial: false}).addTo(map);
    draw(map, data);
  };

  // a map made elsewhere (folium in a notebook): projects, counties and legend only
  pm.attach = function (map, data) {
    draw(map, data);
  };
})();

// Draws the places of a page on an offline world map: Natural Earth countries (vendored
// world-atlas TopoJSON) projected with d3-geo. No tiles, no network beyond this server.
// Places mentioned are circles; where events happened (#map-events, when given) diamonds.
(function () {
  "use strict";
  var fig = document.getElementById("map");
  var src = document.getElementById("map-data");
  if (!fig || !src || !window.d3 || !window.topojson) return;
  var points = JSON.parse(src.textContent || "[]");
  // the events layer (where reported events happened), when the page has one
  var evSrc = document.getElementById("map-events");
  var events = evSrc ? JSON.parse(evSrc.textContent || "[]") : [];
  var svg = fig.querySelector("svg");
  // drawn at the figure's own pixel size, so that labels keep a readable size in a sidebar
  var W = Math.max(320, Math.round(fig.clientWidth || 960)), H = Math.round(W * (W < 600 ? 0.75 : 0.54));
  var NS = "http://www.w3.org/2000/svg";
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    (parent || svg).appendChild(e);
    return e;
  }

  fetch("/static/vendor/world-atlas/countries-110m.json").then(function (r) {
    if (!r.ok) throw new Error("world map " + r.status);
    return r.json();
  }).then(function (world) {
    var land = topojson.feature(world, world.objects.countries);
    var projection = d3.geoMercator();
    // frame the points (padded, at least ~25 degrees wide); the whole world when there are none
    var all = points.concat(events);
    if (all.length) {
      var lons = all.map(function (p) { return p.lon; }), lats = all.map(function (p) { return p.lat; });
      var x0 = Math.min.apply(null, lons), x1 = Math.max.apply(null, lons);
      var y0 = Math.min.apply(null, lats), y1 = Math.max.apply(null, lats);
      var pad = Math.max(6, (x1 - x0) * 0.15, (y1 - y0) * 0.15);
      var cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      var hw = Math.max(12.5, (x1 - x0) / 2 + pad), hh = Math.max(7, (y1 - y0) / 2 + pad);
      var frame = {type: "MultiPoint", coordinates: [
        [Math.max(-180, cx - hw), Math.max(-80, cy - hh)], [Math.min(180, cx + hw), Math.min(84, cy + hh)]]};
      projection.fitExtent([[10, 10], [W - 10, H - 10]], frame);
    } else {
      projection.fitExtent([[10, 10], [W - 10, H - 10]], {type: "Sphere"});
    }
    var path = d3.geoPath(projection);
    el("rect", {"class": "sphere", x: 0, y: 0, width: W, height: H});
    var g = el("g", {"class": "countries"});
    land.features.forEach(function (f) {
      var d = path(f);
      if (d) {
        var p = el("path", {"class": "land", d: d}, g);
        el("title", {}, p).textContent = (f.properties && f.properties.name) || "";
      }
    });
    var maxN = Math.max.apply(null, points.map(function (p) { return p.mentions; }).concat([1]));
    var gp = el("g", {"class": "points"});
    var labelled = [];  // where a place's name is written already
    points.slice().sort(function (a, b) { return b.mentions - a.mentions; }).forEach(function (p, i) {
      var xy = projection([p.lon, p.lat]);
      if (!xy || xy[0] < 0 || xy[0] > W || xy[1] < 0 || xy[1] > H) return;
      var a = el("a", {href: p.href}, gp);
      var r = 4 + 10 * Math.sqrt(p.mentions / maxN);
      var c = el("circle", {"class": "pt", cx: xy[0].toFixed(1), cy: xy[1].toFixed(1),
        r: r.toFixed(1), "data-name": p.name || p.text || ""}, a);
      el("title", {}, c).textContent = (p.text || "") + (p.name && p.name !== p.text ? " — " + p.name : "") +
        " (" + p.mentions + ")";
      if (i < 12) {
        var t = el("text", {"class": "label", x: (xy[0] + r + 3).toFixed(1), y: (xy[1] + 4).toFixed(1)}, gp);
        t.textContent = p.text || p.name || "";
        labelled.push(xy);
      }
    });
    // events: diamonds sized by the number of events there, linking to /events?place=...
    var maxE = Math.max.apply(null, events.map(function (p) { return p.events; }).concat([1]));
    var ge = el("g", {"class": "events"});
    events.slice().sort(function (a, b) { return b.events - a.events; }).forEach(function (p, i) {
      var xy = projection([p.lon, p.lat]);
      if (!xy || xy[0] < 0 || xy[0] > W || xy[1] < 0 || xy[1] > H) return;
      var a = el("a", {href: p.href}, ge);
      var r = 5 + 9 * Math.sqrt(p.events / maxE), x = xy[0], y = xy[1];
      var d = "M" + x.toFixed(1) + " " + (y - r).toFixed(1) + "L" + (x + r).toFixed(1) + " " + y.toFixed(1) +
        "L" + x.toFixed(1) + " " + (y + r).toFixed(1) + "L" + (x - r).toFixed(1) + " " + y.toFixed(1) + "Z";
      var m = el("path", {"class": "ev", d: d, "data-name": p.name || p.text || "", "data-events": String(p.events)}, a);
      var types = Object.keys(p.types || {}).map(function (t) { return t + " ×" + p.types[t]; }).join("، ");
      el("title", {}, m).textContent = (p.text || "") + (p.name && p.name !== p.text ? " — " + p.name : "") +
        ": " + p.events + " حدث (" + types + ")";
      var named = labelled.some(function (q) { return Math.abs(q[0] - x) < 4 && Math.abs(q[1] - y) < 4; });
      if (i < 8 && !named) {
        var t = el("text", {"class": "label ev-label", x: (x - r - 3).toFixed(1), y: (y + 4).toFixed(1),
          "text-anchor": "end"}, ge);
        t.textContent = p.text || p.name || "";
      }
    });
    // layer toggles (the checkboxes above the map)
    var layers = document.getElementById("map-layers");
    if (layers) {
      Array.prototype.forEach.call(layers.querySelectorAll("input[data-layer]"), function (box) {
        var g = box.getAttribute("data-layer") === "events" ? ge : gp;
        var sync = function () { g.style.display = box.checked ? "" : "none"; };
        box.addEventListener("change", sync);
        sync();
      });
    }
    fig.setAttribute("data-state", "ready");
    fig.setAttribute("data-points", String(gp.querySelectorAll("circle").length));
    fig.setAttribute("data-events", String(ge.querySelectorAll("path.ev").length));
  }).catch(function (err) {
    fig.setAttribute("data-state", "error");
    fig.setAttribute("title", String(err));
  });
})();

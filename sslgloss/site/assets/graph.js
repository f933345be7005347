/* sslgloss: the global concept graph, drawn on a canvas.
 *
 * Positions are computed at build time (networkx, see sslgloss/site/layout.py)
 * and shipped in assets/sslgloss/graph.json, so this file only draws and
 * handles input: pan (drag), zoom (wheel, pinch, buttons, keys), hover to see
 * a term's neighbours, click to open it, a legend that filters relation types,
 * a tag filter and type-to-focus search. Labels are placed greedily by
 * importance without overlaps, so it stays readable at 70 terms and usable at
 * 2,000. Set up on every emission of material's `document$` (instant navigation).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var siteRoot = new URL("../../", script && script.src ? script.src : window.location.href);
  var dataUrl = new URL("assets/sslgloss/graph.json", siteRoot);
  var WORLD = 1000; // layout positions are in [0, 1]; the world is 1000 units wide
  var dataPromise = null;
  var live = [];

  function load() {
    if (!dataPromise) {
      dataPromise = fetch(dataUrl.href).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
      dataPromise.catch(function () { dataPromise = null; });
    }
    return dataPromise;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text != null) node.textContent = text;
    return node;
  }

  function go(href) {
    if (window.sslgloss && window.sslgloss.navigate) window.sslgloss.navigate(href);
    else window.location.href = href;
  }

  function setup(host) {
    host.setAttribute("data-sslgloss-bound", "");
    host.textContent = "";
    var controls = el("div", { "class": "sslgloss-graph__controls" });
    var search = el("input", { type: "search", placeholder: "Find a term\u2026", "aria-label": "Find a term",
      autocomplete: "off", spellcheck: "false" });
    var tagSelect = el("select", { "aria-label": "Show only the terms with this tag" });
    var buttons = el("span", { "class": "sslgloss-graph__buttons" });
    var zoomIn = el("button", { type: "button", "aria-label": "Zoom in" }, "+");
    var zoomOut = el("button", { type: "button", "aria-label": "Zoom out" }, "\u2212");
    var fit = el("button", { type: "button", "aria-label": "Show the whole graph" }, "Fit");
    buttons.appendChild(zoomIn);
    buttons.appendChild(zoomOut);
    buttons.appendChild(fit);
    controls.appendChild(search);
    controls.appendChild(tagSelect);
    controls.appendChild(buttons);
    var stage = el("div", { "class": "sslgloss-graph__stage" });
    var canvas = el("canvas", { tabindex: "0", role: "img",
      "aria-label": "The concept graph. Use the search box to find a term; the A\u2013Z index lists them all." });
    var card = el("div", { "class": "sslgloss-graph__card", hidden: "" });
    stage.appendChild(canvas);
    stage.appendChild(card);
    var legend = el("ul", { "class": "sslgloss-graph__legend", "aria-label": "Relation types (untick to hide)" });
    var status = el("p", { "class": "sslgloss-graph__status", "aria-live": "polite" }, "Loading the graph\u2026");
    host.appendChild(controls);
    host.appendChild(stage);
    host.appendChild(legend);
    host.appendChild(status);

    load().then(function (data) {
      if (host.isConnected) start(host, data, { search: search, tagSelect: tagSelect, zoomIn: zoomIn,
        zoomOut: zoomOut, fit: fit, stage: stage, canvas: canvas, card: card, legend: legend, status: status });
    }, function () {
      status.textContent = "The graph data could not be loaded. Every term is also in the A\u2013Z index.";
    });
  }

  function start(host, data, ui) {
    var nodes = data.nodes;
    var n = nodes.length;
    var links = data.links;
    var types = data.types;
    var tags = data.tags;
    var byId = {};
    var neighbours = nodes.map(function () { return []; });
    nodes.forEach(function (node, i) {
      byId[node.id] = i;
      node.wx = node.x * WORLD;
      node.wy = node.y * WORLD;
      node.r = 3 + Math.sqrt(node.n || 0) * 1.6;
      node.names = [node.t].concat(node.a || []).map(function (name) { return name.toLowerCase(); });
    });
    links.forEach(function (link, i) {
      neighbours[link[0]].push(i);
      neighbours[link[1]].push(i);
    });
    var typeOn = types.map(function () { return true; });
    var tagFilter = -1;
    var visible = new Uint8Array(n).fill(1);
    var hovered = -1;
    var focused = -1;
    var matches = null; // indices matching the search box
    var view = { k: 1, x: 0, y: 0 };
    var width = 0;
    var height = 0;
    var dpr = 1;
    var ctx = ui.canvas.getContext("2d");
    var pending = false;
    var byImportance = nodes.map(function (_, i) { return i; })
      .sort(function (a, b) { return (nodes[b].n || 0) - (nodes[a].n || 0); });

    /* ---------- controls */
    tagSelect();
    function tagSelect() {
      ui.tagSelect.appendChild(el("option", { value: "-1" }, "All tags"));
      tags.forEach(function (tag, i) { ui.tagSelect.appendChild(el("option", { value: String(i) }, tag)); });
    }
    types.forEach(function (type, i) {
      if (!type.used) return;
      var item = el("li");
      var label = el("label");
      var box = el("input", { type: "checkbox" });
      box.checked = true;
      box.addEventListener("change", function () { typeOn[i] = box.checked; redraw(); });
      var swatch = el("span", { "class": "sslgloss-graph__swatch" });
      swatch.style.background = type.color;
      label.appendChild(box);
      label.appendChild(swatch);
      label.appendChild(document.createTextNode(" " + type.label));
      item.appendChild(label);
      ui.legend.appendChild(item);
    });

    /* ---------- geometry */
    function toScreen(i) {
      return { x: nodes[i].wx * view.k + view.x, y: nodes[i].wy * view.k + view.y };
    }
    function fitView(indices) {
      var list = indices || [];
      if (!indices) for (var i = 0; i < n; i++) if (visible[i]) list.push(i);
      if (!list.length || !width) return;
      var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      list.forEach(function (j) {
        minX = Math.min(minX, nodes[j].wx); maxX = Math.max(maxX, nodes[j].wx);
        minY = Math.min(minY, nodes[j].wy); maxY = Math.max(maxY, nodes[j].wy);
      });
      var pad = width < 500 ? 20 : 48;
      var spanX = Math.max(maxX - minX, 1);
      var spanY = Math.max(maxY - minY, 1);
      var k = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
      view.k = Math.max(0.05, Math.min(k, 6));
      view.x = width / 2 - (minX + spanX / 2) * view.k;
      view.y = height / 2 - (minY + spanY / 2) * view.k;
    }
    function zoomAt(factor, sx, sy) {
      var k = Math.max(0.05, Math.min(view.k * factor, 40));
      view.x = sx - (sx - view.x) * (k / view.k);
      view.y = sy - (sy - view.y) * (k / view.k);
      view.k = k;
      redraw();
    }
    function nodeAt(sx, sy) {
      var best = -1;
      var bestD = Infinity;
      for (var i = 0; i < n; i++) {
        if (!visible[i]) continue;
        var p = toScreen(i);
        var d = (p.x - sx) * (p.x - sx) + (p.y - sy) * (p.y - sy);
        var reach = Math.max(nodes[i].r * Math.min(view.k, 2), 6) + 4;
        if (d < reach * reach && d < bestD) { best = i; bestD = d; }
      }
      return best;
    }

    /* ---------- drawing */
    function colours() {
      var style = getComputedStyle(host);
      return {
        fg: style.getPropertyValue("--md-default-fg-color").trim() || "#333",
        bg: style.getPropertyValue("--md-default-bg-color").trim() || "#fff",
        node: style.getPropertyValue("--md-primary-fg-color").trim() || "#5e35b1",
        accent: style.getPropertyValue("--md-accent-fg-color").trim() || "#009688"
      };
    }
    function redraw() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(draw);
    }
    function linkOn(link) {
      return typeOn[link[2]] && visible[link[0]] && visible[link[1]];
    }
    function draw() {
      pending = false;
      if (!host.isConnected || !width) return;
      var c = colours();
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      var center = hovered >= 0 ? hovered : focused;
      var near = null;
      if (center >= 0) {
        near = {};
        near[center] = true;
        neighbours[center].forEach(function (li) {
          var link = links[li];
          if (linkOn(link)) { near[link[0]] = true; near[link[1]] = true; }
        });
      }
      var dense = links.length > 3 * Math.max(1, n);
      var showArrows = view.k > 2.2 || (!dense && links.length < 300);
      var baseAlpha = dense ? 0.22 : 0.45;
      // edges, one path per relation type
      types.forEach(function (type, ti) {
        if (!typeOn[ti]) return;
        ctx.strokeStyle = type.color;
        ctx.fillStyle = type.color;
        for (var pass = 0; pass < 2; pass++) {
          var strong = pass === 1;
          if (strong && center < 0) break;
          ctx.globalAlpha = center < 0 ? baseAlpha : (strong ? 0.95 : 0.05);
          ctx.lineWidth = strong ? 2 : 1.1;
          ctx.beginPath();
          var heads = [];
          for (var li = 0; li < links.length; li++) {
            var link = links[li];
            if (link[2] !== ti || !visible[link[0]] || !visible[link[1]]) continue;
            var incident = center >= 0 && (link[0] === center || link[1] === center);
            if (center >= 0 && incident !== strong) continue;
            var a = toScreen(link[0]);
            var b = toScreen(link[1]);
            ctx.moveTo(a.x, a.y);
            ctx.lineTo(b.x, b.y);
            if (showArrows && (center < 0 || strong)) heads.push([a, b, nodes[link[1]].r * Math.min(view.k, 2)]);
          }
          ctx.stroke();
          heads.forEach(function (h) { arrow(h[0], h[1], h[2]); });
        }
      });
      ctx.globalAlpha = 1;
      // nodes
      for (var i = 0; i < n; i++) {
        if (!visible[i]) continue;
        var p = toScreen(i);
        if (p.x < -20 || p.y < -20 || p.x > width + 20 || p.y > height + 20) continue;
        var dim = (near && !near[i]) || (matches && !matches.has(i));
        ctx.globalAlpha = dim ? 0.25 : 1;
        ctx.beginPath();
        ctx.arc(p.x, p.y, Math.max(2.5, nodes[i].r * Math.min(view.k, 2)), 0, 2 * Math.PI);
        ctx.fillStyle = (i === center || (matches && matches.has(i))) ? c.accent : c.node;
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = c.bg;
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
      labels(c, near, center);
    }
    function arrow(a, b, r) {
      var dx = b.x - a.x;
      var dy = b.y - a.y;
      var len = Math.sqrt(dx * dx + dy * dy);
      if (len < r + 14) return;
      var ux = dx / len;
      var uy = dy / len;
      var tipX = b.x - ux * (r + 2);
      var tipY = b.y - uy * (r + 2);
      ctx.beginPath();
      ctx.moveTo(tipX, tipY);
      ctx.lineTo(tipX - ux * 8 - uy * 3.5, tipY - uy * 8 + ux * 3.5);
      ctx.lineTo(tipX - ux * 8 + uy * 3.5, tipY - uy * 8 - ux * 3.5);
      ctx.closePath();
      ctx.fill();
    }
    function labels(c, near, center) {
      ctx.font = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      var placed = [];
      var order = [];
      if (center >= 0) order.push(center);
      if (matches) matches.forEach(function (i) { order.push(i); });
      if (near) Object.keys(near).forEach(function (k) { order.push(+k); });
      order = order.concat(byImportance);
      var seen = {};
      var budget = 400;
      for (var o = 0; o < order.length && budget > 0; o++) {
        var i = order[o];
        if (seen[i] || !visible[i]) continue;
        seen[i] = true;
        var p = toScreen(i);
        if (p.x < 0 || p.y < 0 || p.x > width || p.y > height) continue;
        var priority = i === center || (matches && matches.has(i)) || (near && near[i]);
        if (near && !near[i] && !(matches && matches.has(i))) continue;
        var text = nodes[i].t.length > 28 ? nodes[i].t.slice(0, 27) + "\u2026" : nodes[i].t;
        var w = ctx.measureText(text).width;
        var r = Math.max(2.5, nodes[i].r * Math.min(view.k, 2));
        var box = { x: p.x + r + 4, y: p.y - 8, w: w + 4, h: 16 };
        if (box.x + box.w > width) box.x = p.x - r - 4 - box.w;
        var clash = placed.some(function (q) {
          return box.x < q.x + q.w && q.x < box.x + box.w && box.y < q.y + q.h && q.y < box.y + box.h;
        });
        if (clash && !(priority && i === center)) continue;
        placed.push(box);
        budget--;
        ctx.lineWidth = 3.5;
        ctx.strokeStyle = c.bg;
        ctx.strokeText(text, box.x + 2, p.y);
        ctx.fillStyle = c.fg;
        ctx.globalAlpha = priority || !near ? 1 : 0.6;
        ctx.fillText(text, box.x + 2, p.y);
        ctx.globalAlpha = 1;
      }
    }

    /* ---------- the card for a focused term */
    function showCard(i) {
      ui.card.textContent = "";
      if (i < 0) { ui.card.hidden = true; return; }
      var node = nodes[i];
      ui.card.appendChild(el("p", { "class": "sslgloss-graph__card-title" }, node.t));
      ui.card.appendChild(el("p", { "class": "sslgloss-graph__card-summary" }, node.s));
      var meta = el("p", { "class": "sslgloss-graph__card-meta" });
      meta.appendChild(el("span", {}, node.n + (node.n === 1 ? " relation" : " relations")));
      var open = el("a", { href: new URL(node.u, siteRoot).href, "data-term": node.id }, "Open \u2192");
      meta.appendChild(open);
      ui.card.appendChild(meta);
      ui.card.hidden = false;
    }
    function focusNode(i, zoom) {
      focused = i;
      showCard(i);
      if (i >= 0 && zoom) {
        var p = toScreen(i);
        var k = Math.max(view.k, Math.min(2.5, 40));
        view.x += width / 2 - p.x;
        view.y += height / 2 - p.y;
        zoomAt(k / view.k, width / 2, height / 2);
      }
      redraw();
    }

    /* ---------- filters and search */
    function applyTag() {
      for (var i = 0; i < n; i++) visible[i] = tagFilter < 0 || nodes[i].g.indexOf(tagFilter) >= 0 ? 1 : 0;
      if (focused >= 0 && !visible[focused]) focusNode(-1);
      fitView();
      var count = 0;
      for (var j = 0; j < n; j++) count += visible[j];
      ui.status.textContent = tagFilter < 0 ? n + " terms, " + links.length + " relations."
        : count + " terms tagged \u201c" + tags[tagFilter] + "\u201d.";
      redraw();
    }
    ui.tagSelect.addEventListener("change", function () {
      tagFilter = parseInt(ui.tagSelect.value, 10);
      applyTag();
    });
    /* How well a term's names match what was typed, best first (-1: not at all): its title, then an
       alias, is the text / starts with it / has a word starting with it / contains it. So "contrast"
       finds Contrastive Learning before CLIP (Contrastive Language-Image Pre-training). */
    function matchRank(node, q) {
      var best = -1;
      node.names.forEach(function (name, k) {
        var alias = k > 0 ? 1 : 0;
        var at = name.indexOf(q);
        if (at < 0) return;
        var rank = name === q ? 0 : at === 0 ? 2 : /[\s\-(]/.test(name.charAt(at - 1)) ? 4 : 6;
        rank += alias;
        if (best < 0 || rank < best) best = rank;
      });
      return best;
    }
    function runSearch(jump) {
      var q = ui.search.value.trim().toLowerCase();
      if (!q) { matches = null; redraw(); return; }
      var ranked = [];
      for (var i = 0; i < n; i++) {
        if (!visible[i]) continue;
        var rank = matchRank(nodes[i], q);
        if (rank >= 0) ranked.push([rank, i]);
      }
      // equally good matches: the better connected term first
      ranked.sort(function (a, b) { return a[0] - b[0] || (nodes[b[1]].n || 0) - (nodes[a[1]].n || 0); });
      var found = ranked.map(function (r) { return r[1]; });
      matches = new Set(found);
      ui.status.textContent = found.length ? found.length + (found.length === 1 ? " term matches." : " terms match.")
        : "No term matches \u201c" + ui.search.value.trim() + "\u201d.";
      if (found.length && (jump || found.length === 1)) focusNode(found[0], true);
      else redraw();
    }
    // Enter shows the best match (centred, with its card); Enter again, or Shift+Enter, opens its page
    var jumpedTo = -1;
    ui.search.addEventListener("input", function () { jumpedTo = -1; runSearch(false); });
    ui.search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        if (focused >= 0 && matches && matches.has(focused) && (event.shiftKey || focused === jumpedTo)) {
          go(new URL(nodes[focused].u, siteRoot).href);
        } else {
          runSearch(true);
          jumpedTo = focused;
        }
      } else if (event.key === "Escape") {
        ui.search.value = "";
        runSearch(false);
      }
    });
    var list = el("datalist", { id: "sslgloss-graph-terms-" + Math.random().toString(36).slice(2) });
    nodes.slice().sort(function (a, b) { return a.t.localeCompare(b.t); })
      .forEach(function (node) { list.appendChild(el("option", { value: node.t })); });
    ui.search.setAttribute("list", list.id);
    host.appendChild(list);

    /* ---------- pointer input */
    var pointers = {};
    var drag = null;
    ui.canvas.addEventListener("pointerdown", function (event) {
      ui.canvas.setPointerCapture(event.pointerId);
      pointers[event.pointerId] = { x: event.offsetX, y: event.offsetY };
      var ids = Object.keys(pointers);
      if (ids.length === 1) drag = { x: event.offsetX, y: event.offsetY, moved: 0, type: event.pointerType };
      else drag = null;
    });
    ui.canvas.addEventListener("pointermove", function (event) {
      var prev = pointers[event.pointerId];
      if (prev) {
        var ids = Object.keys(pointers);
        if (ids.length === 2) {
          var other = pointers[ids[0] === String(event.pointerId) ? ids[1] : ids[0]];
          var before = Math.hypot(prev.x - other.x, prev.y - other.y);
          var after = Math.hypot(event.offsetX - other.x, event.offsetY - other.y);
          if (before > 0) zoomAt(after / before, (event.offsetX + other.x) / 2, (event.offsetY + other.y) / 2);
        } else if (drag) {
          view.x += event.offsetX - prev.x;
          view.y += event.offsetY - prev.y;
          drag.moved += Math.abs(event.offsetX - prev.x) + Math.abs(event.offsetY - prev.y);
          redraw();
        }
        pointers[event.pointerId] = { x: event.offsetX, y: event.offsetY };
        return;
      }
      var hit = nodeAt(event.offsetX, event.offsetY);
      if (hit !== hovered) {
        hovered = hit;
        ui.canvas.style.cursor = hit >= 0 ? "pointer" : "grab";
        ui.canvas.title = hit >= 0 ? nodes[hit].t : "";
        redraw();
      }
    });
    function release(event) {
      delete pointers[event.pointerId];
      if (!drag) return;
      var click = drag.moved < 6;
      var kind = drag.type;
      drag = null;
      if (!click || event.type === "pointercancel") return;
      var hit = nodeAt(event.offsetX, event.offsetY);
      if (hit < 0) { focusNode(-1); return; }
      if (kind === "touch" && focused !== hit) { focusNode(hit, false); return; } // first tap: show the card
      go(new URL(nodes[hit].u, siteRoot).href);
    }
    ui.canvas.addEventListener("pointerup", release);
    ui.canvas.addEventListener("pointercancel", release);
    ui.canvas.addEventListener("pointerleave", function () {
      if (hovered >= 0) { hovered = -1; redraw(); }
    });
    ui.canvas.addEventListener("wheel", function (event) {
      event.preventDefault();
      zoomAt(Math.exp(-event.deltaY * 0.0015), event.offsetX, event.offsetY);
    }, { passive: false });
    ui.canvas.addEventListener("dblclick", function (event) { zoomAt(1.8, event.offsetX, event.offsetY); });
    ui.canvas.addEventListener("keydown", function (event) {
      var step = 60;
      var handled = true;
      if (event.key === "+" || event.key === "=") zoomAt(1.3, width / 2, height / 2);
      else if (event.key === "-") zoomAt(1 / 1.3, width / 2, height / 2);
      else if (event.key === "ArrowLeft") { view.x += step; redraw(); }
      else if (event.key === "ArrowRight") { view.x -= step; redraw(); }
      else if (event.key === "ArrowUp") { view.y += step; redraw(); }
      else if (event.key === "ArrowDown") { view.y -= step; redraw(); }
      else if (event.key === "0") { fitView(); redraw(); }
      else if (event.key === "Enter" && focused >= 0) go(new URL(nodes[focused].u, siteRoot).href);
      else handled = false;
      if (handled) event.preventDefault();
    });
    ui.zoomIn.addEventListener("click", function () { zoomAt(1.4, width / 2, height / 2); });
    ui.zoomOut.addEventListener("click", function () { zoomAt(1 / 1.4, width / 2, height / 2); });
    ui.fit.addEventListener("click", function () { fitView(); redraw(); });

    /* ---------- size */
    var first = true;
    function resize() {
      var rect = ui.stage.getBoundingClientRect();
      if (!rect.width) return;
      var oldW = width;
      var oldH = height;
      width = rect.width;
      height = rect.height;
      dpr = window.devicePixelRatio || 1;
      ui.canvas.width = Math.round(width * dpr);
      ui.canvas.height = Math.round(height * dpr);
      ui.canvas.style.width = width + "px";
      ui.canvas.style.height = height + "px";
      if (first) {
        first = false;
        // layouts come square; spread them along the longer side of the canvas (a little) to use the
        // room: sideways on a wide screen, downwards on a phone held upright
        var aspect = width / Math.max(height, 1);
        var stretchX = Math.min(Math.max(aspect, 1), 1.7);
        var stretchY = Math.min(Math.max(1 / aspect, 1), 1.7);
        nodes.forEach(function (node) {
          node.wx = node.x * WORLD * stretchX;
          node.wy = node.y * WORLD * stretchY;
        });
        applyTag();
        // ?term=<id> (what term pages link to: engines check #fragments against real ids); #<id> still works
        var wanted = new URLSearchParams(window.location.search).get("term") ||
          decodeURIComponent((window.location.hash || "").slice(1));
        if (wanted && byId[wanted] != null) focusNode(byId[wanted], true);
      } else {
        view.x += (width - oldW) / 2;
        view.y += (height - oldH) / 2;
      }
      redraw();
    }
    var observer = typeof ResizeObserver === "function" ? new ResizeObserver(resize) : null;
    if (observer) observer.observe(ui.stage);
    else window.addEventListener("resize", resize);
    resize();
    live.push({ host: host, observer: observer });

    // a palette switch changes the colours the canvas reads
    var scheme = new MutationObserver(redraw);
    scheme.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    live[live.length - 1].scheme = scheme;

    // for tests and the curious: where a term is drawn, in client coordinates
    host.sslglossGraph = {
      size: function () { return n; },
      visibleCount: function () { var c = 0; for (var i = 0; i < n; i++) c += visible[i]; return c; },
      positionOf: function (id) {
        var i = byId[id];
        if (i == null) return null;
        var p = toScreen(i);
        var rect = ui.canvas.getBoundingClientRect();
        return { x: rect.left + p.x, y: rect.top + p.y };
      },
      focus: function (id) { if (byId[id] != null) focusNode(byId[id], true); }
    };
    host.setAttribute("data-sslgloss-ready", "");
  }

  function onPage() {
    // forget graphs that instant navigation removed from the page
    live = live.filter(function (g) {
      if (g.host.isConnected) return true;
      if (g.observer) g.observer.disconnect();
      if (g.scheme) g.scheme.disconnect();
      return false;
    });
    var hosts = document.querySelectorAll("[data-sslgloss-graph]:not([data-sslgloss-bound])");
    Array.prototype.forEach.call(hosts, setup);
  }

  window.sslgloss.onEveryPage(onPage);  // sslgloss.js, loaded first
})();

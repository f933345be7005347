/* sslgloss: hover previews of term links, and the live-demo slots of term pages.
 *
 * Loaded once through extra_javascript. With mkdocs-material's instant
 * navigation the page content is swapped without reloading scripts, so:
 * previews use event delegation on the document (nothing to re-bind), and the
 * per-page work (demo probes, closing a stale preview) runs on every emission
 * of material's `document$` observable. Without material it runs on load.
 * Term data comes from a JSON file written at build time and is only ever
 * inserted with textContent.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  // this file is <site>/assets/sslgloss/sslgloss.js: the site root is two folders up
  var siteRoot = new URL("../../", script && script.src ? script.src : window.location.href);
  var termsUrl = new URL("assets/sslgloss/terms.json", siteRoot);

  var termsPromise = null;
  function loadTerms() {
    if (!termsPromise) {
      termsPromise = fetch(termsUrl.href)
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) { return (data && data.terms) || {}; })
        .catch(function () {
          termsPromise = null; // try again on the next hover
          return {};
        });
    }
    return termsPromise;
  }

  /* ---------------------------------------------------------------- navigation */

  // Navigate like a click on a link, so that material's instant navigation handles it.
  function navigate(href) {
    var a = document.createElement("a");
    a.href = href;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function hrefOf(link) {
    var raw = link.getAttribute("href") || link.getAttribute("xlink:href") || "";
    return new URL(raw, document.baseURI).href;
  }

  /* ---------------------------------------------------------------- previews */

  var pop = null;
  var current = null;
  var showTimer = 0;
  var hideTimer = 0;
  var lastPointer = "mouse";

  function popover() {
    if (pop && pop.isConnected) return pop;
    pop = document.createElement("div");
    pop.className = "sslgloss-preview";
    pop.id = "sslgloss-preview";
    pop.setAttribute("role", "tooltip");
    pop.hidden = true;
    var title = document.createElement("p");
    title.className = "sslgloss-preview__title";
    var summary = document.createElement("p");
    summary.className = "sslgloss-preview__summary";
    var meta = document.createElement("p");
    meta.className = "sslgloss-preview__meta";
    var count = document.createElement("span");
    count.className = "sslgloss-preview__count";
    var open = document.createElement("a");
    open.className = "sslgloss-preview__open";
    meta.appendChild(count);
    meta.appendChild(open);
    pop.appendChild(title);
    pop.appendChild(summary);
    pop.appendChild(meta);
    pop.addEventListener("pointerenter", function () { clearTimeout(hideTimer); });
    pop.addEventListener("pointerleave", function (event) {
      if (event.pointerType !== "touch") scheduleHide();
    });
    document.body.appendChild(pop);
    return pop;
  }

  // Lists that print each term's summary beside its link (A–Z, tag pages) need no preview repeating it.
  function termLink(node) {
    if (!node || !node.closest) return null;
    var link = node.closest("a[data-term]");
    return link && !link.closest(".sslgloss-preview, .sslgloss-entries") ? link : null;
  }

  function place(box, link) {
    var rect = link.getBoundingClientRect();
    box.style.left = "0px";
    box.style.top = "0px";
    var width = box.offsetWidth;
    var height = box.offsetHeight;
    var left = Math.min(Math.max(8, rect.left), window.innerWidth - width - 8);
    var top = rect.bottom + 8;
    if (top + height > window.innerHeight - 8 && rect.top - height - 8 > 0) top = rect.top - height - 8;
    box.style.left = Math.round(left + window.scrollX) + "px";
    box.style.top = Math.round(top + window.scrollY) + "px";
  }

  function show(link) {
    clearTimeout(hideTimer);
    return loadTerms().then(function (terms) {
      var term = terms[link.getAttribute("data-term")];
      if (!term || !link.isConnected) return;
      var box = popover();
      box.querySelector(".sslgloss-preview__title").textContent = term.t;
      box.querySelector(".sslgloss-preview__summary").textContent = term.s;
      box.querySelector(".sslgloss-preview__count").textContent =
        term.n + (term.n === 1 ? " relation" : " relations");
      var open = box.querySelector(".sslgloss-preview__open");
      open.href = hrefOf(link);
      open.textContent = "Open \u2192";
      open.setAttribute("aria-label", "Open " + term.t);
      if (current && current !== link) current.removeAttribute("aria-describedby");
      current = link;
      link.setAttribute("aria-describedby", box.id);
      box.hidden = false;
      place(box, link);
    });
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (pop) pop.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function scheduleHide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);
  }

  function isShownFor(link) {
    return current === link && pop && !pop.hidden;
  }

  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    if (pop && !pop.hidden && !pop.contains(event.target) && !termLink(event.target)) hide();
  }, true);

  document.addEventListener("pointerover", function (event) {
    if (event.pointerType === "touch") return;
    var link = termLink(event.target);
    if (!link) return;
    clearTimeout(hideTimer);
    if (isShownFor(link)) return;
    clearTimeout(showTimer);
    showTimer = setTimeout(function () { show(link); }, 120);
  });

  document.addEventListener("pointerout", function (event) {
    if (event.pointerType === "touch") return;
    var link = termLink(event.target);
    if (!link) return;
    var to = event.relatedTarget;
    if (to && (link.contains(to) || (pop && pop.contains(to)))) return;
    scheduleHide();
  });

  document.addEventListener("focusin", function (event) {
    var link = termLink(event.target);
    if (link) {
      clearTimeout(showTimer);
      show(link);
    } else if (pop && pop.contains(event.target)) {
      clearTimeout(hideTimer);
    }
  });

  document.addEventListener("focusout", function (event) {
    var to = event.relatedTarget;
    if (to && pop && (pop.contains(to) || to === current)) return;
    if (termLink(event.target) || (pop && pop.contains(event.target))) scheduleHide();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && pop && !pop.hidden) {
      var link = current;
      hide();
      if (link && link.focus) link.focus({ preventScroll: true });
    }
  });

  // Capture phase: runs before material's instant-navigation handler on <body>.
  document.addEventListener("click", function (event) {
    var link = termLink(event.target);
    if (!link || event.defaultPrevented || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (lastPointer === "touch" && !isShownFor(link)) {
      // touch: the first tap shows the preview, a second tap on the same link follows it
      event.preventDefault();
      event.stopPropagation();
      show(link);
      return;
    }
    hide();
  }, true);

  window.addEventListener("resize", function () { if (pop && !pop.hidden && current) place(pop, current); });

  /* ---------------------------------------------------------------- demo slots */

  var inflight = {};

  function serverUp(healthUrl) {
    if (!inflight[healthUrl]) {
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      var timer = setTimeout(function () { if (controller) controller.abort(); }, 4000);
      // no-cors: an opaque answer is enough to know the server is up; a refused connection rejects
      inflight[healthUrl] = fetch(healthUrl, {
        mode: "no-cors", cache: "no-store", credentials: "omit",
        signal: controller ? controller.signal : undefined
      }).then(function () { return true; }, function () { return false; })
        .then(function (up) {
          clearTimeout(timer);
          delete inflight[healthUrl];
          return up;
        });
    }
    return inflight[healthUrl];
  }

  var BADGES = { checking: "Connecting\u2026", live: "Live", offline: "Demo server not running" };

  function setState(slot, state) {
    slot.setAttribute("data-state", state);
    var badge = slot.querySelector(".sslgloss-demo__badge");
    if (badge) badge.textContent = BADGES[state] || "";
  }

  /* The embedded demo follows the site's palette: Streamlit picks its light or dark theme from the
     frame's URL (embed_options), so flipping the site's toggle reloads live frames in the other theme.
     Every input is in that URL too, so nothing the reader typed there is lost. */
  function siteIsDark() {
    return (document.body.getAttribute("data-md-color-scheme") || "default") === "slate";
  }

  function themedSrc(frame) {
    var src = frame.getAttribute("data-src");
    return src + (src.indexOf("?") < 0 ? "?" : "&") + "embed_options=" + (siteIsDark() ? "dark_theme" : "light_theme");
  }

  function goLive(slot) {
    var frame = slot.querySelector("iframe");
    if (frame && frame.getAttribute("src") !== themedSrc(frame)) {
      frame.setAttribute("src", themedSrc(frame));
    }
    setState(slot, "live");
  }

  var themeWatch = new MutationObserver(function () {
    Array.prototype.forEach.call(document.querySelectorAll('.sslgloss-demo[data-state="live"]'), goLive);
  });
  themeWatch.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  /* The frame takes its content's height: the demo page posts it (sslgloss/demos/page.py) whenever it
     changes. Only a message from one of our own frames, from the demo server's origin, is believed. */
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.sslgloss !== "demo-height" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll(".sslgloss-demo__live iframe");
    Array.prototype.forEach.call(frames, function (frame) {
      if (frame.contentWindow !== event.source) return;
      var origin;
      try { origin = new URL(frame.getAttribute("data-src"), location.href).origin; } catch (e) { return; }
      if (origin !== event.origin) return;
      var height = Math.max(120, Math.min(Math.ceil(data.height), 6000));
      frame.style.height = height + "px";
    });
  });

  function goOffline(slot) {
    var frame = slot.querySelector("iframe");
    // unload the app so the reader never sees a browser error page; the static result shows instead
    if (frame && frame.getAttribute("src")) frame.removeAttribute("src");
    setState(slot, "offline");
  }

  function probe(slot) {
    clearTimeout(slot.sslglossTimer);
    if (!slot.isConnected) return;
    serverUp(slot.getAttribute("data-health")).then(function (up) {
      if (!slot.isConnected) return; // the reader navigated away: stop probing
      var delay;
      if (up) {
        slot.sslglossMisses = 0;
        goLive(slot);
        delay = 30000; // keep an eye on it, so a stopped server falls back to the static result
      } else {
        slot.sslglossMisses = (slot.sslglossMisses || 0) + 1;
        goOffline(slot);
        delay = Math.min(30000, 2000 * Math.pow(2, Math.min(slot.sslglossMisses - 1, 4)));
      }
      slot.sslglossTimer = setTimeout(function () { probe(slot); }, delay);
    });
  }

  function initDemos(root) {
    var slots = root.querySelectorAll(".sslgloss-demo:not([data-sslgloss-bound])");
    Array.prototype.forEach.call(slots, function (slot) {
      slot.setAttribute("data-sslgloss-bound", "");
      var retry = slot.querySelector(".sslgloss-demo__retry");
      if (retry) retry.addEventListener("click", function () {
        setState(slot, "checking");
        slot.sslglossMisses = 0;
        probe(slot);
      });
      setState(slot, "checking");
      probe(slot);
    });
  }

  /* ---------------------------------------------------------------- local graphs */

  /* A term page's small graph places each name beside its dot; on a narrow screen a name near the
     edge would reach past the figure and be cut off. Slide each one back inside (it stays by its dot). */
  function fitLabels(graph) {
    var box = graph.getBoundingClientRect();
    if (!box.width) return;
    var labels = graph.querySelectorAll(".sslgloss-lg-label, .sslgloss-lg-center");
    Array.prototype.forEach.call(labels, function (label) { label.style.translate = ""; });
    Array.prototype.forEach.call(labels, function (label) {
      var r = label.getBoundingClientRect();
      if (!r.width) return; // hidden (the centre's name on a phone)
      var shift = r.left < box.left ? box.left - r.left : r.right > box.right ? box.right - r.right : 0;
      if (shift) label.style.translate = Math.round(shift) + "px 0";
    });
  }

  var graphWatch = typeof ResizeObserver === "function" ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { fitLabels(entry.target); });
  }) : null;

  function initLocalGraphs(root) {
    if (graphWatch) graphWatch.disconnect(); // instant navigation replaced the last page's graphs
    var graphs = root.querySelectorAll(".sslgloss-local-graph");
    Array.prototype.forEach.call(graphs, function (graph) {
      fitLabels(graph);
      if (graphWatch) graphWatch.observe(graph); // and again whenever the figure changes size
    });
  }

  /* ---------------------------------------------------------------- the A–Z letter bar */

  /* The A–Z page's letters stick under the header; a letter's heading must land below them, not
     under them. Their height depends on the screen's width, so it is measured (sslgloss.css uses it). */
  var barWatch = typeof ResizeObserver === "function" ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { measureBar(entry.target); });
  }) : null;

  function measureBar(bar) {
    var page = bar.parentElement;
    if (page) page.style.setProperty("--sslgloss-letters-height", bar.offsetHeight + "px");
  }

  function initLetterBar(root) {
    if (barWatch) barWatch.disconnect();
    var bar = root.querySelector(".sslgloss-letters");
    if (!bar) return;
    measureBar(bar);
    if (barWatch) barWatch.observe(bar);
    // arriving with #letter in the address: land below the bar now that its height is known
    var target = window.location.hash ? document.getElementById(decodeURIComponent(window.location.hash.slice(1))) : null;
    if (target && bar.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING) target.scrollIntoView();
  }

  /* ---------------------------------------------------------------- every page */

  function onPage() {
    hide();
    initDemos(document);
    initLocalGraphs(document);
    initLetterBar(document);
  }

  // Run fn for this page and, with material's instant navigation, for every page swapped in after it.
  // graph.js and cloze.js (loaded after this file) use it too.
  function onEveryPage(fn) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(fn);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  window.sslgloss = { navigate: navigate, siteRoot: siteRoot.href, showPreview: show, hidePreview: hide,
                      onEveryPage: onEveryPage };

  onEveryPage(onPage);
})();

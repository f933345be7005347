/* sslgloss: "Closest in meaning" above the site search's keyword results.
 *
 * Keyword search finds a term by its name; a question in other words ("how do models learn
 * without labels") needs meaning. With no server, this file ranks terms by static word vectors
 * the search encoder taught (sslgloss/site/meaning.py, which does the same arithmetic in Python
 * for `sslgloss site search-eval`): a query of a few words becomes the weighted sum of its
 * words' vectors, each passage of the glossary likewise; terms are ranked by their best
 * passage's cosine and by BM25 over the same words, and the two rankings are fused by
 * reciprocal rank. meaning.json (~2 MB) is fetched on the first such query only.
 * Works with mkdocs-material's search box; elsewhere it does nothing.
 */
(function () {
  "use strict";

  var root = new URL((window.sslgloss && window.sslgloss.siteRoot) || "../../", document.baseURI);
  var indexPromise = null;
  var TOKEN = /[a-z][a-z0-9]*/g;

  function words(text) { return text.toLowerCase().match(TOKEN) || []; }

  function build(data) {
    var d = data.dims, n = data.words.length;
    var raw = atob(data.codes);
    var vectors = new Float64Array(n * d);
    for (var i = 0; i < n; i++) {
      for (var k = 0; k < d; k++) {
        var c = raw.charCodeAt(i * d + k);
        vectors[i * d + k] = (c > 127 ? c - 256 : c) * data.scales[i];
      }
    }
    var index = Object.create(null);
    data.words.forEach(function (w, i) { index[w] = i; });
    var tokens = data.passages.words;
    var passageVectors = tokens.map(function (ids) { return weightedSum(ids, vectors, data.weights, d); });
    var df = Object.create(null), lengths = [], counts = [], total = 0;
    tokens.forEach(function (ids) {
      var seen = Object.create(null), count = Object.create(null);
      ids.forEach(function (w) {
        count[w] = (count[w] || 0) + 1;
        if (!seen[w]) { seen[w] = true; df[w] = (df[w] || 0) + 1; }
      });
      counts.push(count);
      lengths.push(ids.length);
      total += ids.length;
    });
    var np = tokens.length, idf = Object.create(null);
    Object.keys(df).forEach(function (w) { idf[w] = Math.log(1 + (np - df[w] + 0.5) / (df[w] + 0.5)); });
    return { data: data, d: d, vectors: vectors, index: index, passageVectors: passageVectors, idf: idf,
             counts: counts, lengths: lengths, avg: total / Math.max(np, 1) };
  }

  function weightedSum(ids, vectors, weights, d) {
    var sum = new Float64Array(d);
    ids.forEach(function (i) {
      var w = weights[i];
      for (var k = 0; k < d; k++) sum[k] += w * vectors[i * d + k];
    });
    var norm = 0;
    for (var k = 0; k < d; k++) norm += sum[k] * sum[k];
    norm = Math.sqrt(norm);
    if (norm > 0) for (k = 0; k < d; k++) sum[k] /= norm;
    return sum;
  }

  function queryIds(ix, query) {
    var found = [];
    words(query).forEach(function (w) {
      var i = ix.index[w];
      if (i === undefined && w.charAt(w.length - 1) === "s") i = ix.index[w.slice(0, -1)];
      if (i !== undefined) found.push(i);
    });
    return found;
  }

  function bestPerTerm(ix, scores) {
    var best = Object.create(null), terms = [];
    scores.forEach(function (s, p) {
      var t = ix.data.passages.term[p];
      s *= ix.data.passages.weight[p];
      if (!(t in best)) { best[t] = s; terms.push(t); } else if (s > best[t]) best[t] = s;
    });
    terms.sort(function (a, b) { return best[b] - best[a] || a - b; });
    return terms.map(function (t) { return [t, best[t]]; });
  }

  function semantic(ix, ids) {
    var q = weightedSum(ids, ix.vectors, ix.data.weights, ix.d);
    if (!q.some(function (x) { return x !== 0; })) return [];
    var scores = ix.passageVectors.map(function (v) {
      var s = 0;
      for (var k = 0; k < ix.d; k++) s += v[k] * q[k];
      return s;
    });
    return bestPerTerm(ix, scores).map(function (ts) { return ts[0]; });
  }

  function keyword(ix, ids) {
    var unique = ids.filter(function (w, i) { return ids.indexOf(w) === i; });
    var k1 = ix.data.bm25[0], b = ix.data.bm25[1];
    var scores = ix.counts.map(function (count, p) {
      var s = 0;
      unique.forEach(function (w) {
        var tf = count[w] || 0;
        if (tf) s += ix.idf[w] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * ix.lengths[p] / ix.avg));
      });
      return s;
    });
    return bestPerTerm(ix, scores).filter(function (ts) { return ts[1] > 0; }).map(function (ts) { return ts[0]; });
  }

  // every matching term id, best first (the same as MeaningIndex.rank)
  function rank(ix, query) {
    var ids = queryIds(ix, query), fused = Object.create(null), order = [];
    [semantic(ix, ids), keyword(ix, ids)].forEach(function (ranking) {
      ranking.forEach(function (t, position) {
        if (!(t in fused)) { fused[t] = 0; order.push(t); }
        fused[t] += 1 / (ix.data.rrfK + position + 1);
      });
    });
    order.sort(function (a, b) { return fused[b] - fused[a] || a - b; });
    return order.map(function (t) { return ix.data.terms[t]; });
  }

  function loadIndex() {
    if (!indexPromise) {
      var url = new URL("assets/sslgloss/meaning.json", root).href;
      var termsUrl = new URL("assets/sslgloss/terms.json", root).href;
      indexPromise = Promise.all([fetch(url), fetch(termsUrl)])
        .then(function (responses) {
          responses.forEach(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); });
          return Promise.all(responses.map(function (r) { return r.json(); }));
        })
        .then(function (both) {
          var ix = build(both[0]);
          ix.terms = both[1].terms || {};
          return ix;
        })
        .catch(function () { indexPromise = null; return null; });
    }
    return indexPromise;
  }

  /* ---------------------------------------------------------------- the block in the results */

  function block(result) {
    var box = result.querySelector(".sslgloss-meaning");
    if (box) return box;
    box = document.createElement("section");
    box.className = "sslgloss-meaning";
    box.setAttribute("aria-label", "Closest in meaning");
    var head = document.createElement("p");
    head.className = "sslgloss-meaning__head";
    head.textContent = "Closest in meaning";
    var list = document.createElement("ol");
    list.className = "sslgloss-meaning__list";
    box.appendChild(head);
    box.appendChild(list);
    var meta = result.querySelector(".md-search-result__meta");
    result.insertBefore(box, meta ? meta.nextSibling : result.firstChild);
    return box;
  }

  function render(result, ix, query) {
    var box = block(result), list = box.querySelector("ol");
    list.textContent = "";
    var shown = rank(ix, query).slice(0, ix.data.results);
    shown.forEach(function (id) {
      var term = ix.terms[id];
      if (!term) return;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "sslgloss-meaning__item";
      link.href = new URL(term.u, root).href;
      link.setAttribute("data-term-id", id);
      var title = document.createElement("strong");
      title.textContent = term.t;
      var summary = document.createElement("span");
      summary.textContent = term.s;
      link.appendChild(title);
      link.appendChild(summary);
      item.appendChild(link);
      list.appendChild(item);
    });
    box.hidden = shown.length === 0;
    box.dataset.query = query;  // which query the block answers (for tests and benchmarks)
  }

  var timer = 0, latest = "";
  function update(input) {
    var result = document.querySelector(".md-search-result");
    if (!result) return;
    var query = input.value;
    latest = query;
    var box = result.querySelector(".sslgloss-meaning");
    if (words(query).length < 3) {  // names are keyword search's job (MIN_WORDS in meaning.py)
      if (box) box.hidden = true;
      return;
    }
    loadIndex().then(function (ix) {
      if (!ix || latest !== query) return;
      if (words(query).length < ix.data.minWords) return;
      render(result, ix, query);
    });
  }

  // the search form's clear button resets the form without an input event
  document.addEventListener("reset", function (event) {
    var box = document.querySelector(".md-search-result .sslgloss-meaning");
    if (box && event.target && event.target.querySelector && event.target.querySelector(".md-search__input")) {
      latest = "";
      box.hidden = true;
    }
  }, true);

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input || !input.matches || !input.matches(".md-search__input")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { update(input); }, 120);
  });

  window.sslglossMeaning = { rank: function (query) {
    return loadIndex().then(function (ix) { return ix ? rank(ix, query) : null; });
  } };
})();

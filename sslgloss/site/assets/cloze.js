/* sslgloss: the "Test yourself" block of term pages, and the progress marks it leaves in the indexes.
 *
 * The block (templates/sslgloss/term-cloze.html) carries every sentence, its answer, the answers that
 * count as close and the masked model's guesses, all written at build time: nothing here talks to a
 * server except the probe that shows the "Ask the model live" links while the demo server is up.
 * Progress (the terms a reader answered right or close) is kept in localStorage under one key, by term
 * id; it never leaves the browser. Pages are bound on every emission of material's `document$` (instant
 * navigation swaps the content without reloading scripts), or on load without material.
 */
(function () {
  "use strict";

  var STORE = "sslgloss.cloze.v1";
  var WHY = {
    plural: "the plural", singular: "the singular", spelling: "the other spelling",
    alias: "another name for it", synonym: "a word the author accepts", typo: "nearly the same spelling"
  };

  /* ---------------------------------------------------------------- progress */

  function progress() {
    try {
      var data = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return data && typeof data.terms === "object" && data.terms ? data : { terms: {} };
    } catch (e) {
      return { terms: {} }; // storage disabled (a private window, file://): the block still works
    }
  }

  function save(data) {
    try { window.localStorage.setItem(STORE, JSON.stringify(data)); } catch (e) { /* see progress() */ }
  }

  function remember(termId) {
    var data = progress();
    data.terms[termId] = Date.now();
    save(data);
  }

  function forget() {
    try { window.localStorage.removeItem(STORE); } catch (e) { /* see progress() */ }
    markAll(document);
  }

  function answeredCount() {
    return Object.keys(progress().terms).length;
  }

  /* Terms answered right get a mark wherever term links are listed: the A–Z index, tag pages, the
     learning paths page and a term page's own learning path. */
  function markAll(root) {
    var done = progress().terms;
    var links = root.querySelectorAll(".sslgloss-entries a[data-term], .sslgloss-path a[data-term], " +
      ".sslgloss-stage a[data-term]");
    Array.prototype.forEach.call(links, function (link) {
      var id = link.getAttribute("data-term");
      // inside the link: the lists lay out each entry's children in columns, and the link's name says it too
      var mark = link.querySelector(".sslgloss-done-mark");
      if (id && done[id]) {
        if (!mark) {
          mark = document.createElement("span");
          mark.className = "sslgloss-done-mark";
          mark.title = "You answered this term's test";
          var tick = document.createElement("span");
          tick.setAttribute("aria-hidden", "true");
          tick.textContent = "\u2713";
          var words = document.createElement("span");
          words.className = "sslgloss-fallback-sr";
          words.textContent = " (answered)";
          mark.appendChild(tick);
          mark.appendChild(words);
          link.appendChild(mark);
        }
      } else if (mark) {
        mark.remove();
      }
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-sslgloss-progress]"), showSummary);
    Array.prototype.forEach.call(root.querySelectorAll(".sslgloss-cloze"), showBlockProgress);
  }

  // the A–Z and learning paths pages: how many terms are answered, and the forget button
  function showSummary(box) {
    var count = answeredCount();
    var total = box.getAttribute("data-total");
    box.hidden = count === 0;
    var text = box.querySelector(".sslgloss-progress__text");
    if (text) {
      text.textContent = "\u201cTest yourself\u201d answered on " + count + (total ? " of " + total : "") +
        (count === 1 && !total ? " term" : " terms") + " (marked \u2713).";
    }
  }

  /* ---------------------------------------------------------------- answers */

  // letters and digits, lowercase, no accents: as cloze.py answer_key
  function key(text) {
    return String(text).normalize("NFKD").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  function distance(a, b) {
    if (Math.abs(a.length - b.length) > 2) return 3;
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var prev = row[0];
      row[0] = i;
      for (var k = 1; k <= b.length; k++) {
        var here = row[k];
        row[k] = Math.min(row[k] + 1, row[k - 1] + 1, prev + (a[i - 1] === b[k - 1] ? 0 : 1));
        prev = here;
      }
    }
    return row[b.length];
  }

  // "right", or ["close", why], or "wrong"
  function judge(item, guess) {
    var answer = key(item.getAttribute("data-answer"));
    var typed = key(guess);
    if (typed === answer) return ["right"];
    var close = [];
    try { close = JSON.parse(item.getAttribute("data-close") || "[]"); } catch (e) { close = []; }
    for (var i = 0; i < close.length; i++) {
      if (key(close[i][0]) === typed) return ["close", close[i][1], close[i][0]];
    }
    var allowed = answer.length >= 10 ? 2 : answer.length >= 5 ? 1 : 0;
    if (allowed && distance(typed, answer) <= allowed) return ["close", "typo", guess];
    return ["wrong"];
  }

  /* ---------------------------------------------------------------- the block */

  function items(block) {
    return block.querySelectorAll(".sslgloss-cloze__item");
  }

  function current(block) {
    return block.querySelector(".sslgloss-cloze__item:not([hidden])");
  }

  function showBlockProgress(block) {
    var done = block.querySelector(".sslgloss-cloze__done");
    if (!done) return;
    var answered = progress().terms[block.getAttribute("data-term")];
    done.textContent = answered ? "\u2713 You have answered a question on this term." : "";
    var forgetButton = block.querySelector(".sslgloss-cloze__forget");
    if (forgetButton) forgetButton.hidden = answeredCount() === 0;
  }

  function check(block, item) {
    var input = item.querySelector("input");
    var verdict = item.querySelector(".sslgloss-cloze__verdict");
    var guess = input.value.trim();
    if (!guess) {
      verdict.textContent = "Type a word first, or open \u201cShow the answer\u201d.";
      verdict.setAttribute("data-verdict", "empty");
      return;
    }
    var answer = item.getAttribute("data-answer");
    var result = judge(item, guess);
    var text;
    if (result[0] === "right") {
      text = "Right: the hidden word is \u201c" + answer + "\u201d.";
    } else if (result[0] === "close") {
      text = "Close: the text says \u201c" + answer + "\u201d; \u201c" + guess + "\u201d is " +
        (WHY[result[1]] || "close") + ".";
    } else {
      text = "Not this time: the hidden word is \u201c" + answer + "\u201d.";
    }
    var peeked = item.getAttribute("data-peeked") === "true";
    if (result[0] !== "wrong" && peeked) text += " (You had seen the answer, so it does not count.)";
    verdict.textContent = text;
    verdict.setAttribute("data-verdict", result[0]);
    item.setAttribute("data-answered", "true");
    var reveal = item.querySelector(".sslgloss-cloze__reveal");
    if (reveal) reveal.open = true;
    if (result[0] !== "wrong" && !peeked) {
      remember(block.getAttribute("data-term"));
      showBlockProgress(block);
    }
  }

  function show(block, index) {
    var all = items(block);
    if (!all.length) return;
    index = ((index % all.length) + all.length) % all.length;
    Array.prototype.forEach.call(all, function (item, i) { item.hidden = i !== index; });
    var count = block.querySelector(".sslgloss-cloze__count");
    if (count) count.textContent = "Sentence " + (index + 1) + " of " + all.length;
    var next = block.querySelector(".sslgloss-cloze__next");
    if (next) next.hidden = all.length < 2;
  }

  function bind(block) {
    if (block.hasAttribute("data-sslgloss-bound")) return;
    block.setAttribute("data-sslgloss-bound", "");
    Array.prototype.forEach.call(items(block), function (item) {
      var form = item.querySelector(".sslgloss-cloze__form");
      form.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        check(block, item);
      });
      var reveal = item.querySelector(".sslgloss-cloze__reveal");
      reveal.addEventListener("toggle", function () {
        if (reveal.open && item.getAttribute("data-answered") !== "true") item.setAttribute("data-peeked", "true");
      });
    });
    var footer = block.querySelector(".sslgloss-cloze__footer");
    if (footer) footer.hidden = false;
    var next = block.querySelector(".sslgloss-cloze__next");
    if (next) next.addEventListener("click", function () {
      var all = Array.prototype.slice.call(items(block));
      show(block, all.indexOf(current(block)) + 1);
      var input = current(block).querySelector("input");
      if (input) input.focus();
    });
    var forgetButton = block.querySelector(".sslgloss-cloze__forget");
    if (forgetButton) forgetButton.addEventListener("click", forget);
    show(block, 0);
    showBlockProgress(block);
    probeLive(block);
  }

  /* "Ask the model live": shown only while the demo server answers, so a reader is never sent to a dead one */
  function probeLive(block) {
    var health = block.getAttribute("data-health");
    if (!health || !block.querySelector(".sslgloss-cloze__live")) return;
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 4000);
    fetch(health, { mode: "no-cors", cache: "no-store", credentials: "omit",
      signal: controller ? controller.signal : undefined })
      .then(function () { return true; }, function () { return false; })
      .then(function (up) {
        clearTimeout(timer);
        Array.prototype.forEach.call(block.querySelectorAll(".sslgloss-cloze__live"), function (p) {
          p.hidden = !up;
        });
      });
  }

  /* ---------------------------------------------------------------- every page */

  function onPage() {
    Array.prototype.forEach.call(document.querySelectorAll(".sslgloss-cloze"), bind);
    markAll(document);
  }

  // the forget buttons of the index pages (their markup comes with each page)
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-sslgloss-forget]") : null;
    if (button) forget();
  });

  // another tab answered or forgot: keep this one's marks in step
  window.addEventListener("storage", function (event) {
    if (event.key === STORE || event.key === null) markAll(document);
  });

  window.sslglossCloze = { key: key, judge: judge, progress: progress, forget: forget };

  window.sslgloss.onEveryPage(onPage);  // sslgloss.js, loaded first
})();

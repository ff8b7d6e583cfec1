// Read aloud (朗读). The 朗读 button reads the page's [data-speak] sections one at a time, in the
// order of their data-speak-order (then page order): each section is highlighted and scrolled into
// view while it plays, and the next one is made on the terminal while this one plays. Touching a
// section while reading reads from there; 停止 stops. Audio stops when the page changes, when the
// idle countdown appears and on the idle reset. After the citizen used 朗读, a status that appears
// later (the print outcome, [data-speak-now]) is read as well, until the idle reset.
(function () {
  "use strict";
  var STORE = "kiosk-speech-on";
  var context = null;
  var source = null;
  var loaded = [];  // [url, promise of an AudioBuffer], the few most recent
  var sections = [];
  var index = -1;
  var audioUrl = null;
  var generation = 0;

  function body() { return document.body; }

  function setState(state) {
    if (body()) { body().setAttribute("data-speech", state); }
  }

  function speechOn() {
    try { return window.sessionStorage.getItem(STORE) === "1"; } catch (e) { return false; }
  }

  function remember(on) {
    try {
      if (on) { window.sessionStorage.setItem(STORE, "1"); } else { window.sessionStorage.removeItem(STORE); }
    } catch (e) { /* storage may be off */ }
  }

  function toggles() { return document.querySelectorAll("[data-speak-toggle]"); }

  function showButtons(reading) {
    toggles().forEach(function (button) {
      button.setAttribute("aria-pressed", reading ? "true" : "false");
      button.classList.toggle("is-reading", reading);
      var label = button.querySelector(".speak-label");
      if (label) { label.textContent = reading ? "停止" : "朗读"; }
    });
  }

  function textOf(section) {
    var text = section.getAttribute("data-speak");
    if (!text) { text = section.innerText || section.textContent || ""; }
    return text.replace(/\s+/g, " ").trim().slice(0, 600);
  }

  function collect() {
    var found = Array.prototype.slice.call(document.querySelectorAll("#main [data-speak]"));
    found = found.filter(function (el) { return el.offsetParent !== null && textOf(el); });
    var order = function (el) {
      var n = parseInt(el.getAttribute("data-speak-order"), 10);
      return isNaN(n) ? 99 : n;
    };
    found.forEach(function (el, i) { el.__speakPos = i; });
    found.sort(function (a, b) { return order(a) - order(b) || a.__speakPos - b.__speakPos; });
    return found;
  }

  function urlFor(text) {
    return audioUrl + (audioUrl.indexOf("?") < 0 ? "?" : "&") + "text=" + encodeURIComponent(text);
  }

  function unmark() {
    document.querySelectorAll(".is-speaking").forEach(function (el) { el.classList.remove("is-speaking"); });
  }

  function stop() {
    generation += 1;
    if (source) {
      source.onended = null;
      try { source.stop(); } catch (e) { /* not started yet */ }
      source = null;
    }
    sections = [];
    index = -1;
    unmark();
    showButtons(false);
    setState("stopped");
  }

  // Web Audio, one context per document (htmx keeps the document from page to page): the sound
  // device is opened once, when the page loads, so a touch on 朗读 waits only for the audio itself.
  function audioContext() {
    if (!context) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) { return null; }
      context = new Context({ latencyHint: "interactive" });
    }
    return context;
  }

  // The audio of one section, fetched and decoded once: made ahead for the first section when a
  // page is shown and for the next section while one plays, so that each starts at once.
  function load(url) {
    for (var k = 0; k < loaded.length; k++) {
      if (loaded[k][0] === url) { return loaded[k][1]; }
    }
    var ctx = audioContext();
    var promise = window.fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("speech " + response.status); }
        return response.arrayBuffer();
      })
      .then(function (data) { return ctx.decodeAudioData(data); });
    promise.catch(function () { forget(url); });
    loaded.push([url, promise]);
    if (loaded.length > 4) { loaded.shift(); }
    return promise;
  }

  function forget(url) {
    loaded = loaded.filter(function (entry) { return entry[0] !== url; });
  }

  function prepareFirst() {
    if (!audioUrl || !audioContext()) { return; }
    var first = collect()[0];
    if (first) { load(urlFor(textOf(first))); }
  }

  function latencyMs(ctx) {
    return Math.round(((ctx.baseLatency || 0) + (ctx.outputLatency || 0)) * 1000);
  }

  function playAt(i) {
    var mine = ++generation;
    unmark();
    if (i >= sections.length) { stop(); return; }
    index = i;
    var section = sections[i];
    section.classList.add("is-speaking");
    section.scrollIntoView({ block: "center", behavior: "smooth" });
    document.dispatchEvent(new CustomEvent("kiosk:activity"));
    var ctx = audioContext();
    if (!ctx) { stop(); return; }
    if (ctx.state === "suspended") { ctx.resume(); }
    setState("loading");
    load(urlFor(textOf(section)))
      .then(function (buffer) {
        if (mine !== generation) { return; }
        source = ctx.createBufferSource();
        source.buffer = buffer;
        source.connect(ctx.destination);
        source.onended = function () { if (mine === generation) { playAt(i + 1); } };
        source.start();
        body().setAttribute("data-speech-latency", String(latencyMs(ctx)));
        setState("playing");
      })
      .catch(function () {
        if (mine !== generation) { return; }
        // A section that cannot be read is skipped; if the engine is down, every one fails and reading stops.
        if (i + 1 < sections.length) { playAt(i + 1); } else { stop(); }
      });
    // Make the next section while this one plays, so it starts at once.
    if (i + 1 < sections.length) { load(urlFor(textOf(sections[i + 1]))); }
  }

  function start(from) {
    sections = collect();
    if (!sections.length) { return; }
    remember(true);
    showButtons(true);
    playAt(Math.max(0, sections.indexOf(from)));
  }

  function speakNow(el) {
    if (!audioUrl || !speechOn()) { return; }
    sections = [el];
    showButtons(true);
    playAt(0);
  }

  function findUrl() {
    var button = document.querySelector("[data-speak-toggle]");
    if (button) { audioUrl = button.getAttribute("data-audio-url"); }
    if (!audioUrl && body()) { audioUrl = body().getAttribute("data-speech-url"); }
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-speak-toggle]");
    if (toggle) {
      findUrl();
      if (index >= 0) { stop(); remember(false); } else { start(null); }
      return;
    }
    if (index < 0) { return; }
    if (event.target.closest("a, button, input, textarea, select, label, form")) { return; }
    var section = event.target.closest("[data-speak]");
    if (section && sections.indexOf(section) >= 0) { playAt(sections.indexOf(section)); }
  });

  // A new page in #main: stop reading the old one.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "main") { stop(); loaded = []; }
  });
  function speakNew() {
    var now = document.querySelector("#main [data-speak-now]:not([data-spoken])");
    if (now) { now.setAttribute("data-spoken", ""); speakNow(now); }
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    findUrl();
    speakNew();
    var target = event.detail && event.detail.target;
    if (target && target.id === "main") { window.setTimeout(prepareFirst, 200); }
  });
  document.addEventListener("kiosk:idle", function () { stop(); remember(false); });
  window.addEventListener("pagehide", stop);
  document.addEventListener("DOMContentLoaded", function () {
    findUrl();
    setState("stopped");
    // The kiosk's browser policy lets its own origin play sound without a touch first, so the
    // device opens now; elsewhere the context waits, suspended, for the first touch on 朗读.
    if (audioUrl) { audioContext(); window.setTimeout(prepareFirst, 200); }
    speakNew();
  });
})();

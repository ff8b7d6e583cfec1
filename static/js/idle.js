// Idle reset. After data-idle-timeout seconds without a touch, a countdown overlay appears;
// when it reaches zero the browser goes to the reset URL, which forgets the session (search
// text, elder mode, history) and shows the home screen. On an untouched home screen, idling
// shows a loop of the latest notices instead; any touch ends it.
(function () {
  "use strict";
  var LOOP_SECONDS = 6;
  var body, timeout, countdown, resetUrl;
  var idleTimer = null, countTimer = null, loopTimer = null;
  var remaining = 0, loopIndex = 0;

  function el(id) { return document.getElementById(id); }

  function cleanHome() {
    var home = el("home");
    return home && home.getAttribute("data-clean") === "1" && !body.classList.contains("elder");
  }

  function hideAll() {
    clearInterval(countTimer); countTimer = null;
    clearInterval(loopTimer); loopTimer = null;
    el("idle-overlay").hidden = true;
    el("idle-loop").hidden = true;
  }

  function arm() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(onIdle, timeout * 1000);
  }

  function announce() { document.dispatchEvent(new CustomEvent("kiosk:idle")); }

  function reset() {
    clearInterval(countTimer); countTimer = null;
    announce();
    try { window.localStorage.removeItem("htmx-history-cache"); } catch (e) { /* storage may be off */ }
    window.location.replace(resetUrl);
  }

  function showNotice() {
    var notices = document.querySelectorAll("#notices .list-item");
    if (!notices.length) { return false; }
    loopIndex = loopIndex % notices.length;
    var title = notices[loopIndex].querySelector(".list-title");
    var date = notices[loopIndex].querySelector(".list-meta");
    el("idle-loop-text").textContent = title ? title.textContent : "";
    el("idle-loop-date").textContent = date ? date.textContent : "";
    loopIndex += 1;
    return true;
  }

  function onIdle() {
    if (cleanHome()) {
      if (showNotice()) {
        announce();
        el("idle-loop").hidden = false;
        loopTimer = setInterval(showNotice, LOOP_SECONDS * 1000);
      }
      return;
    }
    announce();
    remaining = countdown;
    el("idle-seconds").textContent = String(remaining);
    el("idle-overlay").hidden = false;
    countTimer = setInterval(function () {
      remaining -= 1;
      el("idle-seconds").textContent = String(Math.max(remaining, 0));
      if (remaining <= 0) { reset(); }
    }, 1000);
  }

  function overlayShown() { return countTimer !== null || loopTimer !== null; }

  function onTouch(event) {
    if (!overlayShown()) { arm(); return; }
    // A finger on an overlay only dismisses it: the overlay stays until the click, which lands on
    // the overlay itself (below), so the tile or link beneath is never opened by the same touch.
    if (event && (event.type === "pointerdown" || event.type === "touchstart")) { return; }
    hideAll();
    arm();
  }

  function dismiss(event) {
    event.preventDefault();
    event.stopPropagation();
    hideAll();
    arm();
  }

  document.addEventListener("DOMContentLoaded", function () {
    body = document.body;
    timeout = parseFloat(body.getAttribute("data-idle-timeout")) || 90;
    countdown = parseInt(body.getAttribute("data-idle-countdown"), 10);
    if (isNaN(countdown) || countdown < 0) { countdown = 10; }
    resetUrl = body.getAttribute("data-reset-url") || "/reset";
    ["pointerdown", "keydown", "touchstart", "wheel"].forEach(function (type) {
      document.addEventListener(type, onTouch, { capture: true, passive: true });
    });
    // A page swapped in by htmx counts as activity too.
    document.addEventListener("htmx:afterSwap", onTouch);
    // Each section read aloud counts too: a citizen listening does not touch the screen.
    document.addEventListener("kiosk:activity", function () { if (countTimer === null && loopTimer === null) { arm(); } });
    el("idle-continue").addEventListener("click", dismiss);
    el("idle-overlay").addEventListener("click", dismiss);
    el("idle-loop").addEventListener("click", dismiss);
    arm();
  });
})();

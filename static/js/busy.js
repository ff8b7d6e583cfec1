// Feedback while a touch is being answered, and plain words when it failed. The element touched
// shows it was taken at once (is-pressed); after a short wait a "请稍候" notice appears; if the
// kiosk's web process does not answer, the citizen reads so and may touch again. A service worker
// shows the local fallback page (/offline) when a whole page cannot be loaded.
(function () {
  "use strict";
  var NOTICE_AFTER_MS = 400;
  var ERROR_SECONDS = 8;
  var pending = 0, noticeTimer = null, errorTimer = null;

  function el(id) { return document.getElementById(id); }

  function busy(on) {
    var notice = el("busy-notice");
    document.body.classList.toggle("is-busy", on);
    clearTimeout(noticeTimer);
    if (!notice) { return; }
    if (on) {
      noticeTimer = setTimeout(function () { notice.hidden = false; }, NOTICE_AFTER_MS);
    } else {
      notice.hidden = true;
    }
  }

  function showError() {
    var box = el("net-error");
    if (!box) { return; }
    box.hidden = false;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(function () { box.hidden = true; }, ERROR_SECONDS * 1000);
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    // The print status polls itself: that is not a touch.
    if (elt && elt.id === "slip-job") { return; }
    pending += 1;
    if (elt && elt.classList) { elt.classList.add("is-pressed"); }
    var box = el("net-error");
    if (box) { box.hidden = true; }
    busy(true);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.id === "slip-job") { return; }
    if (elt && elt.classList) { elt.classList.remove("is-pressed"); }
    pending = Math.max(0, pending - 1);
    if (pending === 0) { busy(false); }
  });
  ["htmx:sendError", "htmx:timeout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var elt = event.detail && event.detail.elt;
      if (elt && elt.id === "slip-job") { return; }
      showError();
    });
  });
  document.addEventListener("click", function (event) {
    var box = el("net-error");
    if (box && !box.hidden && event.target.closest("#net-error")) { box.hidden = true; }
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* not on this browser */ });
    });
  }
})();

// Hidden way to the operator panel on a kiosk without an address bar: hold a finger on the
// top-left corner of the top bar for about five seconds and the PIN login opens. Nothing is
// shown to citizens; a short tap there behaves as before (the hall name goes home).
(function () {
  "use strict";
  var HOLD_MS = 5000;
  var CORNER_PX = 160;   // width and height of the corner area, from the top bar's top-left
  var SLOP_PX = 30;      // a finger may drift this far while holding
  var timer = null;
  var start = null;
  var fired = false;

  var LOGIN_URL = "/admin/login";

  function inCorner(event) {
    var bar = document.querySelector(".topbar");
    if (!bar) { return false; }
    var box = bar.getBoundingClientRect();
    var x = event.clientX - box.left;
    var y = event.clientY - box.top;
    return x >= 0 && y >= 0 && x <= Math.min(CORNER_PX, box.width) && y <= Math.min(CORNER_PX, box.height);
  }

  function cancel() {
    if (timer !== null) { window.clearTimeout(timer); }
    timer = null;
    start = null;
  }

  document.addEventListener("pointerdown", function (event) {
    cancel();
    if (!event.isPrimary || !inCorner(event)) { return; }
    fired = false;
    start = { x: event.clientX, y: event.clientY, id: event.pointerId };
    timer = window.setTimeout(function () {
      timer = null;
      fired = true;
      window.location.assign(LOGIN_URL);
    }, HOLD_MS);
  }, true);

  document.addEventListener("pointermove", function (event) {
    if (start === null || event.pointerId !== start.id) { return; }
    if (Math.abs(event.clientX - start.x) > SLOP_PX || Math.abs(event.clientY - start.y) > SLOP_PX) { cancel(); }
  }, true);

  ["pointerup", "pointercancel"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (start !== null && event.pointerId === start.id) { cancel(); }
    }, true);
  });

  // The hold ends on the hall-name link: its click must not take the screen home instead.
  document.addEventListener("click", function (event) {
    if (fired) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();

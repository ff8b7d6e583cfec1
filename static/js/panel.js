// Touch targets sized on the glass, not in CSS millimetres (which Chromium maps at 96 dpi): the
// smallest target is 15 mm (20 mm in elder mode) on a panel of data-panel-diagonal inches.
(function () {
  "use strict";
  var STANDARD_MM = 15, ELDER_MM = 20;

  function size() {
    var diagonal = parseFloat(document.body.getAttribute("data-panel-diagonal"));
    var w = window.screen.width, h = window.screen.height;
    if (!(diagonal > 0) || !(w > 0) || !(h > 0)) { return; }
    var pxPerMm = Math.sqrt(w * w + h * h) / (diagonal * 25.4);
    var mm = document.documentElement.classList.contains("elder") ? ELDER_MM : STANDARD_MM;
    document.documentElement.style.setProperty("--target-min", Math.ceil(mm * pxPerMm) + "px");
  }

  document.addEventListener("DOMContentLoaded", size);
  window.addEventListener("resize", size);
})();

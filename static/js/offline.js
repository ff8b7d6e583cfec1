// The fallback page: ask the kiosk every few seconds whether it answers again; when it does, go home.
(function () {
  "use strict";
  var EVERY_SECONDS = 5;
  var left = EVERY_SECONDS;

  function tick() {
    left -= 1;
    var count = document.getElementById("retry-seconds");
    if (left > 0) { if (count) { count.textContent = String(left); } return; }
    left = EVERY_SECONDS;
    if (count) { count.textContent = String(left); }
    fetch("/healthz", { cache: "no-store" }).then(function (response) {
      if (response.status < 500) { window.location.replace("/"); }
    }).catch(function () { /* still down: try again */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setInterval(tick, 1000);
    document.getElementById("retry-now").addEventListener("click", function () { left = 1; tick(); });
  });
})();

// Keeps the clock in the top bar current. The server renders the first value, so the page is
// right even without JavaScript; this only moves it on.
(function () {
  "use strict";
  var WEEKDAYS = "日一二三四五六";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var el = document.getElementById("clock");
    if (!el) { return; }
    var d = new Date();
    el.textContent = d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 星期" +
      WEEKDAYS.charAt(d.getDay()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 15000);
  });
})();

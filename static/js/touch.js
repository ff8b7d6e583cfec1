// Touch-screen lock-down: no context menu, no text selection or dragging that could hand the
// citizen to another app (search the web, share, translate). Form fields stay selectable.
(function () {
  "use strict";
  function editable(target) {
    return target && target.closest && target.closest("input, textarea, [contenteditable=true]");
  }
  ["contextmenu", "dragstart", "selectstart"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (!editable(event.target)) { event.preventDefault(); }
    });
  });
  // Pinch-zoom would leave the screen zoomed for the next citizen.
  document.addEventListener("gesturestart", function (event) { event.preventDefault(); });
  document.addEventListener("touchmove", function (event) {
    if (event.touches && event.touches.length > 1) { event.preventDefault(); }
  }, { passive: false });
})();

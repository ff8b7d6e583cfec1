/* The on-screen keyboard of the search screen: letters for pinyin initials, digits, 删除 (one
   character back), 清空 (clear) and 搜索 (submit). Each key changes the search box and fires an
   `input` event, so htmx asks for suggestions as if the citizen had typed. No inline script or
   style: the keyboard is plain markup (templates/search/_keyboard.html) that this file shows. */
(function () {
  "use strict";

  function showKeyboards(root) {
    var boards = (root || document).querySelectorAll("[data-keyboard]");
    for (var i = 0; i < boards.length; i++) {
      boards[i].hidden = false;
    }
  }

  function clearSuggestions() {
    var box = document.getElementById("suggestions");
    if (box) {
      box.textContent = "";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-keyboard] button") : null;
    if (!button) {
      return;
    }
    var board = button.closest("[data-keyboard]");
    var field = document.getElementById(board.getAttribute("data-for"));
    if (!field) {
      return;
    }
    event.preventDefault();
    var key = button.getAttribute("data-key");
    var action = button.getAttribute("data-action");
    var limit = field.maxLength > 0 ? field.maxLength : 100;
    if (key !== null) {
      if (field.value.length < limit) {
        field.value += key;
      }
    } else if (action === "backspace") {
      field.value = field.value.slice(0, -1);
    } else if (action === "clear") {
      field.value = "";
      clearSuggestions();
    } else if (action === "submit") {
      clearSuggestions();
      if (field.form) {
        field.form.requestSubmit();
      }
      return;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });

  document.addEventListener("submit", function (event) {
    if (event.target.classList && event.target.classList.contains("search-form")) {
      clearSuggestions();
    }
  });

  document.addEventListener("htmx:load", function (event) {
    showKeyboards(event.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      showKeyboards(document);
    });
  } else {
    showKeyboards(document);
  }
})();

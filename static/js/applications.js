/* The application and question forms: the on-screen keyboard types into the field last touched,
   and the organisation's fields show only when 法人或者其他组织 is chosen. No inline script. */
(function () {
  "use strict";

  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches(".apply-form input[id], .apply-form textarea[id]")) {
      return;
    }
    var boards = document.querySelectorAll(".apply-keyboard[data-keyboard]");
    for (var i = 0; i < boards.length; i++) {
      boards[i].setAttribute("data-for", field.id);
    }
  });

  function showOrganisation() {
    var chosen = document.querySelector('.apply-form input[name="applicant_kind"]:checked');
    var organisation = chosen && chosen.value === "法人或者其他组织";
    var parts = document.querySelectorAll(".apply-form .for-organisation");
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = !organisation;
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "applicant_kind") {
      showOrganisation();
    }
  });
  document.addEventListener("DOMContentLoaded", showOrganisation);
  document.addEventListener("htmx:afterSettle", showOrganisation);
})();

/* The application form: the organisation's fields show only when 法人或者其他组织 is chosen.
   (The on-screen keyboard for every field is static/js/ime.js: fields carry data-ime.) */
(function () {
  "use strict";

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

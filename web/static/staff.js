// Optional help for the desk; every page works without it (and without any inline script).
// In a textarea marked data-submit-with-ctrl-enter, Ctrl+Enter (or Cmd+Enter) saves the form;
// Enter alone still starts a new line.
(function () {
  "use strict";
  document.querySelectorAll("textarea[data-submit-with-ctrl-enter]").forEach(function (area) {
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && area.form) {
        event.preventDefault();
        if (area.form.requestSubmit) { area.form.requestSubmit(); } else { area.form.submit(); }
      }
    });
  });
  // A refused form: the cursor goes to its first field in error, whose message it announces.
  var invalid = document.querySelector("[aria-invalid=\"true\"]");
  if (invalid) { invalid.focus(); }
  document.querySelectorAll(".js-only[hidden]").forEach(function (hint) { hint.hidden = false; });
})();

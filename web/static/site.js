// Optional help for residents; every page works without it (and without any inline script).
// - A textarea with data-limit shows how many characters are written, and how many too many,
//   in the counter that follows it (the server refuses a longer opinion and keeps the text).
// - A select with data-remember keeps the last choice on this device (the contact point).
(function () {
  "use strict";
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }
  document.querySelectorAll("textarea[data-limit]").forEach(function (area) {
    var counter = document.getElementById(area.id.replace(/^content-/, "content-count-"));
    if (!counter) { return; }
    var limit = parseInt(area.getAttribute("data-limit"), 10);
    function update() {
      var count = Array.from(area.value.replace(/\r\n/g, "\n").trim()).length;
      var over = count - limit;
      counter.textContent = over > 0
        ? fill(area.getAttribute("data-over"), { over: over })
        : fill(area.getAttribute("data-counted"), { count: count, limit: limit });
      counter.classList.toggle("over", over > 0);
    }
    counter.hidden = false;
    area.addEventListener("input", update);
    update();
  });
  var store = null;
  try { store = window.localStorage; } catch (blocked) { store = null; }
  if (!store) { return; }
  document.querySelectorAll("select[data-remember]").forEach(function (select) {
    var key = "liaison." + select.getAttribute("data-remember");
    var kept = null;
    try { kept = store.getItem(key); } catch (blocked) { kept = null; }
    if (!select.value && kept && select.querySelector('option[value="' + CSS.escape(kept) + '"]')) {
      select.value = kept;
    }
    function keep() {
      try { if (select.value) { store.setItem(key, select.value); } } catch (full) { /* private mode */ }
    }
    select.addEventListener("change", keep);
    if (select.form) { select.form.addEventListener("submit", keep); }
  });
})();

/* Catalogue: facets and sort apply on change (the form still works by its buttons without
   JavaScript); on narrow screens the filters sit in a drawer behind a "Filters (n)" button. */
(function () {
  "use strict";
  var form = document.getElementById("catalogue-filters");
  var box = document.getElementById("catalogue");
  if (!form || !box) { return; }
  var toggle = box.querySelector(".filters-toggle");
  var narrow = window.matchMedia("(max-width: 48rem)");
  var keepOpen = window.location.hash === "#catalogue-filters";

  form.querySelectorAll("[data-js-hide]").forEach(function (button) { button.hidden = true; });
  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.type === "checkbox" || target.tagName === "SELECT") {
      if (narrow.matches && !form.classList.contains("is-closed")) {
        form.action = form.action.split("#")[0] + "#catalogue-filters";  // reopen the drawer after loading
      }
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });

  if (!toggle) { return; }
  box.classList.add("has-drawer");
  toggle.hidden = false;
  function setOpen(open) {
    form.classList.toggle("is-closed", !open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
  setOpen(keepOpen);
  toggle.addEventListener("click", function () {
    var open = form.classList.contains("is-closed");
    setOpen(open);
    if (open) { var first = form.querySelector("select, input"); if (first) { first.focus(); } }
  });
})();

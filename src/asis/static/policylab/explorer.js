// Scenario explorer: sliders paired with their number fields (the number field is the one sent;
// a slider is shown only when this script runs), the running total of the regional shares, and
// the copy button of the share link. The live preview itself is an htmx GET on the form.
(function () {
  "use strict";

  function pairSliders(root) {
    root.querySelectorAll("input[type=range][data-pair]").forEach(function (slider) {
      var field = document.getElementById(slider.getAttribute("data-pair"));
      if (!field) { return; }
      slider.hidden = false;
      if (field.value !== "") { slider.value = field.value; }
      slider.addEventListener("input", function () { field.value = slider.value; });
      field.addEventListener("input", function () {
        if (field.value !== "" && !isNaN(Number(field.value))) { slider.value = field.value; }
      });
    });
  }

  function shareTotal(form) {
    var out = document.getElementById("share-total");
    if (!out) { return; }
    var lang = document.documentElement.lang || "en";
    function update() {
      var total = 0;
      form.querySelectorAll("input.share-input").forEach(function (input) {
        var v = Number(String(input.value).replace(",", "."));
        if (!isNaN(v)) { total += v; }
      });
      out.textContent = total.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    }
    form.addEventListener("input", function (event) {
      if (event.target.classList && event.target.classList.contains("share-input")) { update(); }
    });
  }

  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      var status = document.getElementById(button.getAttribute("data-copy") + "-status");
      if (!input || !navigator.clipboard) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          if (status) { status.textContent = button.getAttribute("data-copied"); }
        });
      });
    });
  }

  // The phone's bottom bar of key numbers goes away while the preview itself is on screen.
  function peekWhileHidden() {
    var preview = document.getElementById("preview");
    if (!preview || !("IntersectionObserver" in window)) { return; }
    new IntersectionObserver(function (entries) {
      document.body.classList.toggle("preview-in-view", entries[0].isIntersecting);
    }).observe(preview);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("scenario-form");
    if (form) {
      pairSliders(form);
      shareTotal(form);
      peekWhileHidden();
    }
    copyButtons();
  });
})();

/* The evaluator's desk: the running total beside the scoring form, and the error summary.
 * Loaded as a file (strict CSP, no inline script); the page works without it: the server renders
 * the total as last saved and the error summary at the top of the page.
 * The total is the weighted mean of the scored criteria's levels normalised to their scale, as
 * asis.calls.review.services.weighted_total computes it (criteria of weight 0 do not count). */
(function () {
  "use strict";

  function formatPercent(share) {
    var lang = document.documentElement.lang || "en";
    try {
      return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 }).format(share);
    } catch (e) {
      return Math.round(share * 100) + "%";
    }
  }

  function chosen(fieldset) {
    var input = fieldset.querySelector("input[type=radio]:checked");
    return input ? parseInt(input.value, 10) : null;
  }

  function update(form, panel) {
    var fieldsets = form.querySelectorAll("fieldset[data-criterion]");
    var points = 0, weight = 0, scored = 0;
    fieldsets.forEach(function (fieldset) {
      var score = chosen(fieldset);
      var badge = panel.querySelector('[data-score-of="' + fieldset.getAttribute("data-criterion") + '"]');
      if (badge) { badge.textContent = score === null ? "\u2013" : String(score); }
      if (score === null) { return; }
      scored += 1;
      var w = parseFloat(fieldset.getAttribute("data-weight")) || 0;
      var lo = parseInt(fieldset.getAttribute("data-min"), 10);
      var hi = parseInt(fieldset.getAttribute("data-max"), 10);
      if (w > 0 && hi > lo) {
        weight += w;
        points += w * (score - lo) / (hi - lo);
      }
    });
    var value = panel.querySelector("[data-total-value]");
    if (value) { value.textContent = weight > 0 ? formatPercent(points / weight) : "\u2013"; }
    var count = panel.querySelector("[data-total-count]");
    if (count) {
      count.textContent = count.getAttribute("data-template")
        .replace("{scored}", String(scored)).replace("{count}", String(fieldsets.length));
    }
  }

  function focusTarget(event) {
    var href = event.currentTarget.getAttribute("href");
    var target = href && href.charAt(0) === "#" ? document.getElementById(href.slice(1)) : null;
    if (!target) { return; }
    event.preventDefault();
    var fieldset = target.closest("fieldset");
    (fieldset || target).scrollIntoView({ block: "start" });
    target.focus();
  }

  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.querySelectorAll("a[href^='#']").forEach(function (link) {
        link.addEventListener("click", focusTarget);
      });
      summary.scrollIntoView({ block: "start" });
      summary.focus();
    }
    var panel = document.querySelector("[data-desk-total]");
    var form = document.querySelector("form.review-form");
    if (!panel || !form) { return; }
    form.addEventListener("change", function () { update(form, panel); });
    update(form, panel);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

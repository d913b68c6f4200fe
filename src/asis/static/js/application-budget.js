/* The applicant's budget table: a live total of the lines and an "Add a line" button.
 * Progressive enhancement under the strict CSP (a file, no inline script): without JavaScript the
 * form has a few empty lines and the total is the one last saved; saving adds more lines. */
(function () {
  "use strict";

  function formatNumber(value) {
    var lang = document.documentElement.lang || "en";
    try {
      return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
    } catch (e) {
      return value.toFixed(2);
    }
  }

  function amounts(table) {
    return table.querySelectorAll("input[name$='-amount']");
  }

  function updateTotal(table) {
    var sum = 0;
    amounts(table).forEach(function (input) {
      var value = parseFloat(String(input.value).replace(",", "."));
      if (!isNaN(value)) { sum += value; }
    });
    var output = table.querySelector("[data-budget-total]");
    if (output) { output.textContent = formatNumber(sum); }
  }

  function renumber(row, index) {
    row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/budget-\d+-/, "budget-" + index + "-")); }
      });
    });
    row.querySelectorAll("label").forEach(function (label) {
      label.textContent = label.textContent.replace(/\d+(?=\)\s*$)/, String(index + 1));
    });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    row.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
  }

  function addLine(table, button) {
    var rows = table.querySelectorAll("tbody [data-budget-row]");
    var max = parseInt(table.getAttribute("data-max-rows"), 10) || 100;
    if (!rows.length || rows.length >= max) { return; }
    var row = rows[rows.length - 1].cloneNode(true);
    renumber(row, rows.length);
    rows[rows.length - 1].parentNode.appendChild(row);
    var output = table.querySelector("[data-budget-total]");
    var amount = row.querySelector("input[name$='-amount']");
    if (output && amount) { output.setAttribute("for", output.getAttribute("for") + " " + amount.id); }
    if (rows.length + 1 >= max) { button.hidden = true; }
    var first = row.querySelector("select, input");
    if (first) { first.focus(); }
  }

  function init() {
    var table = document.querySelector("[data-budget]");
    if (!table) { return; }
    table.addEventListener("input", function () { updateTotal(table); });
    table.addEventListener("change", function () { updateTotal(table); });
    var button = document.querySelector("[data-budget-add]");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () { addLine(table, button); });
    }
    var help = document.querySelector("[data-budget-nojs]");
    if (help) { help.hidden = true; }
    updateTotal(table);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// Wide tables scroll inside their own frame instead of widening the page on a phone. Every table
// in <main> gets a frame (.table-scroll) that keyboard users can focus and scroll (role=region,
// tabindex=0, named by the table's caption or the heading before it), as axe requires of
// scrollable regions. Without script, asis.css lets a narrow screen scroll the table itself.
(function () {
  "use strict";
  function label(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    for (var el = table.closest(".table-scroll") || table; el; el = el.previousElementSibling || el.parentElement) {
      if (el === document.body) { break; }
      if (/^H[1-6]$/.test(el.tagName) && el.textContent.trim()) { return el.textContent.trim(); }
    }
    return document.title;
  }
  function frame() {
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var box = table.parentElement;
      if (!box.classList.contains("table-scroll")) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
      if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) { box.setAttribute("aria-label", label(table)); }
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", frame); } else { frame(); }
  // Tables that htmx swaps in later get their frame too.
  document.addEventListener("htmx:afterSettle", frame);
})();

// The total of the criteria weights, updated while the manager types (the server checks it again).
(function () {
  "use strict";
  document.querySelectorAll("table[data-weights-total]").forEach(function (table) {
    var output = table.querySelector("output.weights-total");
    var inputs = table.querySelectorAll("input[name^='weight__']");
    if (!output || !inputs.length) return;
    var format = new Intl.NumberFormat(output.dataset.language || undefined, {maximumFractionDigits: 2});
    function update() {
      var total = 0;
      inputs.forEach(function (input) {
        var value = parseFloat((input.value || "0").replace(",", "."));
        if (!isNaN(value)) total += value;
      });
      total = Math.round(total * 100) / 100;
      var ok = Math.abs(total - 100) <= 0.01;
      output.textContent = ok ? output.dataset.labelOk : output.dataset.labelBad.replace("{total}", format.format(total));
      output.classList.toggle("weights-total-bad", !ok);
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  });
})();

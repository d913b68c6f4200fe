/* Difference map of a comparison, animated by year: shows one server-rendered SVG frame at a
   time, with a play/pause button and a year slider. Without JavaScript the year select of the
   form reaches every frame. Respects prefers-reduced-motion (no autoplay, slower steps). */
(function () {
  "use strict";
  function setup(section) {
    var player = section.querySelector("[data-player]");
    var frames = Array.prototype.slice.call(section.querySelectorAll(".map-frame"));
    if (!player || frames.length < 2) { return; }
    var button = player.querySelector("[data-play]");
    var slider = player.querySelector("[data-slider]");
    var output = player.querySelector("[data-year-output]");
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var delay = reduced ? 2500 : 900;
    var timer = null;
    var index = parseInt(slider.value, 10) || 0;
    function show(i) {
      index = (i + frames.length) % frames.length;
      frames.forEach(function (frame, j) { frame.hidden = j !== index; });
      slider.value = String(index);
      output.textContent = frames[index].getAttribute("data-year");
    }
    function stop() {
      if (timer !== null) { window.clearInterval(timer); timer = null; }
      button.textContent = button.getAttribute("data-label-play");
      button.setAttribute("aria-pressed", "false");
    }
    function play() {
      if (index === frames.length - 1) { show(0); }
      timer = window.setInterval(function () {
        if (index >= frames.length - 1) { stop(); return; }
        show(index + 1);
      }, delay);
      button.textContent = button.getAttribute("data-label-pause");
      button.setAttribute("aria-pressed", "true");
    }
    button.addEventListener("click", function () { if (timer === null) { play(); } else { stop(); } });
    slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10) || 0); });
    player.hidden = false;
    show(index);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("#difference-map"), setup);
  });
})();

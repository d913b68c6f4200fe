// The header's menu button on narrow screens: a disclosure (button + aria-expanded) over the
// language switch, the account links and the main navigation. Without this script the button
// stays hidden and the menu open, so every link is still reachable.
(function () {
  "use strict";
  function setUp() {
    var header = document.querySelector("[data-menu]");
    if (!header) { return; }
    var button = header.querySelector(".menu-toggle");
    if (!button) { return; }
    var narrow = window.matchMedia("(max-width: 40rem)");
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-closed", !open);
    }
    header.classList.add("menu-ready");
    setOpen(!narrow.matches);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && narrow.matches && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
    var follow = function () { setOpen(!narrow.matches); };
    if (narrow.addEventListener) { narrow.addEventListener("change", follow); } else { narrow.addListener(follow); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
})();

/* The API documentation (Swagger UI) inside the site's frame: settings from #swagger-settings, the
 * CSRF token from #swagger-ui (no inline script, strict CSP). */
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("swagger-ui");
    var settings = document.getElementById("swagger-settings");
    if (!box || !settings || typeof SwaggerUIBundle === "undefined") { return; }
    var config = JSON.parse(settings.textContent);
    config.dom_id = "#swagger-ui";
    config.deepLinking = false;  // its links sit inside the operation buttons (nested interactive controls)
    config.presets = [SwaggerUIBundle.presets.apis];
    var token = box.dataset.csrfToken;
    if (token) {
      config.requestInterceptor = function (req) { req.headers["X-CSRFToken"] = token; return req; };
    }
    SwaggerUIBundle(config);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

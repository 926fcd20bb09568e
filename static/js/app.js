// Small enhancements on top of htmx: tell people in the status region when a request fails.
(function () {
  "use strict";

  function announce(key) {
    var status = document.getElementById("status");
    if (!status) return;
    var message = status.getAttribute("data-" + key);
    var p = document.createElement("p");
    p.textContent = message;
    status.replaceChildren(p);
  }

  document.addEventListener("htmx:sendError", function () { announce("offline"); });
  document.addEventListener("htmx:responseError", function () { announce("failed"); });
})();

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

  // A live region that already holds text when the page loads is not read out, so messages
  // flashed by the server are put back a moment later, as a change screen readers announce.
  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("status");
    if (!status || !status.firstElementChild) return;
    var messages = Array.prototype.slice.call(status.children);
    status.replaceChildren();
    window.setTimeout(function () { status.replaceChildren.apply(status, messages); }, 250);
  });

  document.addEventListener("htmx:sendError", function () { announce("offline"); });
  document.addEventListener("htmx:responseError", function () { announce("failed"); });
})();

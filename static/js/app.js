// Small enhancements on top of htmx: announce failed requests, and move focus after Show more.
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

  // "Show more" appends items to a list: move focus to the first new one, so keyboard and
  // screen reader users carry on from where the new items start.
  function listShownMoreOf(elt) {
    var id = elt && elt.getAttribute && elt.getAttribute("data-more-of");
    return id ? document.getElementById(id) : null;
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = listShownMoreOf(event.detail.elt);
    if (list) list.setAttribute("data-shown", String(list.children.length));
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var list = event.target;  // the list itself settles once its new items are in
    if (!list.hasAttribute || !list.hasAttribute("data-shown")) return;
    var first = list.children[Number(list.getAttribute("data-shown"))];
    list.removeAttribute("data-shown");
    var link = first && first.querySelector("a[href], button");
    if (link) link.focus();
  });

  document.addEventListener("htmx:sendError", function () { announce("offline"); });
  document.addEventListener("htmx:responseError", function () { announce("failed"); });
})();

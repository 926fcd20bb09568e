// Small enhancements on top of htmx: announce failed requests, move focus after Show more, and
// to the summary of a form sent back with mistakes.
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

  // A form sent back with mistakes starts with an error summary (form_errors in macros.html):
  // focus moves to it, when the page loads or when htmx swaps one in with a 422, so it is the
  // first thing read. Its links move focus to the field, with the field's label or legend in view.
  function focusErrorSummary(root) {
    var summary = root.querySelector(".error-summary");
    if (summary) summary.focus();
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.status !== 422 || !event.target.querySelector) return;
    if (event.target.matches(".error-summary")) event.target.focus();
    else focusErrorSummary(event.target);
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var group = field.closest("fieldset");
    var label = group ? group.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });

  document.addEventListener("htmx:sendError", function () { announce("offline"); });
  document.addEventListener("htmx:responseError", function () { announce("failed"); });
})();

// A tapped button shows at once that it is working, on a slow connection too: htmx gives the
// element making a request the class htmx-request (the stylesheet shows it pressed), and
// aria-busy says the same to screen readers until the answer is in.
(function () {
  "use strict";

  function busy(event, on) {
    var elt = event.detail && event.detail.elt;
    if (!elt || !elt.setAttribute) return;
    if (on) elt.setAttribute("aria-busy", "true");
    else elt.removeAttribute("aria-busy");
  }
  document.addEventListener("htmx:beforeRequest", function (event) { busy(event, true); });
  document.addEventListener("htmx:afterRequest", function (event) { busy(event, false); });
})();

// Small enhancements on top of htmx: announce failed requests, move focus after Show more, to
// the summary of a form sent back with mistakes, and to where a person acted after a reload or
// a swap that removed what held focus.
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

  // Focus never falls to the page itself after an action. A form answered with a reload comes
  // back at the part it changed (a vote returns to "#vote-<id>"): focus moves into that part, to
  // its first control, so keyboard and screen reader users carry on where they acted.
  var CONTROLS = "button:not([disabled]), a[href], input:not([type=hidden]), select, textarea";
  function focusInto(target) {
    if (!target) return false;
    var control = target.matches(CONTROLS) ? target : target.querySelector(CONTROLS);
    if (!control) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      control = target;
    }
    control.focus();
    return document.activeElement === control;
  }
  // Once loaded: the browser's own move to the fragment, after DOMContentLoaded, clears focus.
  window.addEventListener("load", function () {
    if (!location.hash || document.querySelector(".error-summary")) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.closest("main")) focusInto(target);
  });

  // An htmx answer that removes the focused element (a list that empties) moves focus to the
  // first place its markup names in `data-focus-after` (ids, most fitting first), else to main.
  var focusedBeforeSwap = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    focusedBeforeSwap = active && active !== document.body ? active : null;
  });
  function rescueFocus() {
    var lost = focusedBeforeSwap;
    var active = document.activeElement;
    focusedBeforeSwap = null;
    if (!lost || lost.isConnected || (active && active !== document.body)) return;
    var named = lost.closest("[data-focus-after]");
    var ids = named ? named.getAttribute("data-focus-after").split(" ") : [];
    for (var i = 0; i < ids.length; i++) {
      if (focusInto(document.getElementById(ids[i]))) return;
    }
    focusInto(document.getElementById("main"));
  }
  // After every part of the answer has settled and the handlers above have moved focus.
  document.addEventListener("htmx:afterSettle", function () { window.setTimeout(rescueFocus, 0); });

  document.addEventListener("htmx:sendError", function () { announce("offline"); });
  document.addEventListener("htmx:responseError", function () { announce("failed"); });
})();

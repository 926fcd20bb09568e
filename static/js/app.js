// Small enhancements on top of htmx: announce failed requests, move focus after Show more, to
// the summary of a form sent back with mistakes, to the next idea once one is decided, and to
// where a person acted after a reload or a swap that removed what held focus; outcome pickers
// that narrow as staff type.
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
  // flashed by the server are put back a moment later, as a change screen readers announce;
  // unless a newer message came first (a quick click's answer), which the old ones never hide.
  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("status");
    if (!status || !status.firstElementChild) return;
    var messages = Array.prototype.slice.call(status.children);
    status.replaceChildren();
    window.setTimeout(function () {
      if (!status.firstElementChild) status.replaceChildren.apply(status, messages);
    }, 250);
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

  // "Show password" (templates/auth/_show_password.html) comes hidden, so that without
  // JavaScript there is no box to tick that does nothing; here it is shown, and ticking it shows
  // the password boxes it names as text.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".show-password[hidden]").forEach(function (toggle) {
      toggle.hidden = false;
    });
  });
  document.addEventListener("change", function (event) {
    var ids = event.target.getAttribute && event.target.getAttribute("data-show-password");
    if (!ids) return;
    ids.split(" ").forEach(function (id) {
      var box = document.getElementById(id);
      if (box) box.type = event.target.checked ? "text" : "password";
    });
  });

  // Outcome pickers (templates/moderation/_outcome_picker.html): a box above the grouped
  // select narrows its options to those holding every word typed (in the outcome, its code or
  // its group), and chooses the first match (one matching by its own words first), so typing
  // "6.3" then Tab has chosen it.
  function setUpPicker(input) {
    var select = document.getElementById(input.getAttribute("data-filters"));
    if (!select || input.hasAttribute("data-ready")) return;
    input.setAttribute("data-ready", "");
    input.closest("[hidden]") && input.closest("[hidden]").removeAttribute("hidden");
    var hint = document.getElementById(input.id + "-hint");
    var blank = select.querySelector("option[value='']");
    var groups = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
      return { group: group, options: Array.prototype.slice.call(group.querySelectorAll("option")) };
    });
    function text(option, group) { return (option.textContent + " " + group.label).toLowerCase(); }
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // never sends the form by accident
    });
    // What staff chose in the select themselves stays chosen while it matches; what the box
    // chose is chosen afresh as the words change.
    var chosen = "";
    select.addEventListener("change", function () { chosen = select.value; });
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var matches = [];
      select.replaceChildren();
      if (blank) select.appendChild(blank);
      groups.forEach(function (entry) {
        var kept = entry.options.filter(function (option) {
          var haystack = text(option, entry.group);
          return words.every(function (word) { return haystack.indexOf(word) !== -1; });
        });
        if (!kept.length) return;
        entry.group.replaceChildren.apply(entry.group, kept);
        select.appendChild(entry.group);
        matches = matches.concat(kept);
      });
      var stillThere = matches.some(function (option) { return option.value === chosen && chosen; });
      // An outcome whose own words match beats one found by its group's title.
      var own = matches.filter(function (option) {
        var label = option.textContent.toLowerCase();
        return words.every(function (word) { return label.indexOf(word) !== -1; });
      });
      if (stillThere) select.value = chosen;
      else if (words.length && matches.length) select.value = (own[0] || matches[0]).value;
      else if (blank) select.value = "";
      if (!hint) return;
      if (!words.length) hint.textContent = hint.getAttribute("data-default") || hint.textContent;
      else if (!matches.length) hint.textContent = hint.getAttribute("data-matches-none");
      else if (matches.length === 1) hint.textContent = hint.getAttribute("data-matches-one");
      else hint.textContent = hint.getAttribute("data-matches-many");
    });
    if (hint) hint.setAttribute("data-default", hint.textContent);
  }
  function setUpPickers(root) {
    if (!root.querySelectorAll) return;
    Array.prototype.forEach.call(root.querySelectorAll("input[data-filters]"), setUpPicker);
  }
  document.addEventListener("DOMContentLoaded", function () { setUpPickers(document); });
  document.addEventListener("htmx:load", function (event) { setUpPickers(event.detail.elt); });

  // A queue card decided in place (templates/moderation/_decided.html): focus moves on to the
  // next idea waiting (its title), or stays on what was decided when it was the last.
  document.addEventListener("htmx:afterSettle", function () {
    Array.prototype.forEach.call(document.querySelectorAll("li[data-decided]:not([data-seen])"), function (card) {
      card.setAttribute("data-seen", "");
      var next = card.nextElementSibling;
      while (next && next.hasAttribute("data-decided")) next = next.nextElementSibling;
      var link = next && next.querySelector("h3 a[href]");
      (link || card).focus();
    });
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

  // The propose page's language select follows the language the words seem to be in
  // (#language-guess, in the answer to the similar ideas request) until the author chooses one:
  // #language_suggested holds what the page chose, so a select showing it was not changed.
  document.addEventListener("htmx:afterSettle", function () {
    var guess = document.getElementById("language-guess");
    var select = document.getElementById("language");
    var suggested = document.getElementById("language_suggested");
    var language = guess && guess.getAttribute("data-language");
    if (!language || !select || !suggested || select.value !== suggested.value) return;
    if (!select.querySelector('option[value="' + language + '"]')) return;
    select.value = language;
    suggested.value = language;
  });
  // The guess needs only the description's first words; all of a long one, in a script whose
  // letters take six characters each in an address, would make the address longer than the
  // server takes (gunicorn: 4 KB), and the hint would fail.
  var GUESS_WORDS = 300;
  document.addEventListener("htmx:configRequest", function (event) {
    var description = event.detail.parameters.description;
    if (event.detail.verb === "get" && typeof description === "string" && description.length > GUESS_WORDS) {
      event.detail.parameters.description = description.slice(0, GUESS_WORDS);
    }
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

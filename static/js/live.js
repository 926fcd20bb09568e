// Live pages: what the page does around its stream of server-sent events (htmx-ext-sse).
// - After the stream was interrupted, and while it is unavailable (every 30 s, or what the
//   page's data-live-poll says), elements that listen for "live:refresh" fetch their partial
//   afresh, so nothing missed stays stale.
// - Someone else's change never moves focus: a part of the page holding focus is not replaced;
//   it is fetched again once focus leaves it.
// - Others' changes get at most a short polite summary in the status region, never a count.
(function () {
  "use strict";

  var DEFAULT_POLL_MS = 30000;
  var QUIET_AFTER_OWN_MS = 10000;
  var SUMMARY_EVERY_MS = 30000;
  var pollTimer = null;
  var opened = false;
  var lastOwnMessage = 0;
  var lastSummary = 0;
  var writing = false;

  function refreshAll() {
    var elements = document.querySelectorAll('[hx-trigger*="live:refresh"]');
    Array.prototype.forEach.call(elements, function (elt) { htmx.trigger(elt, "live:refresh"); });
  }

  // The element holding the stream says how the page is kept up to date (open, or polling).
  function mark(event, state) {
    if (event.target && event.target.setAttribute) event.target.setAttribute("data-live", state);
  }

  document.addEventListener("htmx:sseOpen", function (event) {
    mark(event, "open");
    if (pollTimer) {
      window.clearInterval(pollTimer);
      pollTimer = null;
    }
    if (opened) refreshAll();
    opened = true;
  });

  document.addEventListener("htmx:sseError", function (event) {
    mark(event, "polling");
    var seconds = Number(event.target.getAttribute && event.target.getAttribute("data-live-poll"));
    if (!pollTimer) pollTimer = window.setInterval(refreshAll, seconds > 0 ? seconds * 1000 : DEFAULT_POLL_MS);
  });

  // Fresh counts are asked for every idea whose count the page shows.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.hasAttribute("data-live-counts")) return;
    var counts = document.querySelectorAll(".vote-count[id^='vote-count-']");
    event.detail.parameters.idea = Array.prototype.map.call(counts, function (elt) {
      return elt.id.slice("vote-count-".length);
    });
  });

  function isLive(event) {
    var config = event.detail.requestConfig;
    var type = config && config.triggeringEvent && config.triggeringEvent.type;
    return Boolean(type) && (type === "live:refresh" || type.indexOf("sse:") === 0);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!isLive(event)) return;
    var target = event.detail.target;
    var active = document.activeElement;
    if (!active || active === document.body || !target.contains(active)) return;
    event.detail.shouldSwap = false;
    var source = event.detail.elt;
    target.addEventListener("focusout", function later(focus) {
      if (target.contains(focus.relatedTarget)) return;
      target.removeEventListener("focusout", later);
      htmx.trigger(source, "live:refresh");
    });
  });

  // A count the stream brings while my own vote on that idea is on its way waits for the vote's
  // answer, which carries the count too: the count and the button then change together, rather
  // than the count first and the button a moment later. Ideas are known by their vote block.
  var voting = {};
  var IDEA = "liveVotedIdea";
  document.addEventListener("htmx:beforeRequest", function (event) {
    var block = event.detail.elt.closest && event.detail.elt.closest(".vote[id^='vote-']");
    if (!block || !event.detail.xhr) return;
    var idea = block.id.slice("vote-".length);
    voting[idea] = (voting[idea] || 0) + 1;
    event.detail.xhr[IDEA] = idea;
  });
  // Before the answer's own swap (its count comes out of band), or after a request that got no
  // answer: either way that vote is no longer on its way.
  function answered(event) {
    var xhr = event.detail.xhr;
    var idea = xhr && xhr[IDEA];
    if (!idea) return;
    delete xhr[IDEA];
    voting[idea] -= 1;
  }
  document.addEventListener("htmx:beforeSwap", answered);
  document.addEventListener("htmx:afterRequest", answered);
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id || target.id.indexOf("vote-count-") !== 0) return;
    if (voting[target.id.slice("vote-count-".length)] > 0) event.detail.shouldSwap = false;
  });

  function summarise(elt) {
    var now = Date.now();
    var status = document.getElementById("status");
    if (!status || now - lastOwnMessage < QUIET_AFTER_OWN_MS || now - lastSummary < SUMMARY_EVERY_MS) return;
    var text = elt.getAttribute("data-live-announce") || elt.textContent.trim();
    if (!text) return;
    lastSummary = now;
    var p = document.createElement("p");
    p.textContent = text;
    writing = true;
    status.replaceChildren(p);
    writing = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.getElementById("status");
    if (!status) return;
    // Anything else written to the status region is the person's own action's result.
    new MutationObserver(function () {
      if (!writing) lastOwnMessage = Date.now();
    }).observe(status, { childList: true, subtree: true, characterData: true });
  });

  document.addEventListener("htmx:sseMessage", function (event) {
    // Parts that carry their news in the event; parts that fetch it are summarised once swapped.
    var elt = event.target;
    if (elt.hasAttribute && elt.hasAttribute("sse-swap") && elt.hasAttribute("data-live-announce")) {
      summarise(elt);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!isLive(event)) return;
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-live-announce")) summarise(elt);
  });
})();

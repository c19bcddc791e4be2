/* Small helpers every page shares. Pages work without this file; it only makes them quicker. */
(function () {
  "use strict";
  // Quick phrases (leader instruction, notes): a button's data-phrase is appended to its target textarea.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-phrase]");
    if (!btn) return;
    e.preventDefault();
    var area = document.getElementById(btn.getAttribute("data-target"));
    if (!area) return;
    var text = btn.getAttribute("data-phrase");
    area.value = area.value ? area.value.replace(/\s*$/, "") + text : text;
    area.focus();
  });
  // Buttons that do something irreversible ask first.
  document.addEventListener("submit", function (e) {
    var submitter = e.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) e.preventDefault();
  });
  // Live refresh (hx-trigger="ticket-event from:body") must never wipe what someone is typing:
  // a list whose forms hold unsent input skips the refresh; the next event after sending refreshes it.
  document.addEventListener("input", function (e) {
    var form = e.target.form || e.target.closest("form");
    if (form) form.dataset.dirty = "1";
  });
  document.addEventListener("change", function (e) {
    var form = e.target.form || e.target.closest && e.target.closest("form");
    if (form) form.dataset.dirty = "1";
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var cfg = e.detail && e.detail.requestConfig;
    var trigger = cfg && cfg.triggeringEvent;
    if (!trigger || trigger.type !== "ticket-event") return;
    var elt = e.detail.elt;
    if (elt.querySelector("form[data-dirty]") || (document.activeElement && elt.contains(document.activeElement) &&
        /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName))) {
      e.preventDefault();
    }
  });
  // One click per submit: a double tap on a slow phone must not post twice.
  document.addEventListener("submit", function (e) {
    if (e.defaultPrevented) return;
    var form = e.target;
    if (form.dataset.sent) { e.preventDefault(); return; }
    form.dataset.sent = "1";
    setTimeout(function () { delete form.dataset.sent; }, 4000);
  });
})();

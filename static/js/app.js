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
  // A live refresh is not the user at work: marked, it does not keep the session from its idle
  // timeout (accounts.sessions). A click that reloads a list ("点击刷新") is not marked.
  document.addEventListener("htmx:configRequest", function (e) {
    var trigger = e.detail.triggeringEvent;
    if (trigger && trigger.type === "live-refresh" && !(trigger.detail && trigger.detail.byUser)) e.detail.headers["X-Hotline-Background"] = "1";
  });
  // Live lists. An element with data-live, an id and hx-trigger="live-refresh" reloads itself
  // (htmx) when a ticket event arrives from live.js: at once, then at most once per LIVE_GAP, and
  // always once more after the last event (htmx's throttle would drop the later ones). A list
  // that holds unsent input (text typed, a choice made, a field in use: a Chinese input method
  // may be half-way through a word) is never reloaded under the user's hands, nor left stale in
  // silence: it shows "有N条新动态，点击刷新", and a click reloads it and puts back what was typed.
  // Each list decides for itself, so the other sections of a page keep updating.
  var LIVE_GAP = 1500;
  var liveState = {};
  function stateOf(id) {
    return liveState[id] || (liveState[id] = { pending: 0, last: 0, timer: null, inflight: false, restore: null });
  }
  function isField(el) {
    return el && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && !/^(hidden|submit|button|reset|image)$/.test(el.type);
  }
  function changed(el) {
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.value !== el.defaultValue;
  }
  function busy(region) {
    if (region.querySelector("form[data-sent]")) return true;
    var active = document.activeElement;
    if (isField(active) && region.contains(active)) return true;
    return Array.prototype.some.call(region.querySelectorAll("input, textarea, select"), function (el) {
      return isField(el) && changed(el);
    });
  }
  // A list's own messages go right under its heading (or first, when it has none of its own).
  function putUnderHeading(region, el) {
    var heading = region.querySelector("h1, h2");
    if (heading && heading.parentNode === region) heading.insertAdjacentElement("afterend", el);
    else region.insertBefore(el, region.firstChild);
  }
  function showNotice(region, count) {
    var notice = region.querySelector("[data-live-notice]");
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "live-notice";
      notice.setAttribute("data-live-notice", "");
      notice.setAttribute("role", "status");
      notice.innerHTML = '<button type="button" class="live-load" data-live-load></button>';
      putUnderHeading(region, notice);
    }
    notice.firstChild.textContent = "有" + count + "条新动态，点击刷新";
  }
  function formKey(form, index) {
    return form.getAttribute("action") || form.id || "form-" + index;
  }
  // What the user put into a list's forms (only what differs from the page as sent, and the field in use).
  function capture(region) {
    var saved = [];
    var active = document.activeElement;
    region.querySelectorAll("form").forEach(function (form, index) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!isField(el) || !el.name || !(changed(el) || el === active)) return;
        saved.push({ form: formKey(form, index), name: el.name, type: el.type, value: el.value, checked: el.checked,
                     focus: el === active, start: el.selectionStart, end: el.selectionEnd,
                     selected: el.tagName === "SELECT" ? Array.prototype.filter.call(el.options, function (o) {
                       return o.selected; }).map(function (o) { return o.value; }) : null });
      });
    });
    return saved;
  }
  function restore(region, saved) {
    var forms = {};
    region.querySelectorAll("form").forEach(function (form, index) { forms[formKey(form, index)] = form; });
    var lost = [];
    saved.forEach(function (item) {
      var form = forms[item.form];
      var fields = form ? Array.prototype.filter.call(form.elements, function (el) { return el.name === item.name; }) : [];
      if (!fields.length) {
        if (item.type !== "checkbox" && item.type !== "radio" && item.value) lost.push(item.value);
        return;
      }
      fields.forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === item.value || fields.length === 1) el.checked = item.checked;
        } else if (el.tagName === "SELECT") {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = item.selected.indexOf(o.value) >= 0; });
        } else {
          el.value = item.value;
          if (item.focus) {
            el.focus();
            try { el.setSelectionRange(item.start, item.end); } catch (err) { /* not a text field */ }
          }
        }
      });
    });
    if (lost.length) {
      // The row the text was written for is gone (handled by someone else): show it, to copy.
      var note = document.createElement("div");
      note.className = "live-lost";
      note.setAttribute("role", "alert");
      note.textContent = "您填写的条目已不在此列表中（可能已由他人处理），未提交的内容：" + lost.join(" / ");
      putUnderHeading(region, note);
    }
  }
  function reload(region, keepInput) {
    var state = stateOf(region.id);
    state.pending = 0;
    state.last = Date.now();
    state.restore = keepInput ? capture(region) : null;
    if (window.htmx) window.htmx.trigger(region, "live-refresh", {byUser: !!keepInput});
  }
  function fire(id) {
    var state = stateOf(id);
    state.timer = null;
    var region = document.getElementById(id);
    if (!region || !state.pending) return;
    if (busy(region)) { showNotice(region, state.pending); return; }
    if (state.inflight) { schedule(id); return; }
    reload(region, false);
  }
  function schedule(id, delay) {
    var state = stateOf(id);
    if (state.timer) return;
    var wait = delay !== undefined ? delay : Math.max(0, state.last + LIVE_GAP - Date.now());
    state.timer = setTimeout(function () { fire(id); }, wait);
  }
  // One ticket's events under a name of their own ("ticket-event-<id>"), so that a page listens
  // for its ticket with a plain hx-trigger: an htmx trigger filter ("[detail.ticket_id==…]") is
  // evaluated as code, which the Content-Security-Policy forbids.
  document.body.addEventListener("ticket-event", function (e) {
    var id = e.detail && e.detail.ticket_id;
    if (id) document.body.dispatchEvent(new CustomEvent("ticket-event-" + id, { detail: e.detail }));
  });
  // On body, where live.js dispatches (a page's own code may dispatch there without bubbling);
  // this deferred script runs once the body is parsed.
  document.body.addEventListener("ticket-event", function () {
    document.querySelectorAll("[data-live][id]").forEach(function (region) {
      var state = stateOf(region.id);
      state.pending += 1;
      if (busy(region)) showNotice(region, state.pending);
      else schedule(region.id);
    });
  });
  // More was missed than live.js could resend: every list reloads (or says so).
  document.body.addEventListener("live-resync", function () {
    document.querySelectorAll("[data-live][id]").forEach(function (region) {
      stateOf(region.id).pending += 1;
      schedule(region.id, 0);
    });
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-live-load]");
    if (!button) return;
    var region = button.closest("[data-live][id]");
    if (region) reload(region, true);
  });
  // The field was left (and holds nothing unsent): catch up, a moment later so that the click
  // that moved the focus (a submit button, a link) is not swapped away under the pointer.
  document.addEventListener("focusout", function (e) {
    var region = e.target.closest && e.target.closest("[data-live][id]");
    if (region && stateOf(region.id).pending) schedule(region.id, 800);
  });
  // The list that asked (requestConfig.elt): after an outerHTML swap htmx reports afterRequest
  // on an ancestor, the asking element being gone.
  function asker(e) {
    var elt = e.detail && ((e.detail.requestConfig && e.detail.requestConfig.elt) || e.detail.elt);
    return elt && elt.hasAttribute && elt.hasAttribute("data-live") && elt.id ? elt : null;
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = asker(e);
    if (elt) stateOf(elt.id).inflight = true;
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = asker(e);
    if (elt) stateOf(elt.id).inflight = false;
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!elt || !elt.id || !liveState[elt.id] || !liveState[elt.id].restore) return;
    var region = document.getElementById(elt.id);
    var saved = liveState[elt.id].restore;
    liveState[elt.id].restore = null;
    if (region) restore(region, saved);
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

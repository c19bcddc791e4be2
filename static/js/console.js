/* The operator's console: category picking, keyboard shortcuts, the incoming-call pop-up,
   and the suggestion / similar-ticket slots (filled only when those endpoints exist). */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var form = $("ticket-form");
  if (!form) return;

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function chooseCategory(id, name) {
    $("id_category").value = id;
    $("cat-chosen").innerHTML = "已选：<strong>" + esc(name) + "</strong>";
    $("cat-results").innerHTML = "";
  }

  // Category tree: a click on a result picks it.
  document.addEventListener("click", function (e) {
    var pick = e.target.closest(".cat-pick");
    if (pick) { e.preventDefault(); chooseCategory(pick.dataset.id, pick.dataset.name); }
    var adopt = e.target.closest("[data-adopt-category]");
    if (adopt) { e.preventDefault(); chooseCategory(adopt.dataset.adoptCategory, adopt.dataset.name); }
  });

  // Keyboard: F2 phone, Alt+1…7 type, Ctrl+Enter register, Enter in the search picks the first result.
  document.addEventListener("keydown", function (e) {
    if (e.key === "F2") { e.preventDefault(); $("id_citizen_phone").focus(); }
    if (e.altKey && /^[1-7]$/.test(e.key)) {
      var radios = form.querySelectorAll("input[name=ticket_type]");
      var r = radios[parseInt(e.key, 10) - 1];
      if (r) { e.preventDefault(); r.checked = true; r.focus(); }
    }
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); $("btn-register").click(); }
  });
  $("cat-q").addEventListener("keydown", function (e) {
    if (e.key === "Enter") {
      e.preventDefault();
      var first = document.querySelector("#cat-results .cat-pick");
      if (first) chooseCategory(first.dataset.id, first.dataset.name);
    }
  });

  // Incoming call (来电弹屏), from live.js: prefill the number and the call id, show who calls.
  document.body.addEventListener("call-popup", function (e) {
    var d = e.detail || {};
    $("id_citizen_phone").value = d.caller || "";
    var callId = form.querySelector("input[name=call_id]");
    if (callId) callId.value = d.call_id || "";
    if (d.citizen && d.citizen.name && !$("id_citizen_name").value) $("id_citizen_name").value = d.citizen.name;
    var html = '<div class="caller-box popup" id="caller-box"><div>来电：<strong id="caller-name">' +
      esc((d.citizen && d.citizen.name) || "（未登记市民）") + '</strong> <span class="num">' + esc(d.caller) +
      "</span></div><div class=\"meta\">历史工单 " + ((d.history || []).length) + " 件</div></div>";
    if ((d.history || []).length) {
      html += '<ul class="list" id="caller-history">' + d.history.map(function (t) {
        return '<li><a href="/tickets/' + esc(t.id) + '/" target="_blank" rel="noopener"><span class="num">' +
          esc(t.number) + "</span> " + esc(t.title) + '</a><div class="meta"><span class="tag">' +
          esc(t.state_label) + "</span> " + (t.light ? '<span class="light ' + esc(t.light) + '"></span>' : "") +
          "</div></li>";
      }).join("") + "</ul>";
    }
    $("caller").innerHTML = html;
    $("id_citizen_name").focus();
  });

  // After the number is looked up, a known caller's name fills an empty name field.
  document.body.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.id !== "caller") return;
    var known = document.querySelector("#caller-box [data-name]");
    if (known && !$("id_citizen_name").value) $("id_citizen_name").value = known.dataset.name;
  });

  // Suggestions and similar open tickets (reports' endpoints, shapes in docs/REPORTS.md).
  // Either may fail or find nothing: the slot then stays empty and the form works as before.
  function getJSON(url) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }
  function percent(x) { return x != null ? '<span class="meta">（置信度 ' + Math.round(x * 100) + "%）</span>" : ""; }
  function renderSuggest(data) {
    var box = $("suggest");
    if (!data) { box.innerHTML = ""; return; }
    var cat = data.deeper || (data.categories && data.categories[0]) || null;
    var parts = [];
    if (cat && cat.label) {
      parts.push("建议分类：<strong>" + esc(cat.label) + "</strong>" + percent(cat.confidence) +
        (cat.category_id ? ' <button type="button" class="btn small secondary" data-adopt-category="' +
          esc(cat.category_id) + '" data-name="' + esc(cat.label) + '">采用</button>' : ""));
    }
    if (data.unit && data.unit.name) parts.push("建议承办单位：<strong>" + esc(data.unit.name) + "</strong>");
    box.innerHTML = parts.join("<br>");
  }
  function renderDuplicates(data) {
    var box = $("dup-warning");
    var list = data && data.results;
    if (!list || !list.length) { box.innerHTML = ""; return; }
    box.innerHTML = "<strong>注意：发现相似的未办结工单</strong><ul class=\"list\">" + list.slice(0, 5).map(function (t) {
      return '<li><a href="/tickets/' + esc(t.id) + '/" target="_blank" rel="noopener"><span class="num">' +
        esc(t.number) + "</span> " + esc(t.title) + '</a> <span class="tag">' + esc(t.state_label) + "</span>" +
        (t.reasons && t.reasons.length ? ' <span class="meta">' + esc(t.reasons.join("、")) + "</span>" : "") + "</li>";
    }).join("") + "</ul>";
  }
  var timer = null, lastText = "";
  function checkText() {
    var text = $("id_content").value.trim().slice(0, 500);  // the suggestion API reads 500 characters
    if (text.length < 6 || text === lastText) return;
    lastText = text;
    getJSON("/api/intelligence/suggest/?text=" + encodeURIComponent(text)).then(renderSuggest);
    var q = "text=" + encodeURIComponent(text.slice(0, 300)) + "&phone=" + encodeURIComponent($("id_citizen_phone").value) +
      "&address=" + encodeURIComponent($("id_address").value);
    getJSON("/api/intelligence/duplicates/?" + q).then(renderDuplicates);
  }
  $("id_content").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(checkText, 700); });
  $("id_address").addEventListener("change", function () { lastText = ""; checkText(); });
})();

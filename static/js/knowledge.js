/* Knowledge points beside a form (the console's direct answer, the unit's reply): a click on
   插入答复, or Alt+Shift+1…5, puts the point's answer into the form's text and remembers the point
   (hidden input knowledge_point), so that the answer is linked to it when the form is sent.
   Emptying the text forgets the point. 无帮助 (console) is an htmx post; the point is then left
   out of the slot for the rest of this call (#kp-dismissed). */
(function () {
  "use strict";

  function hitsBox() { return document.querySelector(".kp-hits"); }

  function insert(hit) {
    var box = hit.closest(".kp-hits");
    var target = box && document.getElementById(box.dataset.target);
    if (!target) return;
    target.value = hit.querySelector(".kp-answer").value;
    target.dataset.kpFilled = "1";
    var details = target.closest("details");
    if (details) details.open = true;
    var form = target.form;
    var remembered = form && form.querySelector("input[name=knowledge_point]");
    if (remembered) remembered.value = hit.dataset.point;
    var chosen = form && form.querySelector(".kp-chosen");
    if (chosen) {
      chosen.hidden = false;
      chosen.querySelector(".kp-chosen-title").textContent = hit.dataset.title;
    }
    target.dispatchEvent(new Event("input", {bubbles: true}));
    target.focus();
  }

  function forget(form) {
    var remembered = form.querySelector("input[name=knowledge_point]");
    if (remembered) remembered.value = "";
    var chosen = form.querySelector(".kp-chosen");
    if (chosen) chosen.hidden = true;
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest(".kp-insert");
    if (button) { e.preventDefault(); insert(button.closest(".kp-hit")); return; }
    var cancel = e.target.closest(".kp-forget");
    if (cancel) { e.preventDefault(); forget(cancel.form); }
  });

  document.addEventListener("keydown", function (e) {
    if (!(e.altKey && e.shiftKey) || !/^Digit[1-5]$/.test(e.code)) return;
    var box = hitsBox();
    var hit = box && box.querySelectorAll(".kp-hit")[parseInt(e.code.slice(5), 10) - 1];
    if (hit) { e.preventDefault(); insert(hit); }
  });

  // The text emptied by hand: the answer is no longer the point's.
  document.addEventListener("input", function (e) {
    if (e.target.dataset && e.target.dataset.kpFilled && !e.target.value.trim()) forget(e.target.form);
  });

  // 无帮助 answered: remember the point so the next refresh of the slot leaves it out.
  document.body.addEventListener("htmx:afterSwap", function (e) {
    var marked = e.detail.target.querySelector && e.detail.target.querySelector("[data-dismissed]");
    var dismissed = document.getElementById("kp-dismissed");
    if (marked && dismissed) {
      var ids = dismissed.value ? dismissed.value.split(",") : [];
      ids.push(marked.dataset.dismissed);
      dismissed.value = ids.join(",");
    }
  });
})();

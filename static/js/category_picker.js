/* The category picker of the dispatch form (templates/tickets/detail.html): the console's
   category search (/console/categories/) fills #cat-results; a click or Enter picks a category
   into the form's hidden input. A picked category with a default unit pre-selects that lead
   unit, unless the supervisor has chosen one by hand. */
(function () {
  "use strict";
  var picker = document.querySelector("[data-category-picker]");
  if (!picker) return;
  var form = picker.closest("form");
  var input = form.querySelector("input[name=category]");
  var chosen = picker.querySelector(".cat-chosen");
  var results = picker.querySelector("#cat-results");
  var lead = form.querySelector("select[name=lead_unit]");
  var leadTouched = false;
  if (lead) lead.addEventListener("change", function () { leadTouched = true; });

  function pick(button) {
    input.value = button.dataset.id;
    chosen.textContent = "已选：";
    var strong = document.createElement("strong");
    strong.textContent = button.dataset.name;
    chosen.appendChild(strong);
    results.innerHTML = "";
    var unit = button.dataset.unit;
    if (unit && lead && !leadTouched && lead.querySelector('option[value="' + unit + '"]')) lead.value = unit;
    var errors = picker.querySelector(".errorlist");
    if (errors) errors.remove();
    picker.classList.remove("has-error");
  }

  picker.addEventListener("click", function (e) {
    var button = e.target.closest(".cat-pick");
    if (button) { e.preventDefault(); pick(button); }
  });
  var search = picker.querySelector("#cat-q");
  search.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();  // Enter picks the first result; it must not submit the dispatch form
    var first = results.querySelector(".cat-pick");
    if (first) pick(first);
  });
})();

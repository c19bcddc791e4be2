/* The category picker of the dispatch form (templates/tickets/detail.html): the console's
   category search (/console/categories/) fills #cat-results; a click or Enter picks a category
   into the form's hidden input. A picked category with a default unit becomes the suggested lead
   unit, unless the supervisor has chosen another unit than the page suggested. */
(function () {
  "use strict";
  var picker = document.querySelector("[data-category-picker]");
  if (!picker) return;
  var form = picker.closest("form");
  var input = form.querySelector("input[name=category]");
  var chosen = picker.querySelector(".cat-chosen");
  var results = picker.querySelector("#cat-results");
  var lead = form.querySelector("select[name=lead_unit]");
  var suggestion = form.querySelector("#unit-suggestion");
  var suggested = suggestion ? suggestion.dataset.unit : "";
  var leadTouched = false;
  if (lead) lead.addEventListener("change", function () { leadTouched = true; });

  function suggestUnit(unit) {
    var option = lead && lead.querySelector('option[value="' + unit + '"]');
    if (!option) return;
    var free = !lead.value || (!leadTouched && lead.value === suggested);
    if (!free) return;  // the supervisor's own choice stays
    lead.value = unit;
    suggested = unit;
    if (!suggestion) {
      suggestion = document.createElement("p");
      suggestion.className = "meta unit-suggestion";
      suggestion.id = "unit-suggestion";
      lead.closest(".field").insertAdjacentElement("afterend", suggestion);
    }
    suggestion.dataset.unit = unit;
    suggestion.textContent = "建议承办单位：";
    var strong = document.createElement("strong");
    strong.textContent = option.textContent;
    suggestion.appendChild(strong);
    suggestion.appendChild(document.createTextNode("（分类默认承办单位）"));
  }

  function pick(button) {
    input.value = button.dataset.id;
    chosen.textContent = "已选：";
    var strong = document.createElement("strong");
    strong.textContent = button.dataset.name;
    chosen.appendChild(strong);
    results.innerHTML = "";
    if (button.dataset.unit) suggestUnit(button.dataset.unit);
    var errors = picker.querySelector(".errorlist");
    if (errors) errors.remove();
    picker.classList.remove("has-error");
  }

  picker.addEventListener("click", function (e) {
    var button = e.target.closest(".cat-pick");
    if (button) { e.preventDefault(); pick(button); }
  });
  picker.querySelector("#cat-q").addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();  // Enter picks the first result; it must not submit the dispatch form
    var first = results.querySelector(".cat-pick");
    if (first) pick(first);
  });
})();

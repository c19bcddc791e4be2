// The column chooser: select all / none; the download needs at least one column.
(function () {
  "use strict";
  var form = document.getElementById("export-form");
  if (!form) { return; }
  var boxes = function () { return form.querySelectorAll("input[name=columns]"); };
  var setAll = function (value) { boxes().forEach(function (box) { box.checked = value; }); };
  document.getElementById("export-all").addEventListener("click", function () { setAll(true); });
  document.getElementById("export-none").addEventListener("click", function () { setAll(false); });
  form.addEventListener("submit", function (event) {
    var any = Array.prototype.some.call(boxes(), function (box) { return box.checked; });
    if (!any) { event.preventDefault(); window.alert("请至少选择一列"); }
  });
})();

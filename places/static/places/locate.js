// 使用我的位置 on the portal's submit form: the browser's position into the hidden
// latitude/longitude fields. The form works without it (the town select); the server checks
// the position is in the county and says so clearly if not.
(function () {
  "use strict";
  function init() {
    var box = document.getElementById("locate");
    if (!box || !("geolocation" in navigator)) { return; }
    var lat = document.getElementById("id_latitude");
    var lon = document.getElementById("id_longitude");
    var status = document.getElementById("locate-status");
    var button = document.getElementById("btn-locate");
    var clear = document.getElementById("btn-locate-clear");
    box.hidden = false;
    if (lat.value) { clear.hidden = false; }
    button.addEventListener("click", function () {
      status.textContent = "正在获取位置…";
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        status.textContent = "已记录位置：" + lat.value + ", " + lon.value;
        button.disabled = false;
        clear.hidden = false;
      }, function (error) {
        status.textContent = error.code === 1 ? "您未允许获取位置，可改为选择所属乡镇" : "暂时无法获取位置，可改为选择所属乡镇";
        button.disabled = false;
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
    clear.addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      status.textContent = "";
      clear.hidden = true;
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();

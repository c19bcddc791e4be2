// Refresh the thread every few seconds so notices triggered elsewhere show up.
(function () {
  var thread = document.getElementById("thread");
  var number = thread && thread.dataset.phone;
  if (!number) return;
  function scroll() { thread.scrollTop = thread.scrollHeight; }
  scroll();
  setInterval(function () {
    fetch("?fragment=1&phone=" + encodeURIComponent(number), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html !== null && html !== thread.innerHTML) { thread.innerHTML = html; scroll(); }
      })
      .catch(function () {});
  }, 3000);
})();

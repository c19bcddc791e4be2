// Refresh the list when a call is missed (live.js dispatches `missed-call` when loaded).
document.body.addEventListener("missed-call", function () { window.location.reload(); });

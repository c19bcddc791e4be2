/* Placeholder. The live-push helper's live.js (websocket to /ws/staff/, dispatching
   `ticket-event` and `call-popup` on document.body) replaces this file at merge.
   Pages work without it. */

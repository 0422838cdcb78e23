// Shows each event time also in the viewer's own time zone, when it differs from the event's zone.
// The server renders the event-zone time; this only adds, so the page reads fine without JavaScript.
const body = document.body;
const eventZone = body.dataset.eventTimezone || "Europe/Paris";
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const label = body.dataset.labelLocal || "your time";

function sameClock(date) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const inEvent = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: eventZone }).format(date);
  const inViewer = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: viewerZone }).format(date);
  return inEvent === inViewer;
}

if (viewerZone && viewerZone !== eventZone) {
  const lang = document.documentElement.lang || "fr";
  const format = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", timeZone: viewerZone });
  for (const element of document.querySelectorAll("time[data-local]")) {
    const date = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(date.getTime()) || sameClock(date)) continue;
    const local = document.createElement("span");
    local.className = "local-time";
    local.textContent = ` (${format.format(date)} ${label})`;
    local.title = viewerZone;
    element.after(local);
  }
}

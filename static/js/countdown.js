// The countdown before a session starts, from the <time datetime> the server rendered. The page already says
// when it starts; this only adds the time left, and a way to the stream once it has begun.
const box = document.querySelector("[data-countdown]");
const target = box && box.querySelector("time[data-countdown-target]");
const output = box && box.querySelector(".countdown-value");

function pad(value) {
  return String(value).padStart(2, "0");
}

function left(milliseconds, lang) {
  const seconds = Math.floor(milliseconds / 1000);
  const days = Math.floor(seconds / 86400);
  const clock = `${pad(Math.floor((seconds % 86400) / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  if (days === 0) return clock;
  // Intl names the unit in the page's language ("2 jours", "2 days"), so no word needs translating here.
  const dayText = new Intl.NumberFormat(lang, { style: "unit", unit: "day", unitDisplay: "long" }).format(days);
  return `${dayText} ${clock}`;
}

function started() {
  output.replaceChildren();
  output.append(document.createTextNode(`${box.dataset.started} `));
  const link = document.createElement("a");
  link.href = window.location.pathname;
  link.textContent = box.dataset.reload;
  output.append(link);
}

if (box && target && output) {
  const startsAt = new Date(target.getAttribute("datetime")).getTime();
  const lang = document.documentElement.lang || "fr";
  if (!Number.isNaN(startsAt)) {
    output.hidden = false;
    const tick = () => {
      const remaining = startsAt - Date.now();
      if (remaining <= 0) {
        started();
        return;
      }
      output.textContent = box.dataset.label.replace("{time}", left(remaining, lang));
      // Wake on the next whole second, so the seconds change evenly.
      setTimeout(tick, (remaining % 1000) || 1000);
    };
    tick();
  }
}

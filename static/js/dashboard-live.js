// The dashboard's live tile: asks the server for the live figures every 15 seconds (any worker can answer:
// they come from the database) and writes them into the tile. Polling pauses while the tab is hidden.
const tile = document.querySelector("[data-live-url]");
const EVERY_MS = tile ? Number(tile.dataset.liveEvery || 15) * 1000 : 0;
let timer = null;

function show(figures) {
  for (const name of ["online", "rooms_live", "in_rooms"]) {
    const cell = tile.querySelector(`[data-live="${name}"]`);
    if (cell && Number.isInteger(figures[name])) {
      cell.textContent = String(figures[name]);
    }
  }
  const status = tile.querySelector('[data-live="status"]');
  if (status && figures.at) {
    status.textContent = new Date(figures.at).toLocaleTimeString(document.documentElement.lang || undefined);
  }
}

async function poll() {
  timer = null;
  try {
    const response = await fetch(tile.dataset.liveUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
    });
    if (response.ok) {
      show(await response.json());
    }
  } catch {
    // A network hiccup: the next poll tries again.
  }
  schedule();
}

function schedule() {
  if (timer === null && !document.hidden) {
    timer = setTimeout(poll, EVERY_MS);
  }
}

if (tile && EVERY_MS > 0) {
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else {
      poll();
    }
  });
  schedule();
}

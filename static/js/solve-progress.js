// The scheduler run's progress bar: asks the server for the run's progress every second (any worker can
// answer: progress is stored with the run) and reloads the page when the run ends, to show its review.
const box = document.querySelector("[data-solve-progress]");
const bar = box && box.querySelector("progress");
const text = box && box.querySelector("[data-progress-text]");
const EVERY_MS = 1000;

async function poll() {
  try {
    const response = await fetch(box.dataset.solveProgress, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
    });
    if (response.ok) {
      const progress = await response.json();
      bar.value = progress.fraction;
      bar.textContent = `${Math.round(progress.fraction * 100)} %`;
      text.textContent = progress.text;
      if (progress.done) {
        window.location.reload();
        return;
      }
    }
  } catch {
    // A network hiccup: the next poll tries again.
  }
  setTimeout(poll, EVERY_MS);
}

if (box && bar && text) {
  setTimeout(poll, EVERY_MS);
}

// A background job's progress bar (the scheduler's runs, the large exports): asks for the job's progress every
// second (any worker can answer: the progress is stored with the job) until it is done, then calls `onDone`.
const EVERY_MS = 1000;

export function followProgress(box, url, onDone) {
  const bar = box && box.querySelector("progress");
  const text = box && box.querySelector("[data-progress-text]");
  if (!bar || !text) {
    return;
  }
  async function poll() {
    try {
      const response = await fetch(url, {
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
          onDone(progress);
          return;
        }
      }
    } catch {
      // A network hiccup: the next poll tries again.
    }
    setTimeout(poll, EVERY_MS);
  }
  setTimeout(poll, EVERY_MS);
}

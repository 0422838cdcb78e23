// A background export's progress bar: asks for the job's progress every second (any worker can answer: the
// progress is stored with the job) and shows the download link once the file is ready.
const box = document.querySelector("[data-export-progress]");
const bar = box && box.querySelector("progress");
const text = box && box.querySelector("[data-progress-text]");
const download = box && box.querySelector("[data-progress-download]");
const EVERY_MS = 1000;

async function poll() {
  try {
    const response = await fetch(box.dataset.exportProgress, {
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
        download.hidden = !progress.download;
        return;
      }
    }
  } catch {
    // A network hiccup: the next poll tries again.
  }
  setTimeout(poll, EVERY_MS);
}

if (box && bar && text && download) {
  setTimeout(poll, EVERY_MS);
}

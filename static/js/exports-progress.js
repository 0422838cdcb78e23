// A background export: once the file is ready, its download link shows.
import { followProgress } from "./progress.js";

const box = document.querySelector("[data-export-progress]");
const download = box && box.querySelector("[data-progress-download]");
if (box && download) {
  followProgress(box, box.dataset.exportProgress, (progress) => {
    download.hidden = !progress.download;
  });
}

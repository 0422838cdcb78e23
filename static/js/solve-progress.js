// A scheduler run: when it ends, the page reloads to show its review.
import { followProgress } from "./progress.js";

const box = document.querySelector("[data-solve-progress]");
if (box) {
  followProgress(box, box.dataset.solveProgress, () => window.location.reload());
}

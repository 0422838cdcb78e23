// The printable programme's Print button: hidden until this module runs, since it needs script.
const button = document.querySelector("[data-print]");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}

// Video uploads with a progress bar: the chosen file is sent as the raw body of a PUT (no multipart
// encoding, so the server streams it straight to storage), with the page's CSRF token in a header. The
// server checks everything again; the size and type checks here spare a long upload that would be refused
// (and a browser may report a refusal sent before the end of the upload as a mere network error).

// MP4: an "ftyp" box at offset 4; WebM: the EBML magic number (the server also reads the DocType).
const looksLikeVideo = async (file) => {
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const ftyp = String.fromCharCode(...head.slice(4, 8)) === "ftyp";
  const ebml = head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3;
  return ftyp || ebml;
};

for (const form of document.querySelectorAll("form[data-upload]")) {
  const input = form.querySelector('input[type="file"]');
  const progress = form.querySelector("[data-upload-progress]");
  const status = form.querySelector("[data-upload-status]");
  const button = form.querySelector("[data-upload-button]");
  const cancel = form.querySelector("[data-upload-cancel]");
  const token = form.querySelector('input[name="csrf_token"]').value;
  const maxBytes = Number(form.dataset.maxBytes);
  let request = null;
  // Disabled in the page: without this script, the form could not send the file.
  button.disabled = false;

  const say = (text, isError = false) => {
    status.textContent = text;
    status.classList.toggle("error", isError);
  };
  const idle = () => {
    request = null;
    button.disabled = false;
    input.disabled = false;
    cancel.hidden = true;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = input.files[0];
    if (!file) {
      say(form.dataset.choose, true);
      return;
    }
    if (maxBytes && file.size > maxBytes) {
      say(form.dataset.tooLarge, true);
      return;
    }
    if (!(await looksLikeVideo(file))) {
      say(form.dataset.notVideo, true);
      return;
    }
    request = new XMLHttpRequest();
    request.open("PUT", form.action);
    request.setRequestHeader("X-CSRF-Token", token);
    request.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    request.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
    request.responseType = "json";
    request.upload.onprogress = (progressEvent) => {
      if (!progressEvent.lengthComputable) return;
      const percent = Math.floor((progressEvent.loaded / progressEvent.total) * 100);
      progress.value = percent;
      say(`${percent} %`);
    };
    request.onload = () => {
      const answer = request.response || {};
      if (request.status >= 200 && request.status < 300 && answer.redirect) {
        progress.value = 100;
        say(form.dataset.done);
        window.location.assign(answer.redirect);
        return;
      }
      say(answer.error || form.dataset.failed, true);
      idle();
    };
    request.onerror = () => {
      say(form.dataset.failed, true);
      idle();
    };
    request.onabort = () => {
      say("");
      progress.hidden = true;
      idle();
    };
    progress.value = 0;
    progress.hidden = false;
    button.disabled = true;
    input.disabled = true;
    cancel.hidden = false;
    say("0 %");
    request.send(file);
  });

  cancel.addEventListener("click", () => {
    if (request) request.abort();
  });
}

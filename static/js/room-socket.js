// A room's WebSocket that comes back by itself. After a drop it waits an exponentially growing delay with
// jitter (so that a thousand pages cut off at once do not all knock at the same instant), capped at ten
// seconds, and reconnects to the address `url()` gives at that moment (the room resumes after its last seq).
// A close code of the application's range (4000-4999: signed out, session cancelled) is final: no reconnect,
// `onEnd(code)` says why.

const BASE_DELAY = 500;
const MAX_DELAY = 10_000;

export class RoomSocket {
  constructor({ url, onMessage, onDown, onEnd }) {
    this.url = url;
    this.onMessage = onMessage;
    this.onDown = onDown;
    this.onEnd = onEnd;
    this.ended = false;
    this.socket = null;
    this.failures = 0;
    this.timer = null;
  }

  start() {
    this.connect();
    // The browser knows before the socket does: go straight to reconnecting, and retry at once when back.
    window.addEventListener("offline", () => this.drop());
    window.addEventListener("online", () => this.retryNow());
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) this.retryNow();
    });
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(message) {
    if (!this.isOpen) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  // Called by the room once the server has welcomed it: only then is the connection known to work.
  healthy() {
    this.failures = 0;
  }

  connect() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.socket !== null || this.ended) return;
    let socket;
    try {
      socket = new WebSocket(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      if (this.socket === socket) this.onMessage(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (event.code >= 4000 && event.code < 5000) {
        this.ended = true;
        clearTimeout(this.timer);
        this.onEnd(event.code);
        return;
      }
      this.onDown(this.failures);
      this.scheduleRetry();
    });
  }

  // Forgets the current socket without waiting for its closing handshake, which never ends while offline.
  drop() {
    const socket = this.socket;
    if (socket === null || this.ended) return;
    this.socket = null;
    try {
      socket.close();
    } catch {
      // Already closed.
    }
    this.onDown(this.failures);
    this.scheduleRetry();
  }

  retryNow() {
    if (this.socket === null && !this.ended) this.connect();
  }

  scheduleRetry() {
    if (this.timer !== null || this.ended) return;
    const ceiling = Math.min(MAX_DELAY, BASE_DELAY * 2 ** this.failures);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.failures += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

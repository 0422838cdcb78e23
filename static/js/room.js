// The live room of a session page: chat, questions and polls over /ws/rooms/<id>.
//
// The server numbers every event of a room. The page keeps the last number it has applied: an event at or
// below it is a duplicate and is skipped, and after a drop the page reconnects with ?after=<that number> to
// get exactly what it missed. Chat messages are also kept by id, questions and polls are replaced by id, so
// that applying anything twice changes nothing. Posts carry a client_id and are sent again, unchanged, after
// a reconnect until the server acknowledges them; the server stores each client_id once.
import { RoomSocket } from "./room-socket.js";
import { el, newId, richText, translator } from "./room-dom.js";

const HISTORY_PAGE = 100; // what the server sends per snapshot or history request
const TRIM_ABOVE = 400; // a long-open page forgets the oldest messages (they can be loaded again)
const TRIM_TO = 200;
const NEAR_EDGE = 48; // pixels: "at the bottom", "at the top"
const MUTE_MINUTES = 10;
const MAX_POLL_OPTIONS = 6;
const LONG_RECONNECT = 5; // failed attempts before the page suggests reloading
const SESSION_CANCELLED = 4410; // the server's close codes (live/hub.py); any other of 4000-4999: signed out

const root = document.getElementById("room");
if (root) startRoom(root);

function startRoom(root) {
  const t = translator(JSON.parse(root.dataset.strings || "{}"));
  const lang = document.documentElement.lang || "fr";
  const clockFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
  const percentFormat = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  const find = (selector) => root.querySelector(selector);

  const ui = {
    body: find("[data-room-body]"),
    status: find(".room-status"),
    presence: find(".room-presence"),
    announcement: find(".room-announcement"),
    tabs: [...root.querySelectorAll("[role=tab]")],
    chatScroll: find(".chat-scroll"),
    chatList: find(".chat-list"),
    chatPending: find(".chat-pending"),
    historyNote: find("[data-history-note]"),
    newMessages: find("[data-action=scroll-bottom]"),
    chatForm: find("[data-form=chat]"),
    questionForm: find("[data-form=question]"),
    questionList: find(".question-list"),
    pollForm: find("[data-form=poll]"),
    pollOptions: find("[data-poll-options]"),
    pollList: find(".poll-list"),
    toggleChat: find("[data-action=toggle-chat]"),
    toggleModerated: find("[data-action=toggle-moderated]"),
  };

  const state = {
    roomId: Number(root.dataset.room),
    lastSeq: 0,
    me: null,
    moderator: false,
    welcomed: false,
    ended: root.dataset.state === "ended",
    // Why the server closed the room for good (signed out, session cancelled); "" while it is open.
    closedBy: "",
    chatClosed: false,
    moderated: false,
    mutedUntil: null,
    messageIds: new Set(),
    deletedIds: new Set(),
    historyDone: false,
    historyLoading: false,
    questions: new Map(),
    myQuestionVotes: new Set(),
    polls: new Map(),
    myPollVotes: new Map(),
    // client_id -> { payload, area, retry, node?, input?, onAck?, onError? }: sent, not yet answered.
    pending: new Map(),
  };

  const socket = new RoomSocket({
    url: () => {
      const url = new URL(`/ws/rooms/${state.roomId}`, window.location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      if (state.lastSeq > 0) url.search = `?after=${state.lastSeq}`;
      return url.href;
    },
    onMessage: receive,
    onDown: (failures) => {
      state.welcomed = false;
      state.historyLoading = false;
      setStatus("reconnecting", failures >= LONG_RECONNECT ? t("reconnectingLong") : t("reconnecting"));
    },
    onEnd: (code) => {
      state.welcomed = false;
      state.historyLoading = false;
      state.closedBy = code === SESSION_CANCELLED ? t("cancelledRoom") : t("signedOut");
      setStatus("closed", state.closedBy);
      renderRoomState();
      renderHistoryNote();
    },
  });

  // --- messages from the server ------------------------------------------------------------------------

  function receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    switch (message.type) {
      case "welcome":
        welcome(message);
        break;
      case "snapshot":
        snapshot(message);
        break;
      case "event":
        applyEvent(message);
        break;
      case "presence":
        setPresence(message.count);
        break;
      case "ack":
        settle(message.client_id, message);
        break;
      case "error":
        refused(message);
        break;
      case "history":
        history(message.messages || []);
        break;
      case "rights":
        // A fresh snapshot follows: what a moderator sees, or no longer sees.
        state.moderator = Boolean(message.moderator);
        renderRoomState();
        break;
      default:
        break;
    }
  }

  function welcome(message) {
    socket.healthy();
    state.welcomed = true;
    state.me = message.user;
    state.moderator = Boolean(message.moderator);
    setPresence(message.presence);
    setStatus("connected", "");
    for (const node of root.querySelectorAll(".room-error.info")) hideError(node);
    // Posts that got no answer before the drop go again, with the same client_id: stored at most once.
    for (const [clientId, entry] of state.pending) {
      if (entry.retry) socket.send(entry.payload);
      else state.pending.delete(clientId);
    }
    renderRoomState();
  }

  function snapshot(message) {
    state.lastSeq = message.seq;
    state.chatClosed = Boolean(message.chat_closed);
    state.moderated = Boolean(message.moderated);
    ui.chatList.replaceChildren();
    state.messageIds.clear();
    state.deletedIds.clear();
    const messages = message.messages || [];
    ui.chatList.append(...messages.filter(remember).map(messageNode));
    state.historyDone = messages.length < HISTORY_PAGE;
    state.questions = new Map((message.questions || []).map((q) => [q.id, q]));
    state.myQuestionVotes = new Set(message.my_question_votes || []);
    state.polls = new Map((message.polls || []).map((p) => [p.id, p]));
    state.myPollVotes = new Map(Object.entries(message.my_poll_votes || {}).map(([k, v]) => [Number(k), v]));
    ui.questionList.replaceChildren();
    ui.pollList.replaceChildren();
    renderQuestions();
    renderPolls();
    renderRoomState();
    renderHistoryNote();
    if (message.announcement) announce(message.announcement);
    scrollToBottom();
  }

  function applyEvent(message) {
    // Sequence numbers only grow: anything at or below the last one applied was seen already.
    if (typeof message.seq !== "number" || message.seq <= state.lastSeq) return;
    state.lastSeq = message.seq;
    if (message.client_id) settle(message.client_id, message);
    const event = message.event || {};
    switch (event.type) {
      case "chat.message":
        liveMessage(event.message);
        break;
      case "chat.deleted":
        deleteMessage(event.message_id);
        break;
      case "question.updated":
        state.questions.set(event.question.id, event.question);
        renderQuestions();
        markTab("questions");
        break;
      case "poll.updated":
        state.polls.set(event.poll.id, event.poll);
        renderPolls();
        markTab("polls");
        break;
      case "room.updated":
        state.chatClosed = Boolean(event.chat_closed);
        state.moderated = Boolean(event.moderated);
        renderRoomState();
        break;
      case "user.muted":
        muted(event);
        break;
      case "announcement":
        announce(event);
        break;
      default:
        break;
    }
  }

  function settle(clientId, message) {
    const entry = state.pending.get(clientId);
    if (!entry) return;
    state.pending.delete(clientId);
    if (entry.node) entry.node.remove();
    if (entry.onAck) entry.onAck(message);
  }

  function refused(message) {
    if (state.historyLoading && message.code === "rate_limited") {
      state.historyLoading = false;
      renderHistoryNote();
    }
    const entry = message.client_id ? state.pending.get(message.client_id) : null;
    if (!entry) {
      showError(currentTab() === "chat" ? "chat" : currentTab() === "polls" ? "polls" : "question", message.message);
      return;
    }
    state.pending.delete(message.client_id);
    if (entry.node) entry.node.remove();
    // The refused text goes back where it was written, so that nothing typed is lost.
    if (entry.input && !entry.input.value.trim()) entry.input.value = entry.payload.body;
    if (entry.onError) entry.onError(message);
    showError(entry.area, message.message);
  }

  // --- sending -----------------------------------------------------------------------------------------

  // Chat messages and questions: kept until acknowledged, sent again after a reconnect.
  function post(type, body, area, input, node) {
    const clientId = newId();
    const payload = { type, client_id: clientId, body };
    state.pending.set(clientId, { payload, area, retry: true, input, node });
    hideError(errorNode(area));
    if (!(state.welcomed && socket.send(payload))) showError(area, t("queued"), "info");
  }

  // Votes and moderation: sent once, now, or refused with a message (the room's state tells the outcome).
  function act(payload, area, callbacks = {}) {
    const clientId = newId();
    const message = { ...payload, client_id: clientId };
    if (!(state.welcomed && socket.send(message))) {
      showError(area, t("notConnected"));
      return false;
    }
    hideError(errorNode(area));
    state.pending.set(clientId, { payload: message, area, retry: false, ...callbacks });
    return true;
  }

  // --- chat ----------------------------------------------------------------------------------------------

  function remember(message) {
    if (state.messageIds.has(message.id) || state.deletedIds.has(message.id)) return false;
    state.messageIds.add(message.id);
    return true;
  }

  function messageNode(message) {
    const mine = state.me && message.author_id === state.me.id;
    const node = el(
      "li",
      { class: mine ? "chat-message mine" : "chat-message", dataset: { id: message.id, author: message.author_id } },
      el(
        "p",
        { class: "msg-head" },
        el("span", { class: "msg-author", text: message.author }),
        " ",
        el("time", { class: "msg-time", datetime: message.at, text: clock(message.at) }),
      ),
      el("p", { class: "msg-body" }, richText(message.body)),
    );
    if (state.moderator) {
      const tools = el(
        "p",
        { class: "msg-tools" },
        el("button", {
          type: "button",
          class: "link",
          dataset: { action: "delete" },
          "aria-label": t("deleteLabel", { name: message.author }),
          text: t("delete"),
        }),
      );
      if (!mine) {
        tools.append(
          " · ",
          el("button", {
            type: "button",
            class: "link",
            dataset: { action: "mute" },
            "aria-label": t("muteLabel", { name: message.author }),
            text: t("mute"),
          }),
        );
      }
      node.append(tools);
    }
    return node;
  }

  function messageId(node) {
    return Number(node.dataset.id);
  }

  function liveMessage(message) {
    if (!message || !remember(message)) return;
    const stick = atBottom() || (state.me && message.author_id === state.me.id);
    const node = messageNode(message);
    const last = ui.chatList.lastElementChild;
    if (!last || messageId(last) < message.id) {
      ui.chatList.append(node);
    } else {
      const after = [...ui.chatList.children].find((child) => messageId(child) > message.id);
      ui.chatList.insertBefore(node, after);
    }
    if (ui.chatList.childElementCount === 1) renderHistoryNote();
    if (stick) {
      trimOldest();
      scrollToBottom();
    } else {
      ui.newMessages.hidden = false;
    }
    markTab("chat");
  }

  function deleteMessage(id) {
    state.deletedIds.add(id);
    state.messageIds.delete(id);
    const node = ui.chatList.querySelector(`[data-id="${Number(id)}"]`);
    if (node) node.remove();
    renderHistoryNote();
  }

  // Keeps a page that stays open all day light; what goes can come back through the history.
  function trimOldest() {
    if (ui.chatList.childElementCount <= TRIM_ABOVE) return;
    while (ui.chatList.childElementCount > TRIM_TO) {
      const first = ui.chatList.firstElementChild;
      state.messageIds.delete(messageId(first));
      first.remove();
    }
    state.historyDone = false;
    renderHistoryNote();
  }

  function oldestId() {
    const first = ui.chatList.firstElementChild;
    return first ? messageId(first) : null;
  }

  function askHistory() {
    const before = oldestId();
    if (state.historyDone || state.historyLoading || before === null || !state.welcomed) return;
    if (socket.send({ type: "history", before })) {
      state.historyLoading = true;
      renderHistoryNote();
    }
  }

  function history(messages) {
    state.historyLoading = false;
    if (messages.length < HISTORY_PAGE) state.historyDone = true;
    const first = ui.chatList.firstElementChild;
    const older = messages.filter((m) => (!first || m.id < messageId(first)) && remember(m));
    // Keep the reader's place: the list grows above what they are looking at.
    const fromBottom = ui.chatScroll.scrollHeight - ui.chatScroll.scrollTop;
    ui.chatList.prepend(...older.map(messageNode));
    ui.chatScroll.scrollTop = ui.chatScroll.scrollHeight - fromBottom;
    renderHistoryNote();
  }

  function renderHistoryNote() {
    const note = ui.historyNote;
    if (state.historyLoading) note.textContent = t("loadingHistory");
    else if (ui.chatList.childElementCount) note.textContent = state.historyDone ? t("historyStart") : "";
    else note.textContent = state.ended ? t("noMessagesEnded") : t("noMessages");
    note.hidden = note.textContent === "";
  }

  function atBottom() {
    const scroll = ui.chatScroll;
    return scroll.scrollHeight - scroll.scrollTop - scroll.clientHeight < NEAR_EDGE;
  }

  function scrollToBottom() {
    ui.chatScroll.scrollTop = ui.chatScroll.scrollHeight;
    ui.newMessages.hidden = true;
  }

  function muted(event) {
    const until = clock(event.until);
    if (state.me && event.user_id === state.me.id) {
      state.mutedUntil = new Date(event.until);
      renderRoomState();
      const left = state.mutedUntil.getTime() - Date.now();
      if (left > 0 && left < 2 ** 31 - 1) setTimeout(renderRoomState, left + 500);
    } else {
      showError("chat", t("mutedOther", { name: event.name, time: until }), "info");
    }
  }

  function announce(event) {
    const box = ui.announcement;
    box.querySelector(".announcement-author").textContent = t("announcement", { name: event.author || "" });
    const body = box.querySelector(".announcement-body");
    body.replaceChildren(richText(event.body || ""));
    box.hidden = false;
  }

  // --- questions -----------------------------------------------------------------------------------------

  const QUESTION_RANK = { pinned: 0, pending: 1, approved: 1, answered: 2 };

  function visibleQuestions() {
    return [...state.questions.values()]
      .filter((q) => q.status in QUESTION_RANK)
      .sort((a, b) => QUESTION_RANK[a.status] - QUESTION_RANK[b.status] || b.votes - a.votes || a.id - b.id);
  }

  function questionNode(question) {
    const voted = state.myQuestionVotes.has(question.id);
    const votable = !state.ended && (question.status === "approved" || question.status === "pinned");
    const node = el("li", { class: `question status-${question.status}`, dataset: { id: question.id } });
    const statusLabel = { pending: t("pending"), pinned: t("pinned"), answered: t("answered") }[question.status];
    node.append(
      el(
        "div",
        { class: "q-vote" },
        el("button", {
          type: "button",
          class: voted ? "vote voted" : "vote",
          dataset: { action: "vote" },
          "aria-label": voted ? t("upvoted") : t("upvote"),
          title: voted ? t("upvoted") : t("upvote"),
          "aria-pressed": voted ? "true" : "false",
          disabled: voted || !votable,
          text: "▲",
        }),
        el("span", { class: "vote-count" }, el("span", { class: "visually-hidden", text: `${t("votes")} ` }), String(question.votes)),
      ),
      el(
        "div",
        { class: "q-main" },
        el("p", { class: "q-body" }, richText(question.body)),
        el(
          "p",
          { class: "q-meta" },
          el("span", { class: "q-author", text: question.author }),
          " · ",
          el("time", { datetime: question.at, text: clock(question.at) }),
          statusLabel ? el("span", { class: `badge q-status ${question.status}`, text: statusLabel }) : null,
        ),
        state.moderator ? questionTools(question) : null,
      ),
    );
    return node;
  }

  function questionTools(question) {
    const actions = {
      pending: ["approve", "dismiss"],
      approved: ["pin", "answer", "dismiss"],
      pinned: ["answer", "dismiss"],
      answered: ["pin", "dismiss"],
    }[question.status] || [];
    const tools = el("p", { class: "q-tools" });
    for (const action of actions) {
      tools.append(
        el("button", { type: "button", class: "button secondary small", dataset: { action, moderate: action }, text: t(action) }),
      );
    }
    return tools;
  }

  function renderQuestions() {
    rebuildKeeping(ui.questionList, () => {
      const questions = visibleQuestions();
      ui.questionList.replaceChildren(...questions.map(questionNode));
      if (!questions.length) ui.questionList.append(el("li", { class: "empty", text: t("noQuestions") }));
    });
  }

  // --- polls ---------------------------------------------------------------------------------------------

  function pollNode(poll) {
    const mine = state.myPollVotes.get(poll.id);
    const canVote = poll.is_open && mine === undefined && !state.ended;
    const total = poll.counts.reduce((sum, count) => sum + count, 0);
    const node = el(
      "li",
      { class: poll.is_open ? "poll open" : "poll closed", dataset: { id: poll.id } },
      el(
        "p",
        { class: "poll-question" },
        el("span", { text: poll.question }),
        " ",
        el("span", { class: `badge poll-state ${poll.is_open ? "open" : "closed"}`, text: poll.is_open ? t("pollOpen") : t("pollClosed") }),
      ),
    );
    if (canVote) {
      const choices = el("div", { class: "poll-choices", role: "group", "aria-label": poll.question });
      poll.options.forEach((option, index) => {
        choices.append(
          el("button", { type: "button", class: "button secondary small", dataset: { action: "poll-vote", option: index }, text: option }),
        );
      });
      node.append(choices);
    }
    // Results once one has voted (or cannot any more), and always for moderators.
    if (!canVote || state.moderator) {
      const results = el("ul", { class: "poll-results" });
      poll.options.forEach((option, index) => {
        const count = poll.counts[index] || 0;
        const share = total ? count / total : 0;
        const fill = el("span", { class: "poll-fill" });
        fill.style.width = `${Math.round(share * 100)}%`; // CSSOM, which the style-src policy allows
        results.append(
          el(
            "li",
            { class: index === mine ? "poll-result mine" : "poll-result" },
            el(
              "span",
              { class: "poll-label" },
              option,
              index === mine ? el("span", { class: "poll-mine", text: ` (${t("pollYourVote")})` }) : null,
            ),
            el("span", { class: "poll-count", text: `${count} · ${percentFormat.format(share)}` }),
            el("span", { class: "poll-bar", "aria-hidden": "true" }, fill),
          ),
        );
      });
      node.append(results, el("p", { class: "poll-total help", text: t("pollTotal", { n: total }) }));
    }
    if (state.moderator && poll.is_open && !state.ended) {
      node.append(
        el("p", {}, el("button", { type: "button", class: "button danger small", dataset: { action: "poll-close" }, text: t("pollClose") })),
      );
    }
    return node;
  }

  function renderPolls() {
    rebuildKeeping(ui.pollList, () => {
      const polls = [...state.polls.values()].sort((a, b) => Number(b.is_open) - Number(a.is_open) || b.id - a.id);
      ui.pollList.replaceChildren(...polls.map(pollNode));
      if (!polls.length) ui.pollList.append(el("li", { class: "empty", text: t("noPolls") }));
    });
  }

  function addPollOption() {
    const count = ui.pollOptions.querySelectorAll("input").length;
    if (count >= MAX_POLL_OPTIONS) return;
    const number = count + 1;
    const id = `room-poll-option-${number}`;
    const row = el(
      "span",
      { class: "poll-option-row" },
      el("label", { for: id, class: "visually-hidden", text: t("pollOption", { n: number }) }),
      el("input", { id, name: "option", maxlength: 120, placeholder: t("pollOption", { n: number }) }),
      el("button", { type: "button", class: "link", dataset: { action: "remove-option" }, "aria-label": t("removeOption"), text: "✕" }),
    );
    ui.pollOptions.append(row);
    row.querySelector("input").focus();
    renderPollForm();
  }

  function renderPollForm() {
    const count = ui.pollOptions.querySelectorAll("input").length;
    ui.pollForm.querySelector("[data-action=add-option]").hidden = count >= MAX_POLL_OPTIONS;
  }

  function resetPollForm() {
    ui.pollForm.reset();
    for (const row of ui.pollOptions.querySelectorAll(".poll-option-row")) row.remove();
    renderPollForm();
  }

  // --- the room as a whole -------------------------------------------------------------------------------

  function renderRoomState() {
    const muted = state.mutedUntil && state.mutedUntil.getTime() > Date.now();
    for (const node of root.querySelectorAll("[data-moderator-only]")) {
      node.hidden = !state.moderator || state.ended;
    }
    ui.chatForm.hidden = state.ended || state.closedBy !== "";
    ui.questionForm.hidden = state.ended || state.closedBy !== "";
    const chatInput = ui.chatForm.querySelector("textarea");
    chatInput.disabled = state.chatClosed && !state.moderator;
    let chatNote = "";
    if (state.ended) chatNote = t("ended");
    else if (state.chatClosed) chatNote = state.moderator ? t("chatClosedModerator") : t("chatClosed");
    else if (muted) chatNote = t("mutedMe", { time: clock(state.mutedUntil.toISOString()) });
    setNote("chat", chatNote);
    setNote("questions", state.ended ? t("ended") : state.moderated ? t("moderated") : "");
    ui.toggleChat.textContent = state.chatClosed ? t("openChat") : t("closeChat");
    ui.toggleModerated.textContent = state.moderated ? t("moderateOff") : t("moderateOn");
    ui.toggleModerated.setAttribute("aria-pressed", state.moderated ? "true" : "false");
  }

  function setNote(name, text) {
    const note = find(`[data-note="${name}"]`);
    note.textContent = text;
    note.hidden = text === "";
  }

  function setStatus(name, text) {
    ui.status.dataset.state = name;
    ui.status.textContent = text;
  }

  function setPresence(count) {
    if (typeof count !== "number") return;
    ui.presence.textContent = t("presence", { n: count });
    ui.presence.hidden = false;
  }

  function errorNode(area) {
    return find(`[data-error="${area}"]`);
  }

  function showError(area, text, kind = "error") {
    const node = errorNode(area);
    if (!node || !text) return;
    node.textContent = text;
    node.classList.toggle("info", kind === "info");
    node.hidden = false;
  }

  function hideError(node) {
    if (!node) return;
    node.hidden = true;
    node.textContent = "";
    node.classList.remove("info");
  }

  function clock(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? "" : clockFormat.format(date);
  }

  // Lists are rebuilt from the state on each change; the button that had the focus gets it back.
  function rebuildKeeping(list, rebuild) {
    const active = document.activeElement;
    const kept = list.contains(active) && active.dataset.action
      ? { id: active.closest("li")?.dataset.id, action: active.dataset.action }
      : null;
    rebuild();
    if (!kept) return;
    const item = list.querySelector(`li[data-id="${Number(kept.id)}"]`);
    const target = item && (item.querySelector(`[data-action="${kept.action}"]:not([disabled])`) || item.querySelector("button:not([disabled])"));
    if (target) target.focus();
  }

  // --- tabs ----------------------------------------------------------------------------------------------

  function currentTab() {
    return ui.tabs.find((tab) => tab.getAttribute("aria-selected") === "true").dataset.tab;
  }

  function selectTab(name, focus = false) {
    for (const tab of ui.tabs) {
      const selected = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      find(`[data-panel="${tab.dataset.tab}"]`).hidden = !selected;
      if (selected) {
        tab.querySelector(".tab-dot").hidden = true;
        if (focus) tab.focus();
      }
    }
    if (name === "chat" && !ui.newMessages.hidden) scrollToBottom();
  }

  function markTab(name) {
    if (currentTab() === name) return;
    ui.tabs.find((tab) => tab.dataset.tab === name).querySelector(".tab-dot").hidden = false;
  }

  // --- wiring --------------------------------------------------------------------------------------------

  function submitOnEnter(textarea) {
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        textarea.form.requestSubmit();
      }
    });
  }

  function wire() {
    for (const tab of ui.tabs) {
      tab.addEventListener("click", () => selectTab(tab.dataset.tab));
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        const index = (ui.tabs.indexOf(tab) + step + ui.tabs.length) % ui.tabs.length;
        selectTab(ui.tabs[index].dataset.tab, true);
      });
    }

    const chatInput = ui.chatForm.querySelector("textarea");
    submitOnEnter(chatInput);
    ui.chatForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = chatInput.value.trim();
      if (!body) return;
      const node = el("li", { class: "chat-message pending" }, el("p", { class: "msg-body", text: body }), el("p", { class: "msg-head", text: t("sending") }));
      ui.chatPending.append(node);
      post("chat.post", body, "chat", chatInput, node);
      chatInput.value = "";
      scrollToBottom();
    });

    const questionInput = ui.questionForm.querySelector("textarea");
    submitOnEnter(questionInput);
    ui.questionForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = questionInput.value.trim();
      if (!body) return;
      post("question.ask", body, "question", questionInput, null);
      questionInput.value = "";
    });

    ui.chatScroll.addEventListener("scroll", () => {
      if (ui.chatScroll.scrollTop < NEAR_EDGE) askHistory();
      if (atBottom()) ui.newMessages.hidden = true;
    }, { passive: true });
    ui.newMessages.addEventListener("click", scrollToBottom);

    ui.chatList.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const item = button.closest("li");
      if (button.dataset.action === "delete") {
        act({ type: "chat.delete", message_id: messageId(item) }, "chat");
      } else if (button.dataset.action === "mute") {
        act({ type: "user.mute", user_id: Number(item.dataset.author), minutes: MUTE_MINUTES }, "chat");
      }
    });

    ui.questionList.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const id = Number(button.closest("li").dataset.id);
      if (button.dataset.action === "vote") {
        if (state.myQuestionVotes.has(id)) return;
        const sent = act({ type: "question.vote", question_id: id }, "question", {
          onError: (error) => {
            if (error.code !== "already_voted") state.myQuestionVotes.delete(id);
            renderQuestions();
          },
        });
        if (sent) {
          state.myQuestionVotes.add(id);
          renderQuestions();
        }
      } else if (button.dataset.moderate) {
        act({ type: "question.moderate", question_id: id, action: button.dataset.moderate }, "question");
      }
    });

    ui.pollList.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const id = Number(button.closest("li").dataset.id);
      if (button.dataset.action === "poll-vote") {
        const option = Number(button.dataset.option);
        const sent = act({ type: "poll.vote", poll_id: id, option }, "polls", {
          onError: (error) => {
            if (error.code !== "already_voted") state.myPollVotes.delete(id);
            renderPolls();
          },
        });
        if (sent) {
          state.myPollVotes.set(id, option);
          renderPolls();
        }
      } else if (button.dataset.action === "poll-close") {
        act({ type: "poll.close", poll_id: id }, "polls");
      }
    });

    ui.pollForm.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      if (button.dataset.action === "add-option") addPollOption();
      if (button.dataset.action === "remove-option") {
        button.closest(".poll-option-row").remove();
        renderPollForm();
      }
    });
    ui.pollForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const question = ui.pollForm.querySelector("[name=question]").value.trim();
      const options = [...ui.pollOptions.querySelectorAll("input")].map((input) => input.value.trim()).filter(Boolean);
      act({ type: "poll.open", question, options }, "poll", { onAck: resetPollForm });
    });

    ui.toggleChat.addEventListener("click", () => act({ type: "chat.close", closed: !state.chatClosed }, "chat"));
    ui.toggleModerated.addEventListener("click", () => act({ type: "room.moderated", moderated: !state.moderated }, "question"));
    ui.announcement.querySelector(".announcement-close").textContent = t("dismissAnnouncement");
    ui.announcement.querySelector(".announcement-close").addEventListener("click", () => {
      ui.announcement.hidden = true;
    });

    // The page was rendered before the end: at the end, the room becomes read-only like a reloaded page.
    const endsAt = new Date(root.dataset.endsAt).getTime();
    const untilEnd = endsAt - Date.now();
    if (!state.ended && untilEnd > 0 && untilEnd < 2 ** 31 - 1) {
      setTimeout(() => {
        state.ended = true;
        renderRoomState();
        renderHistoryNote();
        renderQuestions();
        renderPolls();
      }, untilEnd);
    }
  }

  wire();
  setStatus("connecting", t("connecting"));
  renderRoomState();
  renderPollForm();
  ui.body.hidden = false;
  socket.start();
}

// The sandbox's chat page: plain JS, no build step, no external resources.
// People, chat columns, the clock, polling; messages are drawn by view.js
// (text nodes only, never innerHTML).
"use strict";

(() => {
  const MAX_OPEN = 12;
  const S = {
    lang: "en",
    langChosen: false,
    strings: {},
    people: [],
    byId: new Map(),
    open: [],
    columns: new Map(),
    stamp: "",
    now: 0,
    nowAt: 0,
    zone: "Asia/Shanghai",
    poll: null,
    pollGen: 0,
  };

  const $ = (id) => document.getElementById(id);
  const { el, dayOf } = window.SandboxView;
  const formatTime = (seconds, withDay) => window.SandboxView.formatTime(seconds, S.zone, S.lang, withDay);
  const messageNode = (col, m, newDay) =>
    window.SandboxView.messageNode(col.id, m, newDay, {
      tr,
      zone: S.zone,
      lang: S.lang,
      press: (messageId, data, button) => press(col, messageId, data, button),
      loaded: () => keepAtBottom(col),
    });

  function tr(key, params, lang) {
    const table = S.strings[lang || S.lang] || {};
    let text = table[key] ?? (S.strings.en || {})[key] ?? key;
    for (const [name, value] of Object.entries(params || {})) {
      text = text.split("{" + name + "}").join(String(value));
    }
    return text;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function api(path, body, signal) {
    const options = { signal };
    if (body !== undefined) {
      options.method = "POST";
      options.headers = { "Content-Type": "application/json" };
      options.body = JSON.stringify(body);
    }
    const sep = path.includes("?") ? "&" : "?";
    const url = /[?&]lang=/.test(path) ? path : path + sep + "lang=" + S.lang;
    const response = await fetch(url, options);
    let data;
    try {
      data = await response.json();
    } catch (_) {
      data = { ok: false, description: response.statusText };
    }
    if (!response.ok || !data.ok) throw new Error(data.description || response.statusText);
    return data;
  }

  // ── time ──────────────────────────────────────────────────────────────
  function sandboxNow() {
    return S.now + (Date.now() - S.nowAt) / 1000;
  }

  function tickClock() {
    if (S.nowAt) $("clock-now").textContent = formatTime(sandboxNow(), true) + " · " + S.zone;
  }

  // ── a person's chat column ────────────────────────────────────────────
  function roleLine(person) {
    const role = tr("role." + person.role);
    return person.team ? role + " · " + person.team : role;
  }

  function examples(person) {
    const keys = { rep: ["try.rep"], lead: ["try.lead_question", "try.lead"], manager: ["try.manager", "try.manager_help"] };
    return (keys[person.role] || []).map((key) => tr(key, null, person.lang));
  }

  function buildColumn(person) {
    const col = { id: person.id, person, items: new Map(), last: null, boardSig: "", menuSig: "" };
    const root = el("section", "phone");
    root.dataset.user = String(person.id);
    root.dataset.role = person.role;
    const head = el("header", "phone-head");
    head.appendChild(el("div", "avatar", Array.from(person.name)[0] || "?"));
    const who = el("div", "who");
    who.appendChild(el("strong", "name", person.name));
    col.meta = el("span", "role", roleLine(person));
    who.appendChild(col.meta);
    head.appendChild(who);
    col.close = el("button", "close", "×");
    col.close.type = "button";
    col.close.title = tr("close");
    col.close.addEventListener("click", () => closeChat(person.id));
    head.appendChild(col.close);
    root.appendChild(head);

    col.msgs = el("div", "msgs");
    col.msgs.setAttribute("role", "log");
    col.msgs.setAttribute("aria-live", "polite");
    col.atBottom = true; // the reader is at the latest message (follows new ones)
    col.msgs.addEventListener("scroll", () => {
      col.atBottom = isAtBottom(col.msgs);
    });
    col.intro = el("div", "intro");
    col.msgs.appendChild(col.intro);
    root.appendChild(col.msgs);

    col.toast = el("div", "toast");
    col.toast.hidden = true;
    root.appendChild(col.toast);
    col.tries = el("div", "tries");
    root.appendChild(col.tries);
    col.menu = el("div", "cmd-menu");
    col.menu.hidden = true;
    root.appendChild(col.menu);
    col.board = el("div", "keyboard");
    root.appendChild(col.board);

    const form = el("form", "composer");
    col.cmd = el("button", "cmd", "/");
    col.cmd.type = "button";
    col.cmd.addEventListener("click", () => {
      col.menu.hidden = !col.menu.hidden;
    });
    col.input = el("textarea", "input");
    col.input.rows = 1;
    col.input.maxLength = 4096;
    col.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    col.send = el("button", "send");
    col.send.type = "submit";
    form.append(col.cmd, col.input, col.send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = col.input.value;
      if (text.trim()) sendText(col, text).then((ok) => ok && (col.input.value = ""));
    });
    root.appendChild(form);
    col.root = root;
    labelColumn(col);
    return col;
  }

  function labelColumn(col) {
    col.meta.textContent = roleLine(col.person);
    col.close.title = tr("close");
    col.cmd.title = tr("commands");
    col.input.placeholder = tr("placeholder");
    col.send.textContent = tr("send");
    col.intro.replaceChildren(el("p", "hint", tr("hint." + col.person.role)));
    col.tries.replaceChildren();
    for (const example of examples(col.person)) {
      const chip = el("button", "try", example);
      chip.type = "button";
      chip.addEventListener("click", () => sendText(col, example));
      col.tries.appendChild(chip);
    }
  }

  function isAtBottom(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  }

  // A picture (a digest chart) grows its message when it loads: a reader who was at
  // the latest message stays there; one reading further up is left where they are.
  function keepAtBottom(col) {
    if (col.atBottom) col.msgs.scrollTop = col.msgs.scrollHeight;
  }

  function renderChat(col, chat) {
    if (!chat) return;
    col.last = chat;
    const box = col.msgs;
    const nearBottom = col.atBottom || isAtBottom(box);
    let added = false;
    const seen = new Set();
    let previousDay = "";
    let anchor = col.intro;
    for (const m of chat.messages) {
      const day = dayOf(m.date, S.zone);
      const newDay = day !== previousDay;
      previousDay = day;
      const sig = JSON.stringify([m, newDay, S.lang]);
      seen.add(m.id);
      const item = col.items.get(m.id);
      if (!item) {
        const node = messageNode(col, m, newDay);
        anchor.after(node);
        col.items.set(m.id, { sig, node });
        anchor = node;
        added = true;
      } else {
        if (item.sig !== sig) {
          const node = messageNode(col, m, newDay);
          item.node.replaceWith(node); // an edit: the message changes in place
          item.node = node;
          item.sig = sig;
        }
        anchor = item.node;
      }
    }
    for (const [id, item] of col.items) {
      if (!seen.has(id)) {
        item.node.remove();
        col.items.delete(id);
      }
    }
    renderKeyboard(col, chat.keyboard || []);
    renderMenu(col, chat.commands || []);
    if (added || nearBottom) {
      box.scrollTop = box.scrollHeight;
      col.atBottom = true;
    }
  }

  function renderKeyboard(col, rows) {
    const sig = JSON.stringify(rows);
    if (sig === col.boardSig) return;
    col.boardSig = sig;
    col.board.replaceChildren();
    for (const row of rows) {
      const line = el("div", "kb-row");
      for (const label of row) {
        const key = el("button", "kb-button", label);
        key.type = "button";
        key.addEventListener("click", () => sendText(col, label));
        line.appendChild(key);
      }
      col.board.appendChild(line);
    }
  }

  function renderMenu(col, commands) {
    const sig = JSON.stringify(commands);
    if (sig === col.menuSig) return;
    col.menuSig = sig;
    col.menu.replaceChildren();
    for (const c of commands) {
      const item = el("button", "cmd-item");
      item.type = "button";
      item.appendChild(el("span", "cmd-name", "/" + c.command));
      item.appendChild(el("span", "cmd-desc", c.description));
      item.addEventListener("click", () => {
        col.menu.hidden = true;
        sendText(col, "/" + c.command);
      });
      col.menu.appendChild(item);
    }
  }

  function toast(col, text) {
    col.toast.textContent = text;
    col.toast.hidden = false;
    clearTimeout(col.toastTimer);
    col.toastTimer = setTimeout(() => {
      col.toast.hidden = true;
    }, 3000);
  }

  // ── actions ───────────────────────────────────────────────────────────
  async function sendText(col, text) {
    try {
      await api("/api/send", { user: col.id, text });
      repoll();
      return true;
    } catch (error) {
      toast(col, error.message);
      return false;
    }
  }

  async function press(col, messageId, data, button) {
    button.disabled = true;
    try {
      const result = await api("/api/press", { user: col.id, message: messageId, data });
      toast(col, result.answer || tr("pressed"));
      repoll();
    } catch (error) {
      toast(col, error.message);
    } finally {
      button.disabled = false;
    }
  }

  async function moveClock(move) {
    try {
      const result = await api("/api/clock", { move });
      S.now = result.now;
      S.nowAt = Date.now();
      tickClock();
      notice(tr("clock_moved", { time: formatTime(result.now, true) }), false);
      repoll();
    } catch (error) {
      notice(error.message, true);
    }
  }

  function notice(text, isError) {
    const box = $("notice");
    box.textContent = text || "";
    box.hidden = !text;
    box.classList.toggle("error", Boolean(isError));
    clearTimeout(S.noticeTimer);
    if (text && !isError) {
      S.noticeTimer = setTimeout(() => {
        box.hidden = true;
      }, 4000);
    }
  }

  // ── opening and closing chats ─────────────────────────────────────────
  function openChat(id) {
    const person = S.byId.get(Number(id));
    if (!person) return;
    if (S.columns.has(person.id)) {
      S.columns.get(person.id).input.focus();
      return;
    }
    if (S.open.length >= MAX_OPEN) {
      notice(tr("error.too_many"), true);
      return;
    }
    if (!S.langChosen && S.open.length === 0 && person.lang !== S.lang) {
      S.lang = person.lang; // the page speaks the first person's language until toggled
      applyLanguage();
    }
    const col = buildColumn(person);
    S.columns.set(person.id, col);
    S.open.push(person.id);
    $("chats").appendChild(col.root);
    $("empty-page").hidden = true;
    saveHash();
    repoll();
  }

  function closeChat(id) {
    const col = S.columns.get(id);
    if (!col) return;
    col.root.remove();
    S.columns.delete(id);
    S.open = S.open.filter((x) => x !== id);
    $("empty-page").hidden = S.open.length > 0;
    saveHash();
    repoll();
  }

  function saveHash() {
    const parts = [];
    if (S.open.length) parts.push("open=" + S.open.join(","));
    if (S.langChosen) parts.push("lang=" + S.lang);
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
  }

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const lang = params.get("lang");
    if (lang === "zh" || lang === "en") {
      S.lang = lang;
      S.langChosen = true;
    }
    return (params.get("open") || "").split(",").filter(Boolean).map(Number);
  }

  // ── polling ───────────────────────────────────────────────────────────
  function repoll() {
    S.pollGen += 1;
    S.stamp = "";
    if (S.poll) S.poll.abort();
  }

  async function pollLoop() {
    for (;;) {
      const generation = S.pollGen;
      const control = new AbortController();
      S.poll = control;
      const query = "/api/poll?users=" + S.open.join(",") + "&since=" + encodeURIComponent(S.stamp) + "&wait=25";
      try {
        const data = await api(query, undefined, control.signal);
        if (generation !== S.pollGen) continue; // the open chats changed meanwhile: ask again
        S.stamp = data.stamp;
        S.now = data.now;
        S.nowAt = Date.now();
        S.zone = data.zone || S.zone;
        tickClock();
        for (const [id, chat] of Object.entries(data.chats)) {
          const col = S.columns.get(Number(id));
          if (col) renderChat(col, chat);
        }
        if ($("notice").textContent === tr("offline")) notice("", false);
        document.body.dataset.ready = "1";
      } catch (error) {
        if (control.signal.aborted) continue;
        notice(tr("offline"), true);
        await sleep(1000);
      }
    }
  }

  // ── the page's own texts ──────────────────────────────────────────────
  function fillPicker() {
    const select = $("person");
    const chosen = select.value;
    select.replaceChildren();
    const groups = new Map();
    for (const p of S.people) {
      const key = p.team_id && p.role !== "manager" && p.role !== "admin" ? p.team : tr("group_management");
      if (!groups.has(key)) {
        const group = el("optgroup");
        group.label = key;
        groups.set(key, group);
        select.appendChild(group);
      }
      const option = el("option", null, p.name + " — " + roleLine(p));
      option.value = String(p.id);
      groups.get(key).appendChild(option);
    }
    if (chosen) select.value = chosen;
  }

  function applyLanguage() {
    document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
    document.title = tr("title");
    $("title").textContent = tr("title");
    $("tagline").textContent = tr("tagline");
    $("clock-label").textContent = tr("clock");
    $("clock-hour").textContent = tr("clock_hour");
    $("clock-evening").textContent = tr("clock_evening");
    $("clock-monday").textContent = tr("clock_monday");
    $("open").textContent = tr("open");
    $("lang").textContent = tr("lang_toggle");
    $("lang").title = tr("lang_toggle_hint");
    $("person").setAttribute("aria-label", tr("pick"));
    $("empty-page").textContent = tr("empty_page");
    fillPicker();
    tickClock();
    for (const col of S.columns.values()) {
      labelColumn(col);
      if (col.last) renderChat(col, col.last);
    }
  }

  async function start() {
    const wanted = readHash();
    if (!S.langChosen) S.lang = (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
    const [en, zh, people] = await Promise.all([
      api("/api/strings?lang=en").then((d) => d.strings),
      api("/api/strings?lang=zh").then((d) => d.strings),
      api("/api/people"),
    ]);
    S.strings = { en, zh };
    S.people = people.people;
    S.zone = people.zone || S.zone;
    for (const p of S.people) S.byId.set(p.id, p);
    applyLanguage();
    $("picker").addEventListener("submit", (event) => {
      event.preventDefault();
      openChat($("person").value);
    });
    $("lang").addEventListener("click", () => {
      S.lang = S.lang === "zh" ? "en" : "zh";
      S.langChosen = true;
      applyLanguage();
      saveHash();
    });
    for (const move of ["hour", "evening", "monday"]) {
      $("clock-" + move).addEventListener("click", () => moveClock(move));
    }
    for (const id of wanted) openChat(id);
    setInterval(tickClock, 1000);
    pollLoop();
  }

  document.addEventListener("DOMContentLoaded", () => {
    start().catch((error) => notice(String(error.message || error), true));
  });
})();

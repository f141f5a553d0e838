// The sandbox's chat page, its messages: plain text + Telegram's entities → DOM.
// Every text is put on the page as text nodes (never innerHTML); formatting comes
// from the entities, links only http(s). app.js uses window.SandboxView.
"use strict";

window.SandboxView = (() => {
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatTime(seconds, zone, lang, withDay, dayOnly) {
    const options = dayOnly ? { timeZone: zone } : { timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false };
    if (withDay || dayOnly) Object.assign(options, { weekday: "short", month: "short", day: "numeric" });
    const locale = lang === "zh" ? "zh-CN" : "en-GB";
    try {
      return new Intl.DateTimeFormat(locale, options).format(new Date(seconds * 1000));
    } catch (_) {
      return new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ");
    }
  }

  function dayOf(seconds, zone) {
    try {
      return new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(new Date(seconds * 1000));
    } catch (_) {
      return new Date(seconds * 1000).toISOString().slice(0, 10);
    }
  }

  // ── message text: plain text + entities → DOM ─────────────────────────
  const TAGS = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "code" };

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function wrap(node, entity, text) {
    let outer;
    if (entity.type === "text_link" || entity.type === "url") {
      const href = safeUrl(entity.type === "url" ? text.slice(entity.offset, entity.offset + entity.length) : entity.url);
      if (href) {
        outer = el("a");
        outer.href = href;
        outer.target = "_blank";
        outer.rel = "noopener noreferrer";
      } else {
        outer = el("span", "e-link-off");
      }
    } else {
      outer = el(TAGS[entity.type] || "span", "e-" + String(entity.type).replace(/[^a-z_]/g, ""));
    }
    outer.appendChild(node);
    return outer;
  }

  function renderText(text, entities) {
    const fragment = document.createDocumentFragment();
    const size = text.length;
    const list = (Array.isArray(entities) ? entities : []).filter(
      (e) => e && Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0 && e.offset >= 0 && e.offset < size,
    );
    const cuts = new Set([0, size]);
    for (const e of list) {
      cuts.add(e.offset);
      cuts.add(Math.min(size, e.offset + e.length));
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i + 1 < points.length; i += 1) {
      const start = points[i];
      const end = points[i + 1];
      let node = document.createTextNode(text.slice(start, end));
      const active = list.filter((e) => e.offset <= start && e.offset + e.length >= end);
      active.sort((a, b) => a.length - b.length); // the widest entity ends up outermost
      for (const entity of active) node = wrap(node, entity, text);
      fragment.appendChild(node);
    }
    return fragment;
  }

  // ── one message ───────────────────────────────────────────────────────
  function fileUrl(userId, messageId) {
    return "/api/file?user=" + encodeURIComponent(userId) + "&message=" + encodeURIComponent(messageId);
  }

  function formatSize(bytes) {
    const n = Number(bytes) || 0;
    if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
    if (n >= 1024) return Math.round(n / 1024) + " KB";
    return n + " B";
  }

  function messageNode(userId, m, newDay, ui) {
    const wrapper = el("div", "msg " + (m.from_bot ? "bot" : "me"));
    wrapper.dataset.mid = String(m.id);
    wrapper.dataset.kind = String(m.kind);
    if (newDay) wrapper.appendChild(el("div", "day", formatTime(m.date, ui.zone, ui.lang, false, true)));
    const bubble = el("div", "bubble");
    if (m.photo) {
      const link = el("a", "photo");
      link.href = fileUrl(userId, m.id);
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      const img = el("img");
      img.src = fileUrl(userId, m.id);
      img.alt = ui.tr("photo");
      img.loading = "lazy";
      const { width, height } = m.photo;
      if (Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) {
        img.width = width; // the chart's box is kept before it loads: nothing jumps
        img.height = height;
      }
      if (ui.loaded) img.addEventListener("load", ui.loaded, { once: true });
      link.appendChild(img);
      bubble.appendChild(link);
    }
    if (m.document) {
      const doc = el("a", "document");
      doc.href = fileUrl(userId, m.id);
      doc.download = m.document.name;
      doc.appendChild(el("span", "doc-icon", "📄"));
      const info = el("span", "doc-info");
      info.appendChild(el("span", "doc-name", m.document.name));
      info.appendChild(el("span", "doc-size", formatSize(m.document.size) + " · " + ui.tr("download")));
      doc.appendChild(info);
      bubble.appendChild(doc);
    }
    const text = typeof m.text === "string" ? m.text : "";
    if (text) {
      const body = el("div", "text");
      body.appendChild(renderText(text, m.entities));
      bubble.appendChild(body);
    } else if (!m.photo && !m.document) {
      const known = ["sticker", "voice", "location"].includes(m.kind) ? m.kind : "other";
      bubble.appendChild(el("div", "text muted", ui.tr("kind." + known)));
    }
    const meta = el("div", "meta");
    if (m.edited) meta.appendChild(el("span", "edited", ui.tr("edited")));
    const time = el("time", "time", formatTime(m.date, ui.zone, ui.lang, false));
    time.title = formatTime(m.date, ui.zone, ui.lang, true);
    meta.appendChild(time);
    bubble.appendChild(meta);
    wrapper.appendChild(bubble);
    if (Array.isArray(m.buttons) && m.buttons.length) wrapper.appendChild(inlineKeyboard(m, ui));
    return wrapper;
  }

  function inlineKeyboard(m, ui) {
    const board = el("div", "ikb");
    for (const row of m.buttons) {
      const line = el("div", "ikb-row");
      for (const b of row) {
        if (safeUrl(b.url)) {
          const a = el("a", "ikb-button", b.text);
          a.href = safeUrl(b.url);
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          line.appendChild(a);
        } else {
          const button = el("button", "ikb-button", b.text);
          button.type = "button";
          if (typeof b.data === "string") {
            button.addEventListener("click", () => ui.press(m.id, b.data, button));
          } else {
            button.disabled = true;
          }
          line.appendChild(button);
        }
      }
      board.appendChild(line);
    }
    return board;
  }

  return { el, formatTime, dayOf, renderText, messageNode };
})();

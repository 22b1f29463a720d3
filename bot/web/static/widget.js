/*
 * The Flourish chat widget: one script tag, no third-party requests, no cookies.
 *
 *   <script src="https://ASSISTANT/widget.js"
 *           data-title="Chat" data-area="camden" data-exit-url="https://www.bbc.co.uk/weather"
 *           data-target="element-id (optional)" defer></script>
 *
 * Optional: data-title-id="id of a heading already on the page that names the chat"
 * (the widget is then labelled by it and shows no title of its own, so the page has
 * one heading, not two), and data-layout="fill" (the widget fills the height of its
 * target, which the page sizes, and the conversation scrolls inside it).
 *
 * It sends each message to /chat beside this file (the web app passes it to Rasa:
 * bot/web/chat_gateway.py), and keeps the conversation in sessionStorage so a reload
 * keeps it and closing the tab forgets it. Messages are added as text nodes,
 * never as HTML, so nothing a message says can run in the page.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(".", script.src);
  var config = {
    title: script.getAttribute("data-title") || "Chat",
    area: script.getAttribute("data-area") || "",
    exitUrl: script.getAttribute("data-exit-url") || "https://www.bbc.co.uk/weather",
    target: script.getAttribute("data-target"),
    titleId: script.getAttribute("data-title-id"),
    layout: script.getAttribute("data-layout")
  };
  var chatUrl = new URL("chat", base).href;
  var CANT_CONNECT = "Sorry, the chat can't connect right now. If you need help now, " +
    "call Childline free on 0800 1111, or 999 in an emergency.";
  var KEYS = { session: "flourish-chat-session", history: "flourish-chat-history" };
  var store = window.sessionStorage;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.appendChild(document.createTextNode(text)); }
    return node;
  }

  function newSessionId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function sessionId() {
    var id = store.getItem(KEYS.session);
    if (!id) { id = newSessionId(); store.setItem(KEYS.session, id); }
    return id;
  }

  function history() {
    try { return JSON.parse(store.getItem(KEYS.history) || "[]"); } catch (e) { return []; }
  }

  function remember(entry) {
    var all = history();
    all.push(entry);
    store.setItem(KEYS.history, JSON.stringify(all.slice(-200)));
  }

  // --- Building the widget ---------------------------------------------------
  var stylesheet = el("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = new URL("static/widget.css", base).href;
  // Until the styles arrive the log does not scroll: a conversation shown from the
  // history before then is scrolled into place again once they have.
  stylesheet.onload = function () { scrollToTurn(); };
  document.head.appendChild(stylesheet);

  var root = el("section", config.layout === "fill" ? "fc fc-fill" : "fc");
  var exit = el("button", "fc-exit", "Quick exit");
  exit.type = "button";
  exit.setAttribute("aria-describedby", "fc-exit-hint");
  // The page's own heading names the chat when it says so; otherwise the widget's.
  if (config.titleId && document.getElementById(config.titleId)) {
    root.setAttribute("aria-labelledby", config.titleId);
    root.appendChild(exit);  // no title bar: Quick exit is fixed to the window anyway
  } else {
    var header = el("div", "fc-header");
    var title = el("h2", "fc-title", config.title);
    title.id = "fc-title";
    root.setAttribute("aria-labelledby", "fc-title");
    header.appendChild(title);
    header.appendChild(exit);
    root.appendChild(header);
  }

  var log = el("div", "fc-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "Conversation");
  log.tabIndex = 0;

  var typing = el("p", "fc-typing", "The assistant is typing…");
  typing.hidden = true;

  var form = el("form", "fc-form");
  var label = el("label", "fc-label", "Your message");
  label.setAttribute("for", "fc-input");
  var row = el("div", "fc-row");
  var input = el("input", "fc-input");
  input.id = "fc-input";
  input.type = "text";
  input.autocomplete = "off";
  // Long enough for a pasted story: the assistant reads all of it (the need, the
  // safety net); only its intent model looks at the first 1,000 characters.
  input.maxLength = 5000;
  var send = el("button", "fc-send", "Send");
  send.type = "submit";
  row.appendChild(input);
  row.appendChild(send);
  form.appendChild(label);
  form.appendChild(row);

  var hint = el("p", "fc-hint", "To leave quickly, press Quick exit or the Shift key 3 times.");
  hint.id = "fc-exit-hint";
  var status = el("p", "fc-status");
  status.setAttribute("role", "status");

  root.appendChild(log);
  root.appendChild(typing);
  root.appendChild(form);
  root.appendChild(status);
  root.appendChild(hint);
  var target = config.target && document.getElementById(config.target);
  (target || document.body).appendChild(root);

  // --- Showing messages ------------------------------------------------------
  // Help must be one tap away: phone numbers become tel: links, "text SHOUT to
  // 85258" and "text 85258" sms: links, web addresses links and email addresses
  // mailto: links. All are built as DOM nodes.
  var TAPPABLE = new RegExp(
    "(https?:\\/\\/[^\\s<>\"]+[^\\s<>\".,;:!?)])" +                       // 1 full URL
    "|\\btext (\\w+) to (\\d{5})\\b" +                                   // 2, 3 text X to N
    "|\\b((?:www\\.)?[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.(?:org\\.uk|co\\.uk|gov\\.uk|nhs\\.uk|" +
    "police\\.uk|ac\\.uk|org|com|net|uk)(?:\\/[^\\s<>\"]*[^\\s<>\".,;:!?)])?)\\b" + // 4 bare address
    "|(?<![\\d:\\-])\\b(0\\d{2,4} ?\\d{3,4}(?: ?\\d{3,4})?|116 ?\\d{3}|999|111)\\b(?![\\d\\-])" + // 5 phone
    "|\\btext (\\d{5})\\b" +                                                // 6 text N
    "|\\b([\\w.+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)+)\\b",                     // 7 email
    "gi"
  );

  function link(text, href, kind) {
    var a = el("a", "fc-link fc-" + kind, text);
    a.href = href;
    if (kind === "web") {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    return a;
  }

  function addLine(container, line) {
    var last = 0;
    var match;
    TAPPABLE.lastIndex = 0;
    while ((match = TAPPABLE.exec(line)) !== null) {
      container.appendChild(document.createTextNode(line.slice(last, match.index)));
      if (match[1]) {
        container.appendChild(link(match[1], match[1], "web"));
      } else if (match[2]) {
        container.appendChild(
          link(match[0], "sms:" + match[3] + "?&body=" + encodeURIComponent(match[2]), "sms"));
      } else if (match[4]) {
        container.appendChild(link(match[4], "https://" + match[4], "web"));
      } else if (match[5]) {
        container.appendChild(link(match[5], "tel:" + match[5].replace(/\s/g, ""), "tel"));
      } else if (match[6]) {
        container.appendChild(link(match[0], "sms:" + match[6], "sms"));
      } else {
        container.appendChild(link(match[7], "mailto:" + match[7], "email"));
      }
      last = match.index + match[0].length;
    }
    container.appendChild(document.createTextNode(line.slice(last)));
  }

  function addText(container, text) {
    String(text || "").split("\n").forEach(function (line, index) {
      if (index > 0) { container.appendChild(el("br")); }
      addLine(container, line);
    });
  }

  function isUrgent(text) {
    return /\b999\b/.test(text) && /0800 1111/.test(text);
  }

  function clearReplies() {
    var old = log.querySelectorAll(".fc-replies");
    for (var i = 0; i < old.length; i++) { old[i].parentNode.removeChild(old[i]); }
  }

  // The first reply of the current turn: when a turn's replies are longer than
  // the log can show, its start stays in view (a crisis message or a list of
  // services is read from its first line, not scrolled past to the bottom).
  var turnStart = null;

  function keepInView(bubble, from) {
    if (from === "user") {
      turnStart = null;
    } else if (!turnStart) {
      turnStart = bubble;
    }
    scrollToTurn();
  }

  function scrollToTurn() {
    if (!turnStart) {
      log.scrollTop = log.scrollHeight;
      return;
    }
    // Where the turn starts inside the log's content, whatever the page's layout.
    var top = turnStart.getBoundingClientRect().top - log.getBoundingClientRect().top -
      log.clientTop + log.scrollTop;
    if (log.scrollHeight - top > log.clientHeight) {
      log.scrollTop = Math.max(0, top - 8);
      var box = log.getBoundingClientRect();
      if (box.top < 0 || box.top > window.innerHeight * 0.5) {
        turnStart.scrollIntoView({ block: "start" });
      }
    } else {
      log.scrollTop = log.scrollHeight;
    }
  }

  function show(entry) {
    var from = entry.from === "user" ? "user" : "bot";
    var bubble = el("div", "fc-msg fc-" + from);
    if (from === "bot" && isUrgent(entry.text)) { bubble.className += " fc-urgent"; }
    bubble.appendChild(el("span", "fc-visually-hidden", from === "user" ? "You said: " : "Assistant said: "));
    addText(bubble, entry.text);
    log.appendChild(bubble);
    if (entry.buttons && entry.buttons.length) {
      clearReplies();
      var group = el("div", "fc-replies");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      entry.buttons.forEach(function (button) {
        var b = el("button", "fc-reply", button.title);
        b.type = "button";
        b.addEventListener("click", function () {
          // The turn's buttons go (no second tap), taking the focus with them: give it
          // to the message box, not back to the top of the page.
          sendMessage(button.payload, button.title);
          input.focus();
        });
        group.appendChild(b);
      });
      log.appendChild(group);
    }
    keepInView(bubble, from);
  }

  // --- Talking to the assistant ---------------------------------------------
  // Each message is one POST to the web app's /chat, which passes it to Rasa and
  // answers with the replies. Messages go one at a time, in the order sent.
  var typingTimer = null;
  var queue = Promise.resolve();

  function setTyping(on) {
    typing.hidden = !on;
    clearTimeout(typingTimer);
    if (on) { typingTimer = setTimeout(function () { typing.hidden = true; }, 15000); }
  }

  // What the person sent, shown as their message ("shownAs" for a quick reply's title).
  function sendMessage(message, shownAs) {
    var text = String(message || "").trim();
    if (!text) {
      status.textContent = "Please type a message first.";
      input.focus();
      return;
    }
    status.textContent = "";
    clearReplies();
    var entry = { from: "user", text: shownAs || text };
    remember(entry);
    show(entry);
    post(text);
  }

  // Sends without showing anything as the person's message: the greeting that
  // opens the chat is the widget's doing, not something they said.
  function post(text) {
    queue = queue.then(function () { return deliver(text); });
  }

  function deliver(text) {
    setTyping(true);
    return fetch(chatUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_id: sessionId(), message: text })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        setTyping(false);
        if (!response.ok) {
          status.textContent = body.error || CANT_CONNECT;
          return;
        }
        status.textContent = "";
        (body.messages || []).forEach(receive);
      });
    }).catch(function () {
      setTyping(false);
      status.textContent = CANT_CONNECT;
    });
  }

  function receive(data) {
    var buttons = (data.buttons || []).map(function (b) {
      return { title: b.title, payload: b.payload };
    });
    var entry = { from: "bot", text: data.text || "", buttons: buttons };
    remember(entry);
    show(entry);
  }

  // --- Quick exit ------------------------------------------------------------
  function quickExit() {
    try {
      store.removeItem(KEYS.session);
      store.removeItem(KEYS.history);
    } finally {
      window.location.replace(config.exitUrl);
    }
  }
  exit.addEventListener("click", quickExit);
  // Quick exit stays on screen at all times: it is fixed to the top of the window
  // (widget.css), and moved with the visual viewport, which on a phone shrinks and
  // pans when the on-screen keyboard opens or the page is zoomed.
  function pinExit() {
    var view = window.visualViewport;
    if (!view) { return; }
    var right = document.documentElement.clientWidth - (view.offsetLeft + view.width);
    exit.style.transform = "translate(" + (-Math.max(0, right)) + "px, " + view.offsetTop + "px)";
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", pinExit);
    window.visualViewport.addEventListener("scroll", pinExit);
  }
  var shifts = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift" || event.repeat) { return; }
    var now = Date.now();
    shifts = shifts.filter(function (t) { return now - t < 1500; });
    shifts.push(now);
    if (shifts.length >= 3) { quickExit(); }
  });

  // --- Start -----------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    sendMessage(text);
  });

  var past = history();
  past.forEach(function (entry, index) {
    show(index === past.length - 1 ? entry : { from: entry.from, text: entry.text });
  });

  if (!past.length) { post("/greet"); }
})();

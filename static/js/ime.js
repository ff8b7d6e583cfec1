/* The on-screen keyboard and its Chinese input method (templates/ime/_keyboard.html).

   Any text field can use it: an inline keyboard names its field with data-for="ID" (the search
   screen, the operator PIN); any other <input data-ime> or <textarea data-ime> gets the keyboard
   docked at the bottom of the screen when it is touched (data-ime="digits": the digit keypad).

   拼音: letters are composed inline in the field (so the search still sees "sfz" and suggests)
   and /ime/pinyin proposes words; touching one replaces the letters it stands for, the rest stays
   to be typed. 手写: strokes drawn on the pad go to /ime/handwriting (Zinnia on the terminal).
   字母: letters and digits go straight into the field.

   The keyboard never changes size while typing: the candidate bar is always there, empty or
   not. No inline script or style anywhere (the kiosk's CSP is script-src 'self'). */
(function () {
  "use strict";

  var FETCH_SIZE = 20;       // candidates asked for at a time; the bar shows as many as fit
  var RECOGNIZE_DELAY_MS = 350;
  var RETRY_MS = 4000;

  function elder() { return document.documentElement.classList.contains("elder"); }

  function csrfToken() {
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      return headers["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  function fire(field) { field.dispatchEvent(new Event("input", { bubbles: true })); }

  /* One keyboard element and its state. */
  function Board(el) {
    this.el = el;
    this.mode = el.getAttribute("data-ime-layout") === "digits" ? "abc" : "pinyin";
    this.comp = "";          // the pinyin letters being composed
    this.compStart = 0;      // where they sit in the field's value
    this.list = [];          // {text, consumed}: the candidates fetched so far
    this.start = 0;          // the first one shown in the bar
    this.shown = 0;          // how many fit in the bar
    this.starts = [];        // where the previous pages started (上页)
    this.fetched = 0;        // server pages fetched, of
    this.serverPages = 0;
    this.seq = 0;            // answers to older requests are dropped
    this.strokes = [];
    this.timer = null;
    this.bar = el.querySelector("[data-ime-candidates]");
    this.compBox = el.querySelector("[data-ime-composition]");
    this.pad = el.querySelector("[data-ime-pad]");
    if (this.pad) { this.setupPad(); }
    this.showMode();
  }

  Board.prototype.field = function () {
    var id = this.el.getAttribute("data-for");
    return id ? document.getElementById(id) : null;
  };

  Board.prototype.limit = function (field) { return field.maxLength > 0 ? field.maxLength : 200; };

  /* Put `text` at the caret (or in place of the composition). */
  Board.prototype.insert = function (text) {
    var field = this.field();
    if (!field) { return; }
    var value = field.value;
    var start = typeof field.selectionStart === "number" ? field.selectionStart : value.length;
    var end = typeof field.selectionEnd === "number" ? field.selectionEnd : value.length;
    var room = this.limit(field) - (value.length - (end - start));
    if (room <= 0) { return; }
    text = text.slice(0, room);
    field.value = value.slice(0, start) + text + value.slice(end);
    this.caret(field, start + text.length);
    fire(field);
  };

  Board.prototype.caret = function (field, pos) {
    try { field.setSelectionRange(pos, pos); } catch (e) { /* type=search/password may refuse */ }
  };

  Board.prototype.setComposition = function (comp) {
    var field = this.field();
    if (!field) { return; }
    if (!this.comp) {
      this.compStart = typeof field.selectionStart === "number" ? field.selectionStart : field.value.length;
    }
    var value = field.value;
    var before = value.slice(0, this.compStart);
    var after = value.slice(this.compStart + this.comp.length);
    var room = this.limit(field) - before.length - after.length;
    comp = comp.slice(0, Math.max(0, room));
    field.value = before + comp + after;
    this.comp = comp;
    this.caret(field, this.compStart + comp.length);
    this.compBox.textContent = comp;
    fire(field);
    if (comp) { this.lookup(); } else { this.setList([], 0); }
  };

  /* Keep the letters as typed (the search reads initials and pinyin too). */
  Board.prototype.commitRaw = function () {
    this.comp = "";
    this.compBox.textContent = "";
    this.setList([], 0);
  };

  Board.prototype.choose = function (index) {
    var c = this.list[index];
    var field = this.field();
    if (!c || !field) { return; }
    if (this.mode === "hand") {
      this.insert(c.text);
      this.clearPad();
      return;
    }
    var rest = this.comp.slice(c.consumed);
    var value = field.value;
    var before = value.slice(0, this.compStart);
    var after = value.slice(this.compStart + this.comp.length);
    field.value = before + c.text + rest + after;
    this.compStart = before.length + c.text.length;
    this.comp = rest;
    this.compBox.textContent = rest;
    this.caret(field, this.compStart + rest.length);
    fire(field);
    if (rest) { this.lookup(); } else { this.setList([], 0); }
  };

  Board.prototype.message = function (text) {
    this.list = [];
    this.shown = 0;
    this.bar.textContent = "";
    var note = document.createElement("span");
    note.className = "ime-note";
    note.textContent = text;
    this.bar.appendChild(note);
    this.setPaging();
  };

  /* A new list of candidates (`serverPages` more may be fetched), shown from its first. */
  Board.prototype.setList = function (list, serverPages) {
    this.list = list;
    this.serverPages = serverPages;
    this.fetched = serverPages ? 1 : 0;
    this.starts = [];
    this.render(0);
  };

  Board.prototype.more = function () { return this.fetched < this.serverPages; };

  /* Show the candidates from `start`, as many as fit in the bar without cutting one. */
  Board.prototype.render = function (start) {
    this.start = start;
    this.bar.textContent = "";
    var shown = 0;
    for (var i = start; i < this.list.length; i++) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "ime-candidate";
      b.setAttribute("data-candidate", String(i));
      b.textContent = this.list[i].text;
      this.bar.appendChild(b);
      if (shown > 0 && this.bar.scrollWidth > this.bar.clientWidth) {
        this.bar.removeChild(b);
        break;
      }
      shown++;
    }
    this.shown = shown;
    if (!shown) {
      if (this.mode === "hand" && !this.strokes.length) { this.message("在下面的方框里写一个字"); return; }
      if (this.mode === "pinyin" && !this.comp) { this.message("按字母打拼音，再点要的字"); return; }
    }
    this.setPaging();
  };

  Board.prototype.setPaging = function () {
    var prev = this.el.querySelector("[data-action='prev']");
    var next = this.el.querySelector("[data-action='next']");
    if (prev) { prev.disabled = this.starts.length === 0; }
    if (next) { next.disabled = !(this.shown && (this.start + this.shown < this.list.length || this.more())); }
  };

  Board.prototype.fetchPage = function (page, seq, done) {
    var self = this;
    var url = this.el.getAttribute("data-pinyin-url") + "?q=" + encodeURIComponent(this.comp) +
      "&page=" + page + "&size=" + FETCH_SIZE;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (answer) {
        if (seq !== self.seq || self.mode !== "pinyin") { return; }
        if (answer.status === 200) {
          done(answer.body);
        } else {
          self.message(answer.body.error || "没有找到");
          if (answer.body.retry) {
            setTimeout(function () { if (seq === self.seq && self.comp) { self.lookup(); } }, RETRY_MS);
          }
        }
      })
      .catch(function () { if (seq === self.seq) { self.message("网络不通，请稍后再试"); } });
  };

  Board.prototype.lookup = function () {
    var self = this;
    var seq = ++this.seq;
    this.fetchPage(0, seq, function (body) { self.setList(body.candidates, body.pages); });
  };

  Board.prototype.nextPage = function () {
    var self = this;
    var start = this.start + this.shown;
    if (!this.shown) { return; }
    if (start < this.list.length) { this.starts.push(this.start); this.render(start); return; }
    if (!this.more()) { return; }
    var seq = this.seq;
    this.fetchPage(this.fetched, seq, function (body) {
      self.list = self.list.concat(body.candidates);
      self.fetched += 1;
      self.starts.push(self.start);
      self.render(start);
    });
  };

  /* --- handwriting */
  Board.prototype.setupPad = function () {
    var self = this;
    var pad = this.pad;
    var current = null;
    function point(event) {
      var rect = pad.getBoundingClientRect();
      return [
        Math.round((event.clientX - rect.left) * pad.width / rect.width),
        Math.round((event.clientY - rect.top) * pad.height / rect.height)
      ];
    }
    pad.addEventListener("pointerdown", function (event) {
      if (pad.getAttribute("aria-disabled") === "true") { return; }
      event.preventDefault();
      try { pad.setPointerCapture(event.pointerId); } catch (e) { /* synthetic events */ }
      clearTimeout(self.timer);
      current = [point(event)];
      self.strokes.push(current);
      self.drawPad();
    });
    pad.addEventListener("pointermove", function (event) {
      if (!current) { return; }
      event.preventDefault();
      var p = point(event);
      var last = current[current.length - 1];
      if (Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) >= 2) {
        current.push(p);
        self.drawPad();
      }
    });
    function end() {
      if (!current) { return; }
      current = null;
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.recognize(); }, RECOGNIZE_DELAY_MS);
    }
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    this.drawPad();
  };

  Board.prototype.drawPad = function () {
    var ctx = this.pad.getContext("2d");
    var w = this.pad.width, h = this.pad.height;
    ctx.clearRect(0, 0, w, h);
    ctx.strokeStyle = "#d0d0d0";
    ctx.lineWidth = 2;
    ctx.setLineDash([10, 10]);
    ctx.beginPath();
    ctx.moveTo(w / 2, 0); ctx.lineTo(w / 2, h);
    ctx.moveTo(0, h / 2); ctx.lineTo(w, h / 2);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = "#111";
    ctx.lineWidth = Math.max(6, Math.round(w / 40));
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (var i = 0; i < this.strokes.length; i++) {
      var s = this.strokes[i];
      ctx.beginPath();
      ctx.moveTo(s[0][0], s[0][1]);
      for (var j = 1; j < s.length; j++) { ctx.lineTo(s[j][0], s[j][1]); }
      if (s.length === 1) { ctx.lineTo(s[0][0] + 0.1, s[0][1]); }
      ctx.stroke();
    }
  };

  Board.prototype.clearPad = function () {
    clearTimeout(this.timer);
    this.seq++;
    this.strokes = [];
    if (this.pad) { this.drawPad(); }
    this.setList([], 0);
  };

  Board.prototype.recognize = function () {
    var self = this;
    if (!this.strokes.length) { return; }
    var seq = ++this.seq;
    fetch(this.el.getAttribute("data-handwriting-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ width: this.pad.width, height: this.pad.height, strokes: this.strokes })
    })
      .then(function (r) { return r.json().then(function (body) { return { status: r.status, body: body }; }); })
      .then(function (answer) {
        if (seq !== self.seq || self.mode !== "hand") { return; }
        if (answer.status !== 200) { self.message(answer.body.error || "没有认出来，请重写"); return; }
        var all = (answer.body.candidates || []).map(function (t) { return { text: t, consumed: 0 }; });
        if (!all.length) { self.message("没有认出来，请重写"); return; }
        self.setList(all, 0);
      })
      .catch(function () { if (seq === self.seq) { self.message("网络不通，请稍后再试"); } });
  };

  /* --- modes and keys */
  Board.prototype.showMode = function () {
    var mode = this.mode;
    var panels = this.el.querySelectorAll("[data-ime-panel]");
    for (var i = 0; i < panels.length; i++) {
      panels[i].hidden = panels[i].getAttribute("data-ime-panel") !== (mode === "hand" ? "hand" : "keys");
    }
    var modes = this.el.querySelectorAll("[data-mode]");
    for (var j = 0; j < modes.length; j++) {
      var m = modes[j].getAttribute("data-mode");
      modes[j].setAttribute("aria-pressed", m === mode ? "true" : "false");
    }
    var sep = this.el.querySelector("[data-key=\"'\"]");
    if (sep) { sep.disabled = mode !== "pinyin"; }
    this.el.setAttribute("data-mode-now", mode);
    if (mode === "hand") { this.clearPad(); } else { this.setList([], 0); }
  };

  Board.prototype.press = function (button) {
    var field = this.field();
    if (!field) { return; }
    var key = button.getAttribute("data-key");
    var action = button.getAttribute("data-action");
    var mode = button.getAttribute("data-mode");
    var pick = button.getAttribute("data-candidate");
    if (pick !== null) { this.choose(parseInt(pick, 10)); return; }
    if (mode) {
      if (this.comp) { this.commitRaw(); }
      this.mode = mode;
      this.showMode();
      return;
    }
    if (key !== null) {
      if (this.mode === "pinyin" && /^[a-z']$/.test(key)) {
        if (key === "'" && (!this.comp || this.comp.slice(-1) === "'")) { return; }
        this.setComposition(this.comp + key);
      } else {
        if (this.comp) { this.commitRaw(); }
        this.insert(key);
      }
      return;
    }
    switch (action) {
      case "backspace":
        if (this.comp) { this.setComposition(this.comp.slice(0, -1)); return; }
        var start = field.selectionStart, end = field.selectionEnd;
        if (typeof start !== "number") { start = end = field.value.length; }
        if (start === end && start > 0) { start -= 1; }
        field.value = field.value.slice(0, start) + field.value.slice(end);
        this.caret(field, start);
        fire(field);
        return;
      case "clear":
        this.comp = "";
        this.compBox.textContent = "";
        field.value = "";
        if (this.mode === "hand") { this.clearPad(); } else { this.setList([], 0); }
        fire(field);
        clearSuggestions(field);
        return;
      case "space":
        if (this.comp && this.list.length) { this.choose(this.start); } else { this.insert(" "); }
        return;
      case "rewrite":
        this.clearPad();
        return;
      case "prev":
        if (this.starts.length) { this.render(this.starts.pop()); }
        return;
      case "next":
        this.nextPage();
        return;
      case "submit":
        if (this.comp) { this.commitRaw(); }
        clearSuggestions(field);
        if (this.el.hasAttribute("data-ime-docked")) { closeDocked(); return; }   // 完成
        if (field.form) { field.form.requestSubmit(); }
        return;
      case "close":
        if (this.comp) { this.commitRaw(); }
        closeDocked();
        return;
    }
  };

  /* --- wiring */
  var boards = [];
  function boardOf(el) {
    boards = boards.filter(function (b) { return b.el.isConnected; });
    for (var i = 0; i < boards.length; i++) { if (boards[i].el === el) { return boards[i]; } }
    var b = new Board(el);
    boards.push(b);
    return b;
  }

  function clearSuggestions(field) {
    var box = field && field.getAttribute("hx-target") ? document.querySelector(field.getAttribute("hx-target")) : null;
    if (box) { box.textContent = ""; }
  }

  function inlineBoardFor(field) {
    return field.id ? document.querySelector("[data-keyboard][data-for='" + field.id + "']:not([data-ime-docked])") : null;
  }

  function openDocked(field) {
    var layout = field.getAttribute("data-ime") === "digits" ? "digits" : "full";
    var el = document.querySelector("[data-ime-docked][data-ime-layout='" + layout + "']");
    if (!el) { return; }
    if (!field.id) { field.id = "ime-field-" + Math.random().toString(36).slice(2); }
    var others = document.querySelectorAll("[data-ime-docked]");
    for (var i = 0; i < others.length; i++) { if (others[i] !== el) { others[i].hidden = true; } }
    var board = boardOf(el);
    if (board.comp && board.el.getAttribute("data-for") !== field.id) { board.commitRaw(); }
    el.setAttribute("data-for", field.id);
    el.hidden = false;
    document.body.classList.add("ime-docked-open");
    var rect = field.getBoundingClientRect();
    if (rect.bottom > el.getBoundingClientRect().top - 16) {
      field.scrollIntoView({ block: "center" });
    }
  }

  function closeDocked() {
    var docked = document.querySelectorAll("[data-ime-docked]");
    for (var i = 0; i < docked.length; i++) { docked[i].hidden = true; }
    document.body.classList.remove("ime-docked-open");
  }

  /* An inline keyboard that collapses (the search screen): open or closed. */
  function setOpen(el, open) {
    el.hidden = !open;
    var toggles = document.querySelectorAll("[data-ime-open='" + el.getAttribute("data-for") + "']");
    for (var i = 0; i < toggles.length; i++) { toggles[i].hidden = open; }
  }

  // Keys keep the focus (and the caret) in the field: no focus change on mousedown.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest("[data-keyboard] button")) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var t = event.target;
    if (!t.closest) { return; }
    var button = t.closest("[data-keyboard] button");
    if (button) {
      event.preventDefault();
      if (!button.disabled) { boardOf(button.closest("[data-keyboard]")).press(button); }
      return;
    }
    var opener = t.closest("[data-ime-open]");
    if (opener) {
      var board = document.querySelector("[data-keyboard][data-for='" + opener.getAttribute("data-ime-open") + "']");
      if (board) { setOpen(board, true); }
      return;
    }
    var field = t.closest("input, textarea");
    if (field) {
      var inline = inlineBoardFor(field);
      if (inline) {
        var b = boardOf(inline);
        if (b.comp) { b.commitRaw(); }   // the caret moved: the letters stay as typed
        if (inline.hasAttribute("data-ime-collapsible")) { setOpen(inline, true); }
      } else if (field.hasAttribute("data-ime")) {
        openDocked(field);
      }
      return;
    }
    if (document.body.classList.contains("ime-docked-open") && !t.closest("[data-ime-docked]")) {
      closeDocked();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Switching 长辈模式 keeps what was typed in the search box: come back to it.
    if (form.classList && form.classList.contains("bar-form")) {
      var q = document.getElementById("search-q");
      var next = form.querySelector("input[name='next']");
      if (q && next && q.value.trim()) {
        next.value = "/search?q=" + encodeURIComponent(q.value.trim());
        var open = inlineBoardFor(q);
        try { sessionStorage.setItem("ime-open", open && !open.hidden ? "1" : ""); } catch (e) { /* private mode */ }
      }
      return;
    }
    var boardsIn = document.querySelectorAll("[data-keyboard][data-ime-collapsible]");
    for (var i = 0; i < boardsIn.length; i++) {
      var f = document.getElementById(boardsIn[i].getAttribute("data-for"));
      if (f && f.form === form) {
        var b = boardOf(boardsIn[i]);
        if (b.comp) { b.commitRaw(); }
        clearSuggestions(f);
        setOpen(boardsIn[i], false);   // the results take the keyboard's place
      }
    }
  });

  function init(root) {
    var els = (root || document).querySelectorAll("[data-keyboard]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.hasAttribute("data-ime-docked")) { continue; }
      boardOf(el);
      if (el.hasAttribute("data-ime-collapsible")) {
        var field = document.getElementById(el.getAttribute("data-for"));
        var keep = false;
        try { keep = sessionStorage.getItem("ime-open") === "1"; sessionStorage.removeItem("ime-open"); } catch (e) { /* */ }
        // results on screen: the keyboard starts closed, unless the citizen was typing (elder switch)
        setOpen(el, keep || !(field && field.value));
      } else {
        el.hidden = false;
      }
    }
  }

  document.addEventListener("htmx:load", function (event) { init(event.target); });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "main") { closeDocked(); }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();

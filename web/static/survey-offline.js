// Offline collection of the survey forms: the public form, the kiosk and an
// interviewer's form. Each answer is put in the device's queue (IndexedDB,
// or localStorage where IndexedDB is missing) with a key made on the
// device, then sent to the form's own address as JSON and retried — when
// the network returns, without a reload — until the server acknowledges it.
// The server stores a key once, so a retry whose acknowledgement was lost
// stores nothing twice, and it answers per answer: stored, code already
// used, survey closed… The queue is shown with each answer's outcome, and
// an answer the server has not acknowledged is never dropped. Without this
// script the form posts as it always did. Plain JavaScript, no framework.
(function () {
  "use strict";

  var CACHE = "parindex-survey-1";
  var body = document.body;
  var holder = document.querySelector("[data-offline]");
  var panel = document.getElementById("sv-device");
  if (!holder || !panel || !window.fetch || !window.Promise || !window.JSON) {
    return;
  }
  var form = holder.tagName === "FORM" ? holder : null;
  var survey = holder.getAttribute("data-survey");
  var door = holder.getAttribute("data-offline");

  // --- The service worker and the pages it keeps ----------------------

  if ("serviceWorker" in navigator && body.getAttribute("data-worker")) {
    navigator.serviceWorker.register(body.getAttribute("data-worker"), { scope: body.getAttribute("data-scope") })
      .catch(function () { /* the form still works online */ });
  }

  // keepPages stores this page, its assets and (an interviewer's home) the
  // forms it links to, so that they open offline.
  function keepPages() {
    if (!window.caches || !navigator.onLine) {
      return;
    }
    var urls = [location.pathname];
    (body.getAttribute("data-assets") || "").split(" ").forEach(function (u) {
      if (u) { urls.push(u); }
    });
    Array.prototype.forEach.call(document.querySelectorAll("a[data-precache]"), function (a) {
      urls.push(a.getAttribute("href"));
    });
    caches.open(CACHE).then(function (cache) {
      urls.forEach(function (u) { cache.add(u).catch(function () {}); });
    }).catch(function () {});
  }

  // --- The queue ------------------------------------------------------

  var DB = "parindex-survey";
  var STORE = "answers";
  var LOCAL = "parindex-survey-queue";
  var useLocal = !window.indexedDB;

  function openDB() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        var s = req.result.createObjectStore(STORE, { keyPath: "key" });
        s.createIndex("survey", "survey");
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function run(mode, fn) {
    return openDB().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var req = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }

  function localAll() {
    try {
      return JSON.parse(localStorage.getItem(LOCAL) || "[]");
    } catch (e) {
      return [];
    }
  }

  function items() {
    if (useLocal) {
      return Promise.resolve(localAll().filter(function (i) { return i.survey === survey; }));
    }
    return run("readonly", function (s) { return s.index("survey").getAll(survey); }).catch(function () {
      useLocal = true;
      return items();
    });
  }

  function save(item) {
    if (useLocal) {
      var list = localAll().filter(function (i) { return i.key !== item.key; });
      list.push(item);
      localStorage.setItem(LOCAL, JSON.stringify(list));
      return Promise.resolve();
    }
    return run("readwrite", function (s) { return s.put(item); }).catch(function () {
      useLocal = true;
      return save(item);
    });
  }

  function drop(key) {
    if (useLocal) {
      localStorage.setItem(LOCAL, JSON.stringify(localAll().filter(function (i) { return i.key !== key; })));
      return Promise.resolve();
    }
    return run("readwrite", function (s) { return s["delete"](key); });
  }

  // newKey makes an answer's key on the device.
  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // --- Showing the queue ------------------------------------------------

  function text(name) { return panel.getAttribute("data-t-" + name) || name; }

  function fill(s) {
    var args = Array.prototype.slice.call(arguments, 1);
    return s.replace(/%[ds]/g, function () { return String(args.shift()); });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // when writes a time as the province reads it: dd/mm/yyyy hh:mm in
  // Vietnam's time zone (the device's own where Intl cannot).
  var zoned = null;
  try {
    zoned = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit", hour12: false });
  } catch (e) { /* an old browser: the device's time */ }
  function when(iso) {
    var d = new Date(iso);
    if (zoned) {
      return zoned.format(d).replace(",", "");
    }
    return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear() + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function stateText(item) {
    switch (item.state) {
    case "stored":
      return fill(text("stored"), item.id);
    case "refused":
      return text(item.outcome) + (item.error && text(item.outcome) === item.outcome ? ": " + item.error : "");
    case "blocked":
      return text("blocked");
    case "sending":
      return text("sending");
    }
    return text("waiting");
  }

  var current = null; // the key of the answer just given, shown in the thanks

  function render() {
    return items().then(function (list) {
      list.sort(function (a, b) { return a.created < b.created ? 1 : -1; });
      var waiting = 0, stored = 0, refused = 0;
      var ol = document.getElementById("sv-queue");
      ol.textContent = "";
      list.forEach(function (item, n) {
        if (item.state === "stored") { stored++; } else if (item.state === "refused") { refused++; } else { waiting++; }
        if (n >= 50) {
          return;
        }
        var li = document.createElement("li");
        li.className = "sv-item sv-" + item.state;
        li.setAttribute("data-key", item.key);
        var t = document.createElement("time");
        t.dateTime = item.created;
        t.textContent = when(item.created);
        li.appendChild(t);
        li.appendChild(document.createTextNode(" · " + item.unitName + (item.body.code ? " · " + text("code") : "") + " — "));
        var st = document.createElement("strong");
        st.className = "sv-state";
        st.textContent = stateText(item);
        li.appendChild(st);
        ol.appendChild(li);
      });
      document.getElementById("sv-summary").textContent = list.length ? fill(text("summary"), waiting, stored, refused) : text("empty");
      document.getElementById("sv-net").textContent = navigator.onLine ? text("online") : text("offline");
      // The queue is shown while something waits or was refused, offline,
      // and always on an interviewer's phone.
      panel.hidden = door !== "i" && navigator.onLine && !list.some(function (i) { return i.state !== "stored"; });
      var thanks = document.getElementById("sv-thanks-state");
      if (thanks && current) {
        var mine = list.filter(function (i) { return i.key === current; })[0];
        if (mine) {
          thanks.textContent = mine.state === "stored" ? text("sent") : mine.state === "refused" ? stateText(mine) : text("queued");
        }
      }
      return list;
    });
  }

  // --- Sending ----------------------------------------------------------

  var busy = false;
  var timer = null;
  var pause = 2000;

  function csrf() {
    var m = document.querySelector("meta[name=csrf-token]");
    return m ? m.getAttribute("content") : "";
  }

  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(sync, ms);
  }

  // send sends one answer; it resolves with true when the server gave its
  // outcome, false when the answer must wait (no network, too many, a
  // server failure, a sign-in to renew).
  function send(item) {
    item.state = "sending";
    render();
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (csrf()) {
      headers["X-CSRF-Token"] = csrf();
    }
    return fetch(item.url, { method: "POST", headers: headers, body: JSON.stringify(item.body), credentials: "same-origin", cache: "no-store" })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          item.attempts = (item.attempts || 0) + 1;
          if (res.status === 201) {
            item.state = "stored";
            item.id = data.id;
            var t = form && form.querySelector("input[name=t]");
            if (t && data.form_token) { t.value = data.form_token; }
          } else if (res.status === 429 || res.status >= 500 || res.status === 0) {
            item.state = "waiting";
            item.wait = (parseInt(res.headers.get("Retry-After"), 10) || 0) * 1000;
          } else if (res.status === 401 || res.status === 403) {
            item.state = "blocked";
            item.error = data.error || "";
          } else {
            item.state = "refused";
            item.outcome = data.outcome || (res.status === 410 ? "closed" : "invalid");
            item.error = data.error || "";
          }
          return save(item).then(function () { return item.state === "stored" || item.state === "refused"; });
        });
      }, function () {
        item.state = "waiting";
        item.attempts = (item.attempts || 0) + 1;
        return save(item).then(function () { return false; });
      });
  }

  // sync sends the waiting answers one after the other, oldest first, and
  // comes back later for those that must wait.
  function sync() {
    if (busy) {
      return Promise.resolve();
    }
    busy = true;
    clearTimeout(timer);
    return items().then(function (list) {
      var todo = list.filter(function (i) { return i.state !== "stored" && i.state !== "refused"; });
      todo.sort(function (a, b) { return a.created < b.created ? -1 : 1; });
      var next = function (k) {
        if (k >= todo.length) {
          return true;
        }
        return send(todo[k]).then(function (ok) {
          if (!ok) {
            return todo[k];
          }
          return next(k + 1);
        });
      };
      return next(0);
    }).then(function (result) {
      busy = false;
      render();
      if (result !== true) {
        pause = Math.min(pause * 2, 60000);
        later(Math.max(pause, result && result.wait || 0));
      } else {
        pause = 2000;
      }
    }, function () {
      busy = false;
      later(pause);
    });
  }

  // --- The form -------------------------------------------------------------

  function answerOf(f) {
    var fd = new FormData(f);
    var answers = {};
    fd.forEach(function (v, k) {
      if (k.indexOf("q_") === 0 && v !== "") {
        answers[k.slice(2)] = String(v);
      }
    });
    return {
      key: "", answers: answers, code: String(fd.get("code") || ""), website: String(fd.get("website") || ""),
      form_token: String(fd.get("t") || ""), answered_at: new Date().toISOString()
    };
  }

  function showForm() {
    var thanks = document.getElementById("sv-thanks");
    if (thanks) { thanks.hidden = true; }
    form.hidden = false;
    window.scrollTo(0, 0);
    var first = form.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
  }

  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var item = {
        key: newKey(), survey: survey, unit: form.getAttribute("data-unit"), unitName: form.getAttribute("data-unit-name"),
        door: door, url: form.getAttribute("action"), created: new Date().toISOString(), state: "waiting", attempts: 0,
        body: answerOf(form)
      };
      item.body.key = item.key;
      current = item.key;
      save(item).then(function () {
        form.reset();
        form.hidden = true;
        var thanks = document.getElementById("sv-thanks");
        if (thanks) {
          thanks.hidden = false;
          thanks.focus();
        }
        var reset = document.getElementById("sv-reset");
        if (reset) {
          setTimeout(showForm, (parseInt(reset.getAttribute("data-reset-after"), 10) || 8) * 1000);
        }
        return render();
      }).then(sync);
    });
    var again = document.getElementById("sv-again");
    if (again) { again.addEventListener("click", showForm); }
  }

  document.getElementById("sv-retry").addEventListener("click", function () {
    pause = 2000;
    sync();
  });
  document.getElementById("sv-clear").addEventListener("click", function () {
    // Only answers whose outcome the server gave; the others stay.
    items().then(function (list) {
      return Promise.all(list.filter(function (i) { return i.state === "stored" || i.state === "refused"; })
        .map(function (i) { return drop(i.key); }));
    }).then(render);
  });
  window.addEventListener("online", function () {
    keepPages();
    pause = 2000;
    sync();
  });
  window.addEventListener("offline", render);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { sync(); }
  });

  keepPages();
  render().then(sync);
  setInterval(function () {
    if (!busy) { sync(); }
  }, 30000);
}());

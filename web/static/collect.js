// The collector's page: opinions wait on the device (IndexedDB, keyed by a key made here) and
// go to /collect/batch when the network is back; each is applied once per key by the server,
// so a retry, a flaky network or a second tab never records one twice.
(function () {
  "use strict";
  var root = document.getElementById("collect");
  if (!root || !window.indexedDB) return;
  var texts = document.getElementById("collect-texts").dataset;
  var form = document.getElementById("collect-form");
  var point = root.dataset.point;
  var drafts = JSON.parse(root.dataset.drafts || "[]");
  var DB = "liaison-collect", STORE = "opinions";

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/collect/sw.js", { scope: "/collect" }).catch(function () {});
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function open() {
    return new Promise(function (ok, fail) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "client_key" });
      };
      request.onsuccess = function () { ok(request.result); };
      request.onerror = function () { fail(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction(STORE, mode);
        var request = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); ok(request ? request.result : undefined); };
        t.onerror = t.onabort = function () { db.close(); fail(t.error); };
      });
    });
  }

  function all() { return run("readonly", function (s) { return s.getAll(); }); }
  function keep(record) { return run("readwrite", function (s) { return s.put(record); }); }

  function say(message) {
    var note = document.getElementById("collect-network");
    note.textContent = message || "";
    note.hidden = !message;
  }

  function render() {
    return all().then(function (records) {
      records.sort(function (a, b) { return a.saved_at < b.saved_at ? 1 : -1; });
      var list = document.getElementById("collect-queue");
      list.textContent = "";
      var waiting = 0;
      records.forEach(function (r) {
        var li = document.createElement("li");
        li.dataset.key = r.client_key;
        li.dataset.state = r.state;
        var state = document.createElement("span");
        state.className = "state";
        li.appendChild(state);
        if (r.state === "sent") {
          state.textContent = texts.sent + " ";
          var code = document.createElement("a");
          code.className = "receipt";
          code.href = "/receipts/" + encodeURIComponent(r.receipt) + "/slip";
          code.textContent = r.receipt;
          li.appendChild(code);
        } else if (r.state === "invalid") {
          state.textContent = texts.invalid + ": " + (r.errors || []).map(function (e) { return e.message; }).join("; ");
        } else {
          waiting += 1;
          state.textContent = texts.waiting;
        }
        li.appendChild(document.createTextNode(" · " + r.title + " · " + r.item.said_by.slice(0, 40)));
        list.appendChild(li);
      });
      document.getElementById("collect-waiting").textContent = String(waiting);
      document.getElementById("collect-queue-section").hidden = records.length === 0;
      return waiting;
    });
  }

  function sendNow() {
    return all().then(function (records) {
      var waiting = records.filter(function (r) { return r.state === "waiting"; });
      if (!waiting.length) return;
      return fetch("/collect/batch", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": root.dataset.csrf },
        body: JSON.stringify({ items: waiting.map(function (r) { return r.item; }) })
      }).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      }).then(function (answer) {
        var byKey = {};
        waiting.forEach(function (r) { byKey[r.client_key] = r; });
        return answer.results.reduce(function (done, result) {
          var record = byKey[result.client_key];
          if (!record) return done;
          if (result.status === "invalid") {
            record.state = "invalid";
            record.errors = result.errors;
          } else {
            record.state = "sent";
            record.receipt = result.receipt;
          }
          return done.then(function () { return keep(record); });
        }, Promise.resolve());
      }).then(function () { say(""); });
    });
  }

  var sending = null, retry = null, backoff = 1000;
  function send() {
    if (sending) return sending;  // one send at a time in this tab (and across tabs: a lock)
    var work = navigator.locks
      ? function () { return navigator.locks.request("liaison-collect-send", sendNow); }
      : sendNow;
    clearTimeout(retry);
    sending = work().then(function () {
      backoff = 1000;
    }, function () {
      say(navigator.onLine === false ? texts.offline : texts.failed);
      retry = setTimeout(send, backoff);  // the network may come back at any moment
      backoff = Math.min(backoff * 2, 30000);
    }).then(render).then(function () { sending = null; });
    return sending;
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var saidBy = String(data.get("said_by") || "").trim();
      var note = String(data.get("note") || "").trim();
      var draftId = String(data.get("draft_id"));
      var article = String(data.get("article") || "").trim();
      var draft = drafts.filter(function (d) { return d.id === draftId; })[0];
      var item = {
        client_key: newKey(),
        contact_point_id: point,
        draft_id: draftId,
        article: article ? Number(article) : null,
        said_by: saidBy,
        content: note || saidBy,
        channel: "collector",
        received_on: today()
      };
      if (data.get("consent")) {
        item.name = String(data.get("name") || "").trim() || null;
        item.phone = String(data.get("phone") || "").trim() || null;
        item.neighbourhood = String(data.get("neighbourhood") || "").trim() || null;
      }
      var record = {
        client_key: item.client_key,
        item: item,
        state: "waiting",
        saved_at: new Date().toISOString(),
        title: draft ? draft.title : ""
      };
      keep(record).then(function () {
        form.reset();
        return render();
      }).then(function () {
        document.getElementById("said_by").focus();
        if (navigator.onLine !== false) send(); else say(texts.offline);
      });
    });
  }

  document.getElementById("collect-send").addEventListener("click", function () { send(); });
  window.addEventListener("online", function () { send(); });
  window.addEventListener("offline", function () { say(texts.offline); });
  setInterval(function () { if (navigator.onLine !== false) send(); }, 15000);
  render().then(function () {
    root.dataset.ready = "1";
    if (navigator.onLine !== false) send(); else say(texts.offline);
  });
})();

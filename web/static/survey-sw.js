// The survey forms' service worker (served at /survey-sw.js and registered
// for /s/, /k/ or /i/ by survey-offline.js). It keeps the form pages and
// their assets so that a form opens without a network: pages network first
// (a fresh form when online, the kept copy offline), assets — whose
// addresses carry their version and never change — from the kept copy
// first. Answers are not its business: the page queues them (IndexedDB)
// and sends them itself. Plain JavaScript, no framework.
"use strict";

var CACHE = "parindex-survey-1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) {
      return k.indexOf("parindex-survey-") === 0 && k !== CACHE;
    }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// offline is the page shown for a form this device never opened.
function offline() {
  var html = "<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Không có mạng</title>" +
    "<body><h1>Không có mạng</h1><p>Trang này chưa được lưu trên máy. Xin mở lại khi có mạng.</p>" +
    "<p lang=\"en\">No network, and this page was never opened on this device.</p></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// withTimeout fails a fetch that takes longer than ms: a network that
// answers nothing is no better than none.
function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var t = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (v) { clearTimeout(t); resolve(v); }, function (e) { clearTimeout(t); reject(e); });
  });
}

function page(request) {
  return caches.open(CACHE).then(function (cache) {
    return withTimeout(fetch(request), 8000).then(function (response) {
      if (response.ok && !response.redirected) {
        var url = new URL(request.url);
        cache.put(url.pathname, response.clone());
      }
      return response;
    }).catch(function () {
      var url = new URL(request.url);
      return cache.match(url.pathname, { ignoreVary: true }).then(function (hit) {
        return hit || cache.match(request, { ignoreSearch: true, ignoreVary: true });
      }).then(function (hit) { return hit || offline(); });
    });
  });
}

function asset(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) {
          cache.put(request, response.clone());
        }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return; // answers go to the network, sent by the page's queue
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(request));
    return;
  }
  // The forms and an interviewer's pages; never a sign-in link, whose
  // token must not be kept.
  if (!/^\/(s|k|i)\//.test(url.pathname) || url.searchParams.has("token") || url.searchParams.has("device")) {
    return;
  }
  if (/\.(png|svg|webmanifest)$/.test(url.pathname)) {
    event.respondWith(asset(request));
    return;
  }
  event.respondWith(page(request));
});

// The collector page's service worker: /collect and its files are kept, so the page opens
// without a network once it has been opened once. Network first (the drafts stay current),
// the kept copy when there is no network. Opinions themselves wait in IndexedDB, not here.
"use strict";
var CACHE = "liaison-collect-v1";
var SHELL = ["/collect", "/static/collect.js", "/static/collect.css", "/static/site.css",
  "/static/collect.webmanifest", "/static/favicon.svg"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
      }).catch(function () {});
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) {
      return caches.delete(n);
    }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || SHELL.indexOf(url.pathname) < 0) return;
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (kept) {
      return kept || Response.error();
    });
  }));
});

// Live pages: when the server announces a run, fetch this page again and swap in its
// #live part. No reload, no framework.
(function () {
  if (!window.EventSource || !document.getElementById("live")) return;
  var project = document.body.getAttribute("data-project") || "";
  var url = "/events" + (project ? "?project=" + encodeURIComponent(project) : "");
  var source = new EventSource(url);
  source.addEventListener("run", function () {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        var old = document.getElementById("live");
        if (fresh && old) { old.replaceWith(fresh); document.body.setAttribute("data-updated", String(Date.now())); }
      });
  });
})();

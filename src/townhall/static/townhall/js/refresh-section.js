/* Progressive enhancement: a section marked data-refresh="<url>" is fetched
   again every 5 seconds (or every data-refresh-every milliseconds, at least 1000)
   and replaced in place, until the fresh copy no longer asks to be refreshed.
   Without JavaScript the section has a "Refresh" link. */
(function () {
  "use strict";
  var section = document.querySelector("[data-refresh]");
  if (!section || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = Math.max(parseInt(section.getAttribute("data-refresh-every"), 10) || 5000, 1000);
  section.setAttribute("aria-live", "polite");
  function refresh() {
    fetch(section.getAttribute("data-refresh"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(section.id);
        if (!fresh) { return; }
        section.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-refresh")) {
          window.setTimeout(refresh, every);
        } else {
          section.removeAttribute("data-refresh");
        }
      })
      .catch(function () { /* keep the last state; the Refresh link still works */ });
  }
  window.setTimeout(refresh, every);
})();

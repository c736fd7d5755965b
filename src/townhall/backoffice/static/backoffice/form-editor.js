/* Progressive enhancement of the form editor (backoffice/forms/edit.html): while the
   definition is typed, its problems, outline and step previews follow, fetched
   (debounced) from the editor's preview URL, a POST that saves nothing. Without
   JavaScript the "Check and preview" button shows the same. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) {
    return;
  }
  var text = form.querySelector("textarea[name=definition]");
  var timer = null;
  var asked = 0;
  function refresh() {
    var mine = ++asked;
    var data = new FormData(form);
    data.set("action", "preview");
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html || mine !== asked) { return; }  // a later answer is on its way
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["editor-result", "editor-preview"].forEach(function (id) {
          var now = document.getElementById(id);
          var next = fresh.getElementById(id);
          if (now && next) { now.innerHTML = next.innerHTML; }
        });
      })
      .catch(function () { /* keep what is shown; the button still works */ });
  }
  text.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 600);
  });
})();

/* Progressive enhancement: a form marked data-drop-file also takes a file dropped
   anywhere on its section; the file goes into the form's file field and the form is
   sent. Without JavaScript (or a browser without DataTransfer) the file field works
   alone, and the hint that says "drop it here" stays hidden. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-drop-file]");
  if (!form || typeof window.DataTransfer !== "function") {
    return;
  }
  var input = form.querySelector('input[type="file"]');
  var zone = form.closest("section") || form;
  var hint = zone.querySelector("[data-drop-hint]");
  if (!input) {
    return;
  }
  if (hint) {
    hint.hidden = false;
  }
  zone.classList.add("drop-zone");
  function over(event) {
    event.preventDefault();
    zone.classList.add("drop-zone--over");
  }
  function away() {
    zone.classList.remove("drop-zone--over");
  }
  zone.addEventListener("dragenter", over);
  zone.addEventListener("dragover", over);
  zone.addEventListener("dragleave", away);
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    away();
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) {
      return;
    }
    var one = new window.DataTransfer();
    one.items.add(files[0]);
    input.files = one.files;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
})();

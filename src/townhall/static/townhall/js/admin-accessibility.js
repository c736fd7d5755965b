/* Accessible names for widgets that Django admin's scripts build in the page
   (loaded by templates/admin/base_site.html). Each fix is applied again when a
   script adds rows or widgets (inline "Add another", the autocomplete).

   1. The autocomplete (select2) builds a combobox whose aria-labelledby points
      at its own, often empty, text: it gets the field's label as its name.
   2. The filter boxes of a many-to-many field (SelectFilter2) put aria-label on
      a bare <span>, which axe refuses (aria-prohibited-attr): it becomes an image. */
(function () {
  "use strict";
  var counter = 0;

  function labelIdFor(select) {
    if (!select.id) { return null; }
    var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (!label) { return null; }
    if (!label.id) { counter += 1; label.id = "townhall-label-" + counter; }
    return label.id;
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) { return; }
      var labelId = labelIdFor(select);
      if (!labelId) { return; }
      var combobox = container.querySelector('[role="combobox"]');
      var rendered = container.querySelector(".select2-selection__rendered");
      if (combobox && rendered) {
        combobox.setAttribute("aria-labelledby", labelId + " " + rendered.id);
        rendered.setAttribute("aria-labelledby", labelId);
      }
    });
  }

  function fixFilterIcons(root) {
    root.querySelectorAll(".search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function fixAll() {
    nameAutocompletes(document);
    fixFilterIcons(document);
  }

  document.addEventListener("DOMContentLoaded", function () {
    fixAll();
    new MutationObserver(fixAll).observe(document.body, { childList: true, subtree: true });
  });
})();

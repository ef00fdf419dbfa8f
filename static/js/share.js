/* Copy-link on article pages: without JavaScript the address stays in a read-only field;
   with it, a button copies it. No inline script or style (the site's CSP forbids them). */
(function () {
  "use strict";
  document.querySelectorAll(".share-copy").forEach(function (box) {
    var input = box.querySelector(".share-url");
    var button = box.querySelector(".copy-link");
    if (!input || !button || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        button.textContent = button.dataset.copied;
      }, function () {
        input.select();
      });
    });
  });
})();

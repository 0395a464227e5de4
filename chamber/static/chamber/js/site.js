// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // A form sent back with errors: take keyboard and screen-reader users to the summary.
  // After the page has loaded: scrolling to the form's #fragment would take focus away again.
  var errors = document.getElementById("form-errors");
  if (errors) {
    window.addEventListener("load", function () {
      errors.focus();
    });
  }
})();

(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;
  // The stylesheet already shows the toggle and keeps the menu closed (html.js, set in <head>):
  // this only adds the collapsible menu's own look for when it is opened.
  nav.classList.add("site-nav--collapsible");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
    nav.classList.toggle("is-open", !open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("is-open")) {
      toggle.setAttribute("aria-expanded", "false");
      nav.classList.remove("is-open");
      toggle.focus();
    }
  });
})();

(function () {
  "use strict";
  // Print buttons (receipts): shown only when there is script to press them; without it the
  // page says to use the browser's Print command.
  var buttons = document.querySelectorAll("[data-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // A form sent back with errors: take keyboard and screen-reader users to the summary.
  // After the page has loaded: scrolling to the form's #fragment would take focus away again.
  var errors = document.querySelector("[data-error-summary]");
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

(function () {
  "use strict";
  // The directory (#22). Wide screens: the filters panel (a <details>) stays open beside the
  // results. After a search or filter is sent, the new page takes focus to the results
  // heading and a live region reads out the count, so the change is heard and seen.
  var panel = document.querySelector("[data-filters-panel]");
  if (panel) {
    var wide = window.matchMedia("(min-width: 56rem)");
    var openOnWideScreens = function () {
      if (wide.matches) panel.open = true;
    };
    openOnWideScreens();
    wide.addEventListener("change", openOnWideScreens);
  }
  var heading = document.getElementById("results-heading");
  var live = document.getElementById("results-live");
  if (!heading || !live) return;
  var KEY = "chamber:results-sent";
  var forms = document.querySelectorAll("form.search-bar, [data-results-form]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function () {
      try {
        window.sessionStorage.setItem(KEY, "1");
      } catch (error) {
        // Storage refused (private mode): the page simply keeps the browser's focus.
      }
    });
  });
  var sent = false;
  try {
    sent = window.sessionStorage.getItem(KEY) === "1";
    window.sessionStorage.removeItem(KEY);
  } catch (error) {
    sent = false;
  }
  if (!sent) return;
  heading.focus();
  var summary = document.querySelector(".results-summary, .empty-state h3");
  // A moment after load, so that screen readers notice the region change.
  window.setTimeout(function () {
    live.textContent = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
  }, 150);
})();

(function () {
  "use strict";
  // Listing statistics (directory/engagement.py): a listing page counts one view when shown,
  // and one click of its website, phone or e-mail link when used, by a beacon carrying only
  // the listing and the kind. Nothing identifies the visitor; without script, nothing counts.
  var listing = document.querySelector("[data-engagement-url]");
  if (!listing || !navigator.sendBeacon || !window.URLSearchParams) return;
  var url = listing.getAttribute("data-engagement-url");
  var send = function (kind) {
    var body = new URLSearchParams();
    body.append("listing", listing.getAttribute("data-listing"));
    body.append("kind", kind);
    navigator.sendBeacon(url, body);
  };
  send("view");
  listing.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-engagement]") : null;
    if (link) send(link.getAttribute("data-engagement"));
  });
})();

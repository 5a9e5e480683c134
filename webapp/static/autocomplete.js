// Suggestions as you type in the search box: the ARIA 1.2 combobox pattern with a listbox
// popup (list autocomplete, manual selection). The input keeps focus; the active option is
// pointed at with aria-activedescendant. Down/Up move through the options (and open the list),
// Enter searches the active option, Escape closes the list, Tab leaves it. Suggestions come
// from /api/suggest, asked once the typing pauses. A file, not an inline script: the page's
// Content-Security-Policy allows scripts from 'self' only. Without it the box is a plain form.
(function () {
  "use strict";

  var DELAY_MS = 200;
  var MIN_CHARACTERS = 2;
  var LIMIT = 8;

  function setUp(input) {
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.id + "-status");
    var form = input.form;
    var url = input.getAttribute("data-suggest-url");
    var cache = new Map();
    var options = [];
    var active = -1;
    var timer = 0;
    var pending = null;
    if (!listbox || !form || !url) return;

    function say(text) {
      if (status) status.textContent = text;
    }

    function isOpen() {
      return input.getAttribute("aria-expanded") === "true";
    }

    function show(index) {
      active = index;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (options.length === 0) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      show(-1);
    }

    function cancel() {
      window.clearTimeout(timer);
      if (pending) pending.abort();
      pending = null;
    }

    function choose(index) {
      input.value = options[index].textContent;
      close();
      if (typeof form.requestSubmit === "function") form.requestSubmit();
      else form.submit();
    }

    function render(suggestions) {
      listbox.replaceChildren();
      options = suggestions.map(function (text, i) {
        var option = document.createElement("li");
        option.id = input.id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = text;
        // Keep the focus in the input when an option is clicked.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(i);
        });
        listbox.appendChild(option);
        return option;
      });
      show(-1);
      if (options.length > 0 && document.activeElement === input) {
        open();
        say(
          options.length + (options.length === 1 ? " suggestion" : " suggestions") +
            ": use the up and down arrow keys to choose, Enter to search."
        );
      } else {
        close();
        say("");
      }
    }

    function suggest() {
      var typed = input.value.trim();
      if (typed.length < MIN_CHARACTERS) {
        render([]);
        return;
      }
      if (cache.has(typed)) {
        render(cache.get(typed));
        return;
      }
      pending = new AbortController();
      var query = new URLSearchParams({ q: typed, limit: String(LIMIT) });
      fetch(url + "?" + query.toString(), {
        signal: pending.signal,
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (body) {
          var suggestions = Array.isArray(body.suggestions) ? body.suggestions : [];
          cache.set(typed, suggestions);
          if (input.value.trim() === typed) render(suggestions);
        })
        .catch(function () {
          // Cancelled by newer typing, or offline: no suggestions, and the search still works.
        });
    }

    input.addEventListener("input", function () {
      cancel();
      timer = window.setTimeout(suggest, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Down") {
        if (options.length === 0) return;
        event.preventDefault();
        var wasOpen = isOpen();
        open();
        if (!event.altKey) show(wasOpen ? (active + 1) % options.length : 0);
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        if (options.length === 0) return;
        event.preventDefault();
        var opened = isOpen();
        open();
        show(opened && active > 0 ? active - 1 : options.length - 1);
      } else if (event.key === "Enter") {
        if (isOpen() && active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape" || event.key === "Esc") {
        cancel();
        if (isOpen()) {
          event.preventDefault(); // a search field would also clear itself
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", close);
    form.addEventListener("submit", function () {
      cancel();
      close();
    });
  }

  document.querySelectorAll('input[role="combobox"][data-suggest-url]').forEach(setUp);
})();

/* Records forms, enhanced: move focus to an error summary, warning or conflict panel; narrow
   the sub-event types to the chosen event type. Everything works without this script. */
(function () {
  "use strict";

  var panel = document.querySelector("[data-autofocus]");
  if (panel) {
    panel.focus();
  }

  // The review queue: j / k move between items, o opens one, p publishes it.
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-queue-item]"));
  if (items.length) {
    var current = items.indexOf(document.getElementById(location.hash.slice(1)));
    if (current >= 0) {
      items[current].focus();
    }
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.ctrlKey || event.metaKey || event.altKey ||
          /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable) {
        return;
      }
      var here = items.indexOf(target.closest ? target.closest("[data-queue-item]") : null);
      if (event.key === "j" || event.key === "k") {
        var next = event.key === "j" ? here + 1 : here - 1;
        if (here < 0) {
          next = 0;
        }
        if (next >= 0 && next < items.length) {
          items[next].focus();
          items[next].scrollIntoView({block: "nearest"});
        }
        event.preventDefault();
      } else if (here >= 0 && event.key === "o") {
        items[here].querySelector("h3 a").click();
      } else if (here >= 0 && event.key === "p") {
        var button = items[here].querySelector("[data-shortcut=publish]");
        if (button) {
          button.click();
        }
      }
    });
  }

  var eventType = document.getElementById("event_type");
  var subType = document.getElementById("sub_event_type");
  if (!eventType || !subType) {
    return;
  }

  function narrow() {
    var chosen = eventType.value;
    var groups = subType.querySelectorAll("optgroup");
    groups.forEach(function (group) {
      var keep = group.label === "" || chosen === "" || group.label === chosen;
      group.hidden = !keep;
      group.disabled = !keep;
    });
    var selected = subType.options[subType.selectedIndex];
    if (selected && selected.parentElement.disabled) {
      subType.value = "";
    }
  }

  eventType.addEventListener("change", narrow);
  narrow();
})();

/* Records forms, enhanced: move focus to an error summary, warning or conflict panel; narrow
   the sub-event types to the chosen event type. Everything works without this script. */
(function () {
  "use strict";

  var panel = document.querySelector("[data-autofocus]");
  if (panel) {
    panel.focus();
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

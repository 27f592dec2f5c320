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

  // "Add another source/claim": insert one blank row after the last, in place, and move focus
  // to its first field. Without this script the button posts and the server adds the row.
  function renumber(element, prefix, index) {
    var pattern = new RegExp("^" + prefix + "-\\d+-");
    ["id", "name", "for", "aria-describedby"].forEach(function (attribute) {
      var value = element.getAttribute(attribute);
      if (value) {
        element.setAttribute(attribute, value.split(" ").map(function (part) {
          return part.replace(pattern, prefix + "-" + index + "-");
        }).join(" "));
      }
    });
  }

  function addRow(button) {
    var prefix = button.dataset.addRow;
    var rows = button.parentElement.querySelectorAll("fieldset[data-row]");
    var last = rows[rows.length - 1];
    if (!last) { return false; }
    var row = last.cloneNode(true);
    var index = rows.length;
    row.querySelectorAll(".error-message").forEach(function (message) { message.remove(); });
    row.querySelectorAll(".field-error").forEach(function (field) { field.classList.remove("field-error"); });
    row.querySelectorAll("*").forEach(function (element) { renumber(element, prefix, index); });
    row.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.tagName === "SELECT") { field.selectedIndex = 0; }
      else if (field.type === "checkbox" || field.type === "radio") { field.checked = false; }
      else { field.value = ""; }
      field.removeAttribute("aria-invalid");
      field.removeAttribute("autofocus");
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && !/-error$/.test(id);
      });
      if (described.length) { field.setAttribute("aria-describedby", described.join(" ")); }
      else { field.removeAttribute("aria-describedby"); }
    });
    row.querySelector("legend").textContent = last.dataset.row + " " + (index + 1);
    last.after(row);
    row.querySelector("input, select, textarea").focus();
    return true;
  }

  document.querySelectorAll("button[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (addRow(button)) { event.preventDefault(); }
    });
  });

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

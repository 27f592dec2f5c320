/* An upload's page while its job runs: ask the server how far it got every second, show it,
   and reload the page once the job is over. Without this script the page refreshes itself. */
(function () {
  "use strict";

  var box = document.querySelector("[data-job-status]");
  if (!box) {
    return;
  }
  var rows = box.querySelector("[data-job-rows]");
  var percent = box.querySelector("[data-job-percent]");
  var bar = box.querySelector("[data-job-bar]");
  var waiting = box.querySelector("[data-job-waiting]");
  var number = new Intl.NumberFormat("en");
  var failures = 0;

  function show(status) {
    if (status.state === "running") {
      rows.textContent = "About " + number.format(status.rows_done) + " of " +
        number.format(status.rows_total) + " rows";
      percent.textContent = "(" + status.percent + "%)";
      bar.value = status.percent;
      bar.textContent = status.percent + "%";
      document.title = status.percent + "% " + document.title.replace(/^\d+% /, "");
      if (waiting) {
        waiting.hidden = true;
      }
    }
  }

  function poll() {
    fetch(box.getAttribute("data-job-status"), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (status.finished) {
          window.location.reload();
          return;
        }
        show(status);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        // A server restarting answers again soon; after a minute, a plain reload tells why.
        failures += 1;
        if (failures > 30) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      });
  }

  window.setTimeout(poll, 1000);
})();

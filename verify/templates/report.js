(function () {
  "use strict";
  // Summary table: filter, sort, and a click on a row opens its details. Works offline.
  // Rows come most serious first; ranked columns (verdict, basis, integrity) sort by a
  // `data-sort` rank, so ascending order puts the most serious first.
  var table = document.getElementById("summary");
  if (!table) {
    return;
  }
  var body = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter-text");
  var verdict = document.getElementById("filter-verdict");
  var shown = document.getElementById("shown-count");

  rows.forEach(function (row, index) {
    row.dataset.order = String(index);
    row.addEventListener("click", function (event) {
      if (event.target.closest("a")) {
        return;
      }
      window.location.hash = row.dataset.target;
    });
  });

  var chips = Array.prototype.slice.call(document.querySelectorAll("[data-filter-verdict]"));

  function applyFilter() {
    chips.forEach(function (chip) {
      chip.setAttribute("aria-pressed", String(chip.dataset.filterVerdict === verdict.value));
    });
    var query = text.value.trim().toLowerCase();
    var wanted = verdict.value;
    var count = 0;
    rows.forEach(function (row) {
      var match = (!wanted || row.dataset.verdict === wanted) &&
        (!query || row.textContent.toLowerCase().indexOf(query) !== -1);
      row.hidden = !match;
      if (match) {
        count += 1;
      }
    });
    shown.textContent = count + " of " + rows.length + " shown";
  }
  text.addEventListener("input", applyFilter);
  verdict.addEventListener("change", applyFilter);
  chips.forEach(function (chip) {
    chip.addEventListener("click", function () {
      verdict.value = verdict.value === chip.dataset.filterVerdict ? "" : chip.dataset.filterVerdict;
      applyFilter();
    });
  });

  function key(row, column) {
    var cell = row.cells[column];
    return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
  }
  heads.forEach(function (head, column) {
    var button = head.querySelector("button");
    button.addEventListener("click", function () {
      var ascending = head.getAttribute("aria-sort") !== "ascending";
      var numeric = head.dataset.type === "number";
      heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
      head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = key(a, column);
        var y = key(b, column);
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, {numeric: true});
        if (order === 0) {
          order = Number(a.dataset.order) - Number(b.dataset.order);
          return order;
        }
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
}());

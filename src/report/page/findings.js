// The findings table of report.html: filters, sorting and pages over the findings the page
// holds as JSON. Every value is put in the page as text (textContent), never as markup.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("findings-data").textContent);
  const column = Object.fromEntries(data.columns.map((name, i) => [name, i]));
  const rows = data.rows;
  const PAGE = 100;
  const FILTERS = [["error", "ERROR"], ["severity", "SEVERITY"], ["attribute", "ATTRIBUTE"], ["class", "OBJECTCLASS"], ["rule", "RULE"], ["ou", "OU"]];
  const SHOWN = ["DISTINGUISHEDNAME", "OBJECTCLASS", "ATTRIBUTE", "ERROR", "VALUE", "UPDATE", "RULE", "SEVERITY", "FIX", "DETAIL"];
  const SHORT = ["OBJECTCLASS", "SEVERITY", "FIX"];
  const LABELS = { DISTINGUISHEDNAME: "DN", OBJECTCLASS: "Class", ATTRIBUTE: "Attribute", ERROR: "Error", VALUE: "Value",
    UPDATE: "Update", RULE: "Rule", SEVERITY: "Severity", FIX: "Fix", DETAIL: "Detail" };
  const state = { text: "", page: 0, sort: null, descending: false };
  FILTERS.forEach(([key]) => { state[key] = ""; });
  const rulesOf = (row) => row[column.RULE].split(", ");
  const byId = (id) => document.getElementById(id);

  for (const [key, name] of FILTERS) {
    const select = byId("filter-" + key);
    const counts = new Map();
    for (const row of rows) {
      for (const value of name === "RULE" ? rulesOf(row) : [row[column[name]]]) {
        counts.set(value, (counts.get(value) || 0) + 1);
      }
    }
    for (const value of [...counts.keys()].sort()) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = (value === "" ? "(empty)" : value) + " (" + counts.get(value) + ")";
      select.appendChild(option);
    }
    select.addEventListener("change", () => { state[key] = select.value; state.page = 0; update(); });
  }

  let typing = null;
  byId("filter-text").addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.text = event.target.value.toLowerCase(); state.page = 0; update(); }, 120);
  });
  byId("filter-clear").addEventListener("click", () => { location.hash = ""; setFilters(new URLSearchParams()); });

  const head = byId("findings-head");
  SHOWN.forEach((name) => {
    const th = document.createElement("th");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = LABELS[name];
    button.addEventListener("click", () => {
      state.descending = state.sort === name ? !state.descending : false;
      state.sort = name;
      update();
    });
    th.appendChild(button);
    head.appendChild(th);
  });

  function matches(row) {
    for (const [key, name] of FILTERS) {
      const wanted = state[key];
      if (wanted === "") continue;
      if (name === "RULE" ? !rulesOf(row).includes(wanted) : row[column[name]] !== wanted) return false;
    }
    if (state.text === "") return true;
    return row.some((cell) => cell.toLowerCase().includes(state.text));
  }

  let view = rows;
  function update() {
    view = rows.filter(matches);
    if (state.sort !== null) {
      const at = column[state.sort];
      const sign = state.descending ? -1 : 1;
      view.sort((a, b) => (a[at] < b[at] ? -sign : a[at] > b[at] ? sign : 0));
    }
    render();
  }

  function render() {
    const pages = Math.max(1, Math.ceil(view.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    const first = state.page * PAGE;
    const body = document.createElement("tbody");
    body.id = "findings-body";
    for (const row of view.slice(first, first + PAGE)) {
      const tr = document.createElement("tr");
      for (const name of SHOWN) {
        const td = document.createElement("td");
        td.textContent = row[column[name]];
        if (SHORT.includes(name)) td.className = "short";
        if (name === "SEVERITY") td.className = "short sev-" + row[column[name]];
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    byId("findings-body").replaceWith(body);
    byId("findings-count").textContent = view.length === rows.length
      ? rows.length + " findings"
      : view.length + " of " + rows.length + " findings";
    byId("findings-count").dataset.count = view.length;
    byId("page-text").textContent = view.length === 0 ? "no rows"
      : "rows " + (first + 1) + "–" + Math.min(first + PAGE, view.length) + ", page " + (state.page + 1) + " of " + pages;
    byId("page-previous").disabled = state.page === 0;
    byId("page-next").disabled = state.page >= pages - 1;
  }
  byId("page-previous").addEventListener("click", () => { state.page -= 1; render(); });
  byId("page-next").addEventListener("click", () => { state.page += 1; render(); });

  // A chart's bar links to "#error=Character" (or rule, class, ou...): the table shows those rows.
  function setFilters(params) {
    for (const [key] of FILTERS) {
      state[key] = params.get(key) || "";
      byId("filter-" + key).value = state[key];
    }
    state.page = 0;
    update();
  }
  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if ([...params.keys()].some((key) => FILTERS.some(([name]) => name === key))) {
      setFilters(params);
      byId("findings").scrollIntoView();
    }
  }
  window.addEventListener("hashchange", fromHash);
  byId("findings-table").hidden = false;
  byId("findings-controls").hidden = false;
  update();
  fromHash();
  document.body.dataset.ready = String(performance.now());
})();

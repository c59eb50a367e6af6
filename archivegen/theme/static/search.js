// archivegen full-text search: Pagefind, one bundle per year at BASE/pagefind/YYYY/.
//
// The newest year in the chosen range is imported as the primary index and every other year in
// the range is merged into it, so only the bundles the reader asked for are ever fetched.
// Every field that comes from an article (title, date, URL, excerpt, tag names) is inserted as
// text; the excerpt's <mark> highlights are parsed here and rebuilt as elements.

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 200;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

const root = document.getElementById("search");
if (root) start(root);

function start(root) {
  const basePath = root.dataset.basePath || "/";
  const years = (root.dataset.years || "").split(/\s+/).filter(Boolean).map(Number)
    .filter(Number.isInteger).sort((a, b) => b - a);
  const el = {
    form: root.querySelector("form"),
    q: document.getElementById("search-q"),
    tag: document.getElementById("search-tag"),
    year: document.getElementById("search-year"),
    sort: document.getElementById("search-sort"),
    from: document.getElementById("search-from"),
    to: document.getElementById("search-to"),
    status: document.getElementById("search-status"),
    results: document.getElementById("search-results"),
    more: document.getElementById("search-more"),
  };

  let engine = null;        // {years: "2018-2021", api, filters} for the loaded range
  let enginePromise = null;
  let generation = 0;       // bumps on every new search: stale responses are dropped
  let pending = [];         // results of the current search not shown yet
  let shown = 0;
  let timer = 0;

  // --- state <-> URL -----------------------------------------------------------------------

  const params = new URLSearchParams(location.search);
  el.q.value = params.get("q") || "";
  setSelect(el.sort, params.get("sort"));
  setSelect(el.from, params.get("from"));
  setSelect(el.to, params.get("to"));
  const wantedTag = params.get("tag") || "";
  const wantedYear = params.get("year") || "";
  // Until the index's filter lists arrive, a filter from the URL is the only choice offered.
  for (const [select, value] of [[el.tag, wantedTag], [el.year, wantedYear]]) {
    if (value) select.append(new Option(value, value, true, true));
  }

  function writeUrl() {
    const p = new URLSearchParams();
    if (el.q.value.trim()) p.set("q", el.q.value.trim());
    if (el.tag.value) p.set("tag", el.tag.value);
    if (el.year.value) p.set("year", el.year.value);
    if (el.sort.value !== "relevance") p.set("sort", el.sort.value);
    const [lo, hi] = range();
    if (years.length && lo !== years[years.length - 1]) p.set("from", String(lo));
    if (years.length && hi !== years[0]) p.set("to", String(hi));
    const query = p.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function range() {
    let lo = Number(el.from.value) || years[years.length - 1];
    let hi = Number(el.to.value) || years[0];
    if (lo > hi) [lo, hi] = [hi, lo];
    return [lo, hi];
  }

  // --- Pagefind instances ------------------------------------------------------------------

  async function loadEngine() {
    const [lo, hi] = range();
    const chosen = years.filter(y => y >= lo && y <= hi);
    const key = chosen.join(",");
    if (engine && engine.key === key) return engine;
    if (enginePromise && enginePromise.key === key) return enginePromise.promise;
    const promise = (async () => {
      if (engine) {
        const old = engine;
        engine = null;
        for (const instance of [old.api, ...old.perYear.values()]) {
          try { await instance?.destroy(); } catch { /* already gone */ }
        }
      }
      if (!chosen.length) return {key, api: null, filters: {}, years: [], perYear: new Map()};
      const module = await import(`${basePath}pagefind/${chosen[0]}/pagefind.js`);
      const api = module.createInstance({basePath: `${basePath}pagefind/${chosen[0]}/`, baseUrl: basePath});
      await api.options({baseUrl: basePath, excerptLength: 30});
      for (const year of chosen.slice(1)) {
        await api.mergeIndex(`${basePath}pagefind/${year}/`, {baseUrl: basePath});
      }
      const filters = await api.filters();
      return {key, api, filters: filters || {}, years: chosen, perYear: new Map(), module};
    })();
    enginePromise = {key, promise};
    try {
      const loaded = await promise;
      if (enginePromise && enginePromise.key === key) {
        engine = loaded;
        enginePromise = null;
        fillFilters(loaded.filters);
      }
      return loaded;
    } catch (err) {
      if (enginePromise && enginePromise.key === key) enginePromise = null;
      throw err;
    }
  }

  function fillFilters(filters) {
    fillSelect(el.tag, "All tags", filters.tag || {}, el.tag.value || wantedTag, false);
    fillSelect(el.year, "All years", filters.year || {}, el.year.value || wantedYear, true);
  }

  function fillSelect(select, allLabel, counts, keep, newestFirst) {
    const names = Object.keys(counts).sort((a, b) => a.localeCompare(b, undefined, {numeric: true}));
    if (newestFirst) names.reverse();
    const options = [new Option(allLabel, "")];
    for (const name of names) {
      options.push(new Option(`${name} (${counts[name]})`, name)); // Option() sets text, not HTML
    }
    select.replaceChildren(...options);
    select.value = names.includes(keep) ? keep : "";
    select.disabled = false;
  }

  // --- searching ---------------------------------------------------------------------------

  function filterOptions() {
    const filters = {};
    if (el.tag.value) filters.tag = el.tag.value;
    if (el.year.value) filters.year = el.year.value;
    return filters;
  }

  async function runSearch() {
    clearTimeout(timer);
    const mine = ++generation;
    writeUrl();
    const term = el.q.value.trim();
    if (!term && !Object.keys(filterOptions()).length) {
      pending = [];
      shown = 0;
      el.results.replaceChildren();
      el.more.hidden = true;
      setStatus("");
      // Warm up the index (and the filter lists) for the first keystroke.
      loadEngine().catch(fail);
      return;
    }
    setStatus("Searching…");
    let found;
    try {
      const loaded = await loadEngine();
      if (mine !== generation) return;
      const filters = filterOptions(); // after loading: the lists may have changed with the range
      if (!loaded.api) {
        found = {results: []};
      } else if (el.sort.value === "newest") {
        found = await searchNewest(loaded, term || null, filters);
      } else {
        found = await loaded.api.search(term || null, {filters});
      }
    } catch (err) {
      if (mine === generation) fail(err);
      return;
    }
    if (mine !== generation || !found) return;
    pending = found.results.slice();
    shown = 0;
    el.results.replaceChildren();
    const total = found.results.length;
    setStatus(total === 0 ? "No results."
      : total === 1 ? "1 result." : `${total.toLocaleString("en")} results.`);
    await showMore(mine);
  }

  async function showMore(mine = generation) {
    const batch = pending.splice(0, PAGE_SIZE);
    el.more.disabled = true;
    try {
      const data = await Promise.all(batch.map(r => r.data())); // only the results shown
      if (mine !== generation) return;
      const start = shown;
      for (const item of data) el.results.append(renderResult(item));
      shown += data.length;
      if (start > 0) el.results.children[start]?.querySelector("a")?.focus();
    } catch (err) {
      if (mine === generation) fail(err);
      return;
    } finally {
      el.more.disabled = false;
    }
    el.more.hidden = pending.length === 0;
  }

  function renderResult(data) {
    const meta = data.meta || {};
    const li = document.createElement("li");
    const h2 = document.createElement("h2");
    const a = document.createElement("a");
    a.href = safeUrl(data.url);
    a.textContent = meta.title || data.url;
    h2.append(a);
    li.append(h2);
    if (meta.date) {
      const p = document.createElement("p");
      p.className = "meta";
      const time = document.createElement("time");
      time.dateTime = meta.date;
      time.textContent = formatDate(meta.date);
      p.append(time);
      li.append(p);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    appendExcerpt(excerpt, data.excerpt || meta.summary || "");
    li.append(excerpt);
    return li;
  }

  // Pagefind sorts within each index, but merged results are interleaved by score. Each bundle
  // is one year, so searching the years one by one, newest first, gives a true date order.
  async function searchNewest(loaded, term, filters) {
    const results = [];
    for (const year of loaded.years) {
      if (filters.year && filters.year !== String(year)) continue;
      let instance = loaded.perYear.get(year);
      if (!instance) {
        instance = loaded.module.createInstance({basePath: `${basePath}pagefind/${year}/`, baseUrl: basePath});
        await instance.options({baseUrl: basePath, excerptLength: 30});
        loaded.perYear.set(year, instance);
      }
      const found = await instance.search(term, {filters, sort: {date: "desc"}});
      results.push(...found.results);
    }
    return {results};
  }

  function setStatus(text) {
    el.status.textContent = text;
  }

  function fail(err) {
    setStatus("Search is unavailable right now.");
    console.warn("search:", err);
  }

  // --- events ------------------------------------------------------------------------------

  el.form.addEventListener("submit", event => { event.preventDefault(); runSearch(); });
  el.q.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(runSearch, DEBOUNCE_MS);
  });
  for (const select of [el.tag, el.year, el.sort]) select.addEventListener("change", runSearch);
  for (const select of [el.from, el.to]) {
    select.addEventListener("change", () => {
      // A new range is a new set of bundles: the filter lists are rebuilt from it.
      el.tag.disabled = el.year.disabled = true;
      runSearch();
    });
  }
  el.more.addEventListener("click", () => showMore());

  setStatus("");
  runSearch();
}

// --- helpers (pure) ------------------------------------------------------------------------

function setSelect(select, value) {
  if (value && [...select.options].some(o => o.value === value)) select.value = value;
}

function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1] || ""} ${m[1]}`;
}

// Result URLs come from our own index, but are still checked: only same-origin http(s) paths.
function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    if (parsed.origin === location.origin && /^https?:$/.test(parsed.protocol)) return parsed.href;
  } catch { /* fall through */ }
  return "#";
}

// Pagefind excerpts are text with HTML entities and <mark>...</mark> around matches. Only the
// exact tags <mark> and </mark> are honoured; everything else, tags included, becomes text.
function appendExcerpt(parent, excerpt) {
  let target = parent;
  for (const part of String(excerpt).split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") {
      if (target === parent) {
        target = document.createElement("mark");
        parent.append(target);
      }
    } else if (part === "</mark>") {
      target = parent;
    } else if (part) {
      target.append(document.createTextNode(decodeEntities(part)));
    }
  }
}

const NAMED = {amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0", "#39": "'"};

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
    const lower = name.toLowerCase();
    if (lower in NAMED) return NAMED[lower];
    let code = NaN;
    if (lower.startsWith("#x")) code = parseInt(lower.slice(2), 16);
    else if (lower.startsWith("#")) code = parseInt(lower.slice(1), 10);
    if (Number.isInteger(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
      return String.fromCodePoint(code);
    }
    return whole;
  });
}

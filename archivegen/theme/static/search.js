// archivegen full-text search: Pagefind shards plus a delta bundle, described by the manifest
// BASE/pagefind/index.json that the build writes.
//
// Base shards hold date-ordered runs of articles; the delta holds articles added or edited since
// their shard was built, and the manifest lists the base records ("superseded" ids) they
// replace or delete. A year range loads only the shards that hold those years, plus the delta.
// Superseded results are dropped before anything is counted or shown, so the page finds exactly
// what a clean build would. The tag and year menus count from the manifest, because Pagefind's
// own counts are summed over bundles and include superseded records.
//
// Every field that comes from an article (title, date, URL, excerpt, tag names) is inserted as
// text; the excerpt's <mark> highlights are parsed here and rebuilt as elements.

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 200;
const EXCERPT_LENGTH = 30;
const MANIFEST_FORMAT = 1;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];

const root = document.getElementById("search");
if (root) start(root);

function start(root) {
  const basePath = root.dataset.basePath || "/";
  const indexBase = `${basePath}pagefind/`;
  const pagefindOptions = {baseUrl: basePath, excerptLength: EXCERPT_LENGTH};
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

  // The manifest changes with every build, so the browser must revalidate it every time.
  const manifestReady = fetch(`${indexBase}index.json`, {cache: "no-cache"}).then(async response => {
    if (!response.ok) throw new Error(`index.json: HTTP ${response.status}`);
    return readManifest(await response.json());
  });
  let menusFor = "";        // the range the tag/year menus were counted for
  let engine = null;        // {key, promise}: the Pagefind instances of the current range
  let generation = 0;       // bumps on every new search: stale responses are dropped
  let cursor = listCursor([]); // the current search's results, handed out a page at a time
  let shown = 0;
  let timer = 0;

  // --- state <-> URL -----------------------------------------------------------------------

  const params = new URLSearchParams(location.search);
  el.q.value = params.get("q") || "";
  setSelect(el.sort, params.get("sort"));
  setSelect(el.from, params.get("from"));
  setSelect(el.to, params.get("to"));
  // Until the manifest's menus arrive, a filter from the URL is the only choice offered; the
  // first fill keeps it if the range has it.
  for (const [select, value] of [[el.tag, params.get("tag")], [el.year, params.get("year")]]) {
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

  // --- menus -------------------------------------------------------------------------------

  function syncMenus(manifest, scope) {
    const key = scope.years.join(",");
    if (key === menusFor) return;
    menusFor = key;
    const counts = rangeCounts(manifest, scope.years);
    fillSelect(el.tag, "All tags", counts.tags, false);
    fillSelect(el.year, "All years", counts.years, true);
  }

  // --- Pagefind instances ------------------------------------------------------------------

  // One merged instance per range (reused while the range's bundles stay the same); the
  // single-bundle instances that "newest first" needs are created on demand and go with it.
  function getEngine(scope) {
    if (engine && engine.key === scope.key) return engine.promise;
    const old = engine;
    const promise = openEngine(scope.bundles);
    engine = {key: scope.key, promise};
    promise.catch(() => { if (engine && engine.promise === promise) engine = null; }); // retry next time
    // The old instances go once the new ones are up, so Pagefind's shared worker stays up.
    if (old) promise.then(() => retire(old.promise), () => retire(old.promise));
    return promise;
  }

  async function openEngine(bundles) {
    // The newest bundle is the primary: it alone loads Pagefind's wasm. Merged bundles reuse it.
    const [primary, ...others] = bundles;
    const module = await import(`${indexBase}${primary.path}pagefind.js`);
    const merged = module.createInstance({basePath: indexBase + primary.path, baseUrl: basePath});
    await merged.options(pagefindOptions);
    await Promise.all(others.map(b => merged.mergeIndex(indexBase + b.path, pagefindOptions)));
    return {module, merged, single: new Map(), retired: false};
  }

  // Pagefind's merged search re-sorts by score, so a date order needs one instance per bundle.
  function bundleInstance(loaded, bundle) {
    if (loaded.retired) return Promise.reject(new Error("stale search"));
    if (!loaded.single.has(bundle.path)) {
      const instance = loaded.module.createInstance({basePath: indexBase + bundle.path, baseUrl: basePath});
      loaded.single.set(bundle.path, instance.options(pagefindOptions).then(() => instance));
    }
    return loaded.single.get(bundle.path);
  }

  async function retire(promise) {
    let loaded;
    try { loaded = await promise; } catch { return; }
    loaded.retired = true;
    for (const pending of [loaded.merged, ...loaded.single.values()]) {
      try { await (await pending).destroy(); } catch { /* already gone */ }
    }
  }

  // --- searching ---------------------------------------------------------------------------

  function searchFilters(scope) {
    const filters = {};
    if (el.tag.value) filters.tag = el.tag.value;
    // A chosen shard may hold years outside the range, and the delta holds any year.
    if (el.year.value) filters.year = el.year.value;
    else if (scope.yearFilter) filters.year = {any: scope.yearFilter};
    return filters;
  }

  async function runSearch() {
    clearTimeout(timer);
    const mine = ++generation;
    let manifest;
    try {
      manifest = await manifestReady;
    } catch (err) {
      if (mine === generation) fail(err);
      return;
    }
    if (mine !== generation) return;
    const scope = chooseScope(manifest, ...range(), years);
    syncMenus(manifest, scope); // before reading the filters: a new range may drop a choice
    writeUrl();
    const term = el.q.value.trim() || null;
    if (term === null && !el.tag.value && !el.year.value) {
      cursor = listCursor([]);
      el.results.replaceChildren();
      el.more.hidden = true;
      setStatus("");
      root.dataset.done = location.search;
      // Warm up the range's bundles for the first keystroke.
      if (scope.bundles.length) getEngine(scope).catch(err => { if (mine === generation) fail(err); });
      return;
    }
    setStatus("Searching…");
    let found;
    try {
      found = await searchScope(manifest, scope, term, searchFilters(scope), el.sort.value === "newest");
    } catch (err) {
      if (mine === generation) fail(err);
      return;
    }
    if (mine !== generation) return;
    cursor = found;
    shown = 0;
    el.results.replaceChildren();
    el.more.hidden = true;
    setStatus(countText(found.total));
    if (found.total) await showMore(mine);
    if (mine === generation) root.dataset.done = location.search; // tests and benchmarks wait for it
  }

  async function searchScope(manifest, scope, term, filters, newest) {
    if (!scope.bundles.length) return listCursor([]);
    const loaded = await getEngine(scope);
    // Every result is listed at once; fragments load only on data(), so dropping superseded
    // ids here costs nothing and keeps them out of the count.
    const relevant = live((await loaded.merged.search(term, {filters})).results, manifest.superseded);
    if (!newest || !relevant.length) return listCursor(relevant);
    const open = bundle => bundleInstance(loaded, bundle);
    const streams = [];
    if (scope.delta) streams.push(deltaByDate(scope.delta, open, term, filters, manifest.superseded));
    streams.push(shardsByDate(scope.shards, open, term, filters, manifest.superseded));
    return streamCursor(newestFirst(streams), relevant.length);
  }

  async function showMore(mine = generation) {
    const from = cursor;
    el.more.disabled = true;
    try {
      const data = await from.take(PAGE_SIZE);
      if (mine !== generation || from !== cursor) return;
      const first = shown;
      for (const item of data) el.results.append(renderResult(item));
      shown += data.length;
      if (first > 0) el.results.children[first]?.querySelector("a")?.focus();
      el.more.hidden = from.done || shown >= from.total;
    } catch (err) {
      if (mine === generation) fail(err);
    } finally {
      el.more.disabled = false;
    }
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
  for (const select of [el.tag, el.year, el.sort, el.from, el.to]) {
    select.addEventListener("change", runSearch);
  }
  el.more.addEventListener("click", () => showMore());

  setStatus("");
  runSearch();
}

// --- the manifest (pure) -------------------------------------------------------------------

// Counts and tag names become Maps: a tag may be called "__proto__".
function readManifest(json) {
  if (!json || json.format !== MANIFEST_FORMAT) throw new Error(`index.json: unknown format ${json?.format}`);
  const entries = value => Object.entries(value && typeof value === "object" ? value : {});
  const counts = value => new Map(entries(value).map(([key, n]) => [key, Number(n) || 0]));
  const bundle = b => ({...b, path: String(b.path).replace(/\/?$/, "/")});
  return {
    shards: (json.shards || []).map(s => ({...bundle(s), years: (s.years || []).map(Number)})),
    delta: json.delta && json.delta.articles !== 0
      ? {...bundle(json.delta), dates: new Map(entries(json.delta.dates))} : null,
    superseded: new Set(json.superseded || []),
    years: counts(json.years),
    tags: new Map(entries(json.tags).map(([tag, perYear]) => [tag, counts(perYear)])),
  };
}

// What a year range [lo, hi] searches: the shards holding any of its years (newest first),
// the delta, and the year filter to apply unless the range covers every year of the archive.
function chooseScope(manifest, lo, hi, archiveYears) {
  const all = new Set(archiveYears);
  for (const year of manifest.years.keys()) all.add(Number(year));
  for (const shard of manifest.shards) shard.years.forEach(y => all.add(y));
  const inRange = y => y >= lo && y <= hi;
  const chosen = [...all].filter(inRange).sort((a, b) => b - a);
  const shards = chosen.length ? manifest.shards.filter(s => s.years.some(inRange)).reverse() : [];
  const delta = chosen.length ? manifest.delta : null;
  const bundles = delta ? [...shards, delta] : shards;
  return {
    years: chosen, shards, delta, bundles,
    key: bundles.map(b => b.path).join(" "),
    yearFilter: chosen.length < all.size ? chosen.map(String) : null,
  };
}

// The menus' counts for the chosen years: live articles per year, and per tag summed over them.
function rangeCounts(manifest, years) {
  const wanted = years.map(String);
  const yearCounts = new Map(wanted.filter(y => manifest.years.get(y)).map(y => [y, manifest.years.get(y)]));
  const tagCounts = new Map();
  for (const [tag, perYear] of manifest.tags) {
    const n = wanted.reduce((sum, y) => sum + (perYear.get(y) || 0), 0);
    if (n) tagCounts.set(tag, n);
  }
  return {years: yearCounts, tags: tagCounts};
}

function live(results, superseded) {
  return results.filter(r => !superseded.has(r.id));
}

// --- result cursors (pure) -----------------------------------------------------------------

// A cursor hands out the data of a search's results a page at a time: {total, done, take(n)}.
function listCursor(results) {
  let next = 0;
  return {
    total: results.length,
    get done() { return next >= results.length; },
    take(n) {
      const batch = results.slice(next, next + n);
      next += batch.length;
      return Promise.all(batch.map(r => r.data())); // only the fragments shown are fetched
    },
  };
}

function streamCursor(stream, total) {
  let done = false;
  return {
    total,
    get done() { return done; },
    async take(n) {
      const items = [];
      while (items.length < n && !done) {
        const step = await stream.next();
        if (step.done) done = true;
        else items.push(step.value);
      }
      return Promise.all(items.map(item => item.data));
    },
  };
}

// Base shards newest first, each searched by date: their date ranges do not overlap, so one
// after the other they are in date order. A base result's date is in its fragment, fetched
// a page at a time, and only as far as the reader pages; older shards are not even opened.
async function* shardsByDate(shards, open, term, filters, superseded) {
  for (const shard of shards) {
    const instance = await open(shard);
    const found = await instance.search(term, {filters, sort: {date: "desc"}});
    const results = live(found.results, superseded);
    for (let i = 0; i < results.length; i += PAGE_SIZE) {
      const batch = results.slice(i, i + PAGE_SIZE).map(r => r.data());
      batch.forEach(p => p.catch(() => {})); // awaited below; silent if the reader moves on
      for (const pending of batch) {
        const data = await pending;
        yield {day: dayOf(data.meta?.date), data};
      }
    }
  }
}

// The delta's dates come with the manifest, so it is ordered without fetching a fragment.
async function* deltaByDate(delta, open, term, filters, superseded) {
  const instance = await open(delta);
  const found = await instance.search(term, {filters});
  const dated = live(found.results, superseded)
    .map(result => ({result, day: dayOf(delta.dates.get(result.id))}));
  dated.sort((a, b) => (a.day < b.day) - (a.day > b.day));
  for (const {result, day} of dated) yield {day, data: result.data()};
}

// Merges date-ordered streams of {day, data}, newest first, pulling each only when its head
// has been used (ties go to the earlier stream).
async function* newestFirst(streams) {
  const heads = streams.map(() => null);
  for (;;) {
    for (let i = 0; i < streams.length; i++) heads[i] ??= await streams[i].next();
    let best = -1;
    heads.forEach((head, i) => {
      if (!head.done && (best < 0 || head.value.day > heads[best].value.day)) best = i;
    });
    if (best < 0) return;
    yield heads[best].value;
    heads[best] = null;
  }
}

// The day of an ISO 8601 date ("2020-03-01T10:00:00+00:00" or "2020-03-01"), as the base
// records' sort key has it: the article's own calendar day.
function dayOf(iso) {
  return /^\d{4}-\d{2}-\d{2}/.exec(String(iso ?? ""))?.[0] || "";
}

// --- rendering helpers ---------------------------------------------------------------------

function countText(total) {
  return total === 0 ? "No results." : total === 1 ? "1 result." : `${total.toLocaleString("en")} results.`;
}

function setSelect(select, value) {
  if (value && [...select.options].some(o => o.value === value)) select.value = value;
}

function fillSelect(select, allLabel, counts, descending) {
  const keep = select.value;
  const names = [...counts.keys()].sort((a, b) => a.localeCompare(b, undefined, {numeric: true}));
  if (descending) names.reverse();
  const options = [new Option(allLabel, "")];
  for (const name of names) {
    options.push(new Option(`${name} (${counts.get(name)})`, name)); // Option() sets text, not HTML
  }
  select.replaceChildren(...options);
  select.value = names.includes(keep) ? keep : "";
  select.disabled = false;
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
    if (Object.hasOwn(NAMED, lower)) return NAMED[lower]; // not "&constructor;"
    let code = NaN;
    if (lower.startsWith("#x")) code = parseInt(lower.slice(2), 16);
    else if (lower.startsWith("#")) code = parseInt(lower.slice(1), 10);
    if (Number.isInteger(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
      return String.fromCodePoint(code);
    }
    return whole;
  });
}

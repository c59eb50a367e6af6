// archivegen full-text search: Pagefind shards plus a delta bundle, described by the manifest
// BASE/pagefind/index.json that the build writes (docs/search.md).
//
// Base shards hold date-ordered runs of articles; the delta holds articles added or edited since
// their shard was built, and the manifest lists the base records ("superseded" ids) they
// replace or delete. A year range loads only the shards that hold those years, plus the delta.
// Superseded results are dropped before anything is counted or shown, so the page finds exactly
// what a clean build would. The tag and year menus count from the manifest, because Pagefind's
// own counts are summed over bundles and include superseded records.
//
// Every bundle keeps one index per language, stemmed (and, for Japanese or Chinese, segmented)
// for it. Pagefind searches only the index of the page's own language, so there is one engine
// per language: the newest bundle holding it, with every other such bundle merged in, each
// tagged with a synthetic "bundle" filter so that results can be asked of one bundle at a time.
//
// Only real hits are shown. When a word is in no index key of a bundle, Pagefind matches the
// longest key that is a prefix of it instead ("theocracy" finds "the"), in every bundle that
// lacks the word. So for each query word the page asks each engine twice: the word as typed
// (words that start with its stem) and quoted (exactly its stem). A bundle where the quoted word
// is missing is checked by reading one of its hits: if no word of it starts with the query
// word, the bundle matched a shorter word and all its hits go. A remaining hit counts when its
// article has the word's stem, or a word that starts with the query word (checked in its text).
//
// Every field that comes from an article (title, date, URL, excerpt, tag names) is inserted as
// text; the excerpt's <mark> highlights are parsed here and rebuilt as elements.

const PAGE_SIZE = 10;
const DEBOUNCE_MS = 200;
const EXCERPT_LENGTH = 30;
const MANIFEST_FORMAT = 2;
const PROBE_HITS = 1;       // hits read to tell a bundle's real matches from a shorter word's
const VERIFY_LIMIT = 100;   // hits whose text is read to count them; beyond, the count is a floor
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
// Scripts written without spaces between words: Pagefind segments them into words, and a query
// word is found inside the text rather than at the start of a word.
const UNSPACED = new Set(["ja", "zh", "th", "lo", "km", "my", "bo"]);

const root = document.getElementById("search");
if (root) start(root);

function start(root) {
  const basePath = root.dataset.basePath || "/";
  const indexBase = `${basePath}pagefind/`;
  const years = (root.dataset.years || "").split(/\s+/).filter(Boolean).map(Number)
    .filter(Number.isInteger).sort((a, b) => b - a);
  const el = {
    form: root.querySelector("form"),
    q: document.getElementById("search-q"),
    tag: document.getElementById("search-tag"),
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
  let menusFor = "";        // the range the tag menu was counted for
  let engines = null;       // {key, promise}: the Pagefind engines of the current range
  let generation = 0;       // bumps on every new search: stale responses are dropped
  let cursor = listCursor([]); // the current search's results, handed out a page at a time
  let shown = 0;
  let timer = 0;
  let every = "";           // the manifest's word every record has (never shown)

  // --- state <-> URL -----------------------------------------------------------------------

  // The URL holds the whole state: q, tag, from, to (a year range) and sort. An old link's
  // "year=Y" means the range Y..Y.
  function readUrl() {
    const params = new URLSearchParams(location.search);
    const year = params.get("year");
    return {
      q: params.get("q") || "",
      tag: params.get("tag") || "",
      from: params.get("from") || year || "",
      to: params.get("to") || year || "",
      sort: params.get("sort") === "newest" ? "newest" : "relevance",
    };
  }

  function applyState(state) {
    el.q.value = state.q;
    el.sort.value = state.sort;
    setSelect(el.from, state.from, years.length ? String(years[years.length - 1]) : "");
    setSelect(el.to, state.to, years.length ? String(years[0]) : "");
    keepRangeOrdered(el.from);
    // Until the manifest's counts arrive, a tag from the URL is the only choice offered; the
    // first fill keeps it if the range has it.
    el.tag.replaceChildren(new Option("All tags", ""));
    if (state.tag) el.tag.append(new Option(state.tag, state.tag, true, true));
  }

  function stateQuery() {
    const p = new URLSearchParams();
    if (el.q.value.trim()) p.set("q", el.q.value.trim());
    if (el.tag.value) p.set("tag", el.tag.value);
    const [lo, hi] = range();
    if (years.length && lo !== years[years.length - 1]) p.set("from", String(lo));
    if (years.length && hi !== years[0]) p.set("to", String(hi));
    if (el.sort.value === "newest") p.set("sort", "newest");
    const query = p.toString();
    return query ? "?" + query : "";
  }

  // A committed change (a filter, a submitted query) gets its own history entry; typing only
  // rewrites the current one.
  function writeUrl(push) {
    const query = stateQuery();
    if (query === location.search) return;
    const url = location.pathname + query + location.hash;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  function range() {
    return [Number(el.from.value) || years[years.length - 1], Number(el.to.value) || years[0]];
  }

  // The range's two ends never cross: moving one past the other moves the other along.
  function keepRangeOrdered(changed) {
    const [lo, hi] = [Number(el.from.value), Number(el.to.value)];
    if (!lo || !hi || lo <= hi) return;
    if (changed === el.from) el.to.value = el.from.value;
    else el.from.value = el.to.value;
  }

  // --- menus -------------------------------------------------------------------------------

  function syncMenus(manifest, scope) {
    const key = scope.years.join(",");
    if (key === menusFor) return;
    menusFor = key;
    fillSelect(el.tag, "All tags", rangeCounts(manifest, scope.years).tags);
  }

  // --- Pagefind engines --------------------------------------------------------------------

  // The engines of a range (one per language), reused while the range's bundles stay the same.
  function getEngines(scope) {
    if (engines && engines.key === scope.key) return engines.promise;
    const old = engines;
    const promise = openEngines(scope);
    engines = {key: scope.key, promise};
    promise.catch(() => { if (engines && engines.promise === promise) engines = null; }); // retry next time
    // The old engines go once the new ones are up, so Pagefind's shared worker stays up.
    if (old) promise.then(() => retire(old.promise), () => retire(old.promise));
    return promise;
  }

  async function openEngines(scope) {
    return Promise.all(scope.languages.map(language => openEngine(scope, language)));
  }

  async function openEngine(scope, language) {
    const bundles = scope.bundles.filter(b => b.languages.includes(language));
    const [primary, ...others] = bundles;
    // Pagefind's module holds one WebAssembly instance (in its worker), built for one language:
    // each language gets its own copy of the module (and so its own worker), by its own URL.
    const only = scope.languages.length === 1;
    const module = await import(`${indexBase}${primary.path}pagefind.js${only ? "" : `?language=${language}`}`);
    // Pagefind picks an instance's language from <html lang> when it is created (and only then):
    // the primary loads that language's index and WebAssembly, which the merged bundles share.
    const instance = inPageLanguage(language, () => module.createInstance({
      basePath: indexBase + primary.path, baseUrl: basePath, excerptLength: EXCERPT_LENGTH,
      metaCacheTag: primary.name, mergeFilter: {bundle: primary.name},
    }));
    await instance.init();
    await Promise.all(others.map(b => instance.mergeIndex(indexBase + b.path, {
      language, baseUrl: basePath, excerptLength: EXCERPT_LENGTH, metaCacheTag: b.name,
      mergeFilter: {bundle: b.name},
    })));
    // One search at a time per engine: Pagefind swaps its index state as chunks arrive, and two
    // searches in flight on one instance corrupt it.
    let queue = Promise.resolve();
    const search = (term, options) => {
      const next = queue.then(() => instance.search(term, options));
      queue = next.catch(() => {});
      return next;
    };
    return {language, instance, search, bundles, verdicts: new Map(), retired: false};
  }

  async function retire(promise) {
    let loaded;
    try { loaded = await promise; } catch { return; }
    for (const engine of loaded) {
      engine.retired = true;
      try { await engine.instance.destroy(); } catch { /* already gone */ }
    }
  }

  // --- searching ---------------------------------------------------------------------------

  function searchFilters(scope) {
    const filters = {};
    if (el.tag.value) filters.tag = el.tag.value;
    // A chosen shard may hold years outside the range, and the delta holds any year.
    if (scope.yearFilter) filters.year = {any: scope.yearFilter};
    return filters;
  }

  async function runSearch({push = false} = {}) {
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
    every = manifest.every;
    const scope = chooseScope(manifest, ...range(), years);
    syncMenus(manifest, scope); // before reading the filters: a new range may drop a choice
    writeUrl(push);
    const text = el.q.value.trim();
    if (!text && !el.tag.value && scope.yearFilter === null) {
      cursor = listCursor([]);
      el.results.replaceChildren();
      el.more.hidden = true;
      setStatus("");
      done(mine);
      // Warm up the range's engines for the first keystroke.
      if (scope.bundles.length) getEngines(scope).catch(err => { if (mine === generation) fail(err); });
      return;
    }
    setStatus("Searching…");
    let found;
    try {
      const loaded = await getEngines(scope);
      found = await searchEngines(loaded, manifest, scope, text, searchFilters(scope),
        el.sort.value === "newest" || !text);
    } catch (err) {
      if (mine === generation) fail(err);
      return;
    }
    if (mine !== generation) return;
    cursor = found;
    shown = 0;
    el.results.replaceChildren();
    el.more.hidden = true;
    setStatus(countText(found.total, found.floor));
    if (found.total) await showMore(mine);
    done(mine);
  }

  // Tests and benchmarks wait for this: the results of the URL's query are on the page.
  function done(mine) {
    if (mine === generation) root.dataset.done = location.search;
  }

  async function searchEngines(loaded, manifest, scope, text, filters, newest) {
    // Browsing by filters alone: the manifest counts the live articles, and each bundle is
    // listed by the word every record has (asking Pagefind for no word loads its whole index).
    const browsing = !text && manifest.every;
    const hits = browsing
      ? loaded.map(() => ({query: parseQuery("", ""), results: []}))
      : await Promise.all(loaded.map(engine => realHits(engine, manifest, text, filters)));
    const all = hits.flatMap(h => h.results).sort((a, b) => b.result.score - a.result.score);
    const total = browsing ? browseCount(manifest, scope, el.tag.value) : all.length;
    const floor = hits.some(h => h.floor);
    if (!newest || !total) return listCursor(all, floor);
    const streams = [];
    hits.forEach((h, i) => {
      const engine = loaded[i];
      const open = bundle => byDate(engine, h, manifest, bundle, browsing ? manifest.every : text, filters);
      const shards = engine.bundles.filter(b => b !== scope.delta);
      if (scope.delta && engine.bundles.includes(scope.delta)) streams.push(deltaByDate(open(scope.delta), manifest));
      streams.push(shardsByDate(shards, open));
    });
    return streamCursor(newestFirst(streams), total, floor);
  }

  // The hits of one engine that really contain every query word (all of its live results when
  // the query is only filters), each {result, check}.
  async function realHits(engine, manifest, text, filters) {
    const query = parseQuery(text, engine.language, manifest.every);
    const live = found => found.results.filter(r => !manifest.superseded.has(r.id));
    const language = engine.language;
    if (!query.words.length) {
      return {query, results: live(await engine.search(null, {filters})).map(result => ({result, language}))};
    }
    if (query.phrase) { // Pagefind matches a quoted phrase exactly: nothing to check
      return {query, results: live(await engine.search(text, {filters})).map(result => ({result, language}))};
    }
    const exact = [];
    const shorter = new Set(); // bundles where some query word matched only a shorter word
    let typed;
    for (const word of query.words) {
      let quoted;
      [typed, quoted] = await Promise.all([
        engine.search(word, {filters}), engine.search(`"${word}"`, {filters})]);
      exact.push(new Set(quoted.results.map(r => r.id)));
      const typedCounts = typed.filters?.bundle || {};
      const quotedCounts = quoted.filters?.bundle || {};
      for (const [bundle, count] of Object.entries(typedCounts)) {
        if (count && !quotedCounts[bundle] && !(await matchesWord(engine, query, word, filters, bundle))) {
          shorter.add(bundle);
        }
      }
    }
    query.exact = exact;
    query.shorter = shorter;
    // A one-word query with no shorter-word bundle already has its candidates: the typed search.
    const scoped = shorter.size ? {...filters, bundle: {none: [...shorter]}} : filters;
    const candidates = live(query.words.length === 1 && !shorter.size
      ? typed : await engine.search(text, {filters: scoped}));
    // A hit with the stem of every word counts as it is; the others are read (a bounded number).
    const results = [];
    let toRead = [];
    let floor = false;
    for (const result of candidates) {
      if (provenByStems(query, result.id)) results.push({result, language});
      else if (toRead.length < VERIFY_LIMIT) toRead.push(result);
      else floor = true;
    }
    const read = await Promise.all(toRead.map(async result => {
      const data = await result.data();
      return hasWords(data, query, result.id) ? {result, data, language} : null;
    }));
    results.push(...read.filter(Boolean));
    return {query, results, floor};
  }

  // Whether the hits of a bundle for a word (where the word's exact stem is missing) are words
  // that start with it, and not Pagefind's fallback to a shorter word. Remembered per engine.
  async function matchesWord(engine, query, word, filters, bundle) {
    const key = `${bundle}\u0000${word}\u0000${JSON.stringify(filters)}`;
    if (!engine.verdicts.has(key)) {
      engine.verdicts.set(key, (async () => {
        const found = await engine.search(word, {filters: {...filters, bundle}});
        const one = {...query, words: [word], runs: []};
        for (const result of found.results.slice(0, PROBE_HITS)) {
          if (hasWords(await result.data(), one)) return true;
        }
        return false;
      })());
    }
    return engine.verdicts.get(key);
  }

  // One bundle's hits, newest first, keeping only real ones (as realHits decided).
  function byDate(engine, hits, manifest, bundle, text, filters) {
    return {
      bundle,
      async search(sort) {
        if (engine.retired) throw new Error("stale search");
        if (hits.query.shorter?.has(bundle.name)) return [];
        const found = await engine.search(text || null, // text: the query, or the word every record has
          {filters: {...filters, bundle: bundle.name}, ...(sort ? {sort: {date: "desc"}} : {})});
        return found.results.filter(r => !manifest.superseded.has(r.id));
      },
      async real(result) {
        const data = await result.data();
        const real = !hits.query.exact || provenByStems(hits.query, result.id) || hasWords(data, hits.query, result.id);
        const excerpt = hits.query.words.length ? data.excerpt : ""; // browsing: the summary
        return real ? {...data, excerpt, language: engine.language} : null;
      },
    };
  }

  async function showMore(mine = generation) {
    const from = cursor;
    el.more.disabled = true;
    try {
      const data = await from.take(PAGE_SIZE);
      if (mine !== generation || from !== cursor) return;
      const first = shown;
      for (const item of data) el.results.append(renderResult(item, every));
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

  el.form.addEventListener("submit", event => { event.preventDefault(); runSearch({push: true}); });
  el.q.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(runSearch, DEBOUNCE_MS);
  });
  for (const select of [el.tag, el.sort, el.from, el.to]) {
    select.addEventListener("change", () => {
      keepRangeOrdered(select);
      runSearch({push: true});
    });
  }
  el.more.addEventListener("click", () => showMore());
  window.addEventListener("popstate", () => {
    applyState(readUrl());
    menusFor = "";
    runSearch();
  });

  applyState(readUrl());
  setStatus("");
  runSearch();
}

// --- queries and hits (pure) ---------------------------------------------------------------

// The words of a query as Pagefind sees them in an index of `language`: lower-case, without
// punctuation or diacritics, and split into words (segmented, for unspaced scripts). `every`:
// the word every record has, which no check counts as a word of the article.
//
// In an unspaced script a typed run ("停戦合意") is segmented into several words; Pagefind finds
// articles holding each of them anywhere, but the reader asked for the run: `runs` lists such
// runs, and an article must hold each of them as it was typed.
function parseQuery(text, language, every = "") {
  const phrase = /^\s*".+"\s*$/.test(text);
  const words = [];
  const runs = [];
  const segmenter = UNSPACED.has(baseLanguage(language)) && typeof Intl.Segmenter !== "undefined"
    ? new Intl.Segmenter(language, {granularity: "word"}) : null;
  for (const piece of text ? text.split(/\s+/) : []) {
    const parts = (segmenter ? [...segmenter.segment(piece)].filter(s => s.isWordLike).map(s => s.segment)
      : [piece]).map(normalWord).filter(Boolean);
    words.push(...parts);
    if (parts.length > 1) runs.push(normalWord(piece));
  }
  return {words, runs, phrase, language, every};
}

// Whether the exact-stem searches alone prove that result `id` holds every query word (then its
// text need not be read): it has each word's stem, and no typed run must be checked in order.
function provenByStems(query, id) {
  return !query.runs.length && query.exact.every(ids => ids.has(id));
}

function baseLanguage(language) {
  return String(language || "").toLowerCase().split("-")[0];
}

function normalWord(word) {
  return word.toLocaleLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/[\p{P}\p{S}]/gu, "");
}

// Where Pagefind also cuts a word into parts it indexes: camel case ("WeWork") and letters
// against digits ("$77million").
const WORD_PARTS = /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u;

// Whether article `id` really has every query word, from its indexed text: the fragment's content
// and the metadata Pagefind also indexes (the summary), its words whole and in the parts Pagefind
// indexes (split at punctuation, as WORD_PARTS says); and every typed run of an unspaced script
// as typed.
function hasWords(data, query, id = null) {
  const meta = data?.meta || {};
  const text = [data?.raw_content ?? data?.content ?? "", meta.title ?? "", meta.summary ?? ""]
    .join(" ").replaceAll(query.every || "\u0000", " ");
  const normal = new Set();
  for (const word of text.split(/[\s\u200b]+/)) {
    for (const part of [word, ...word.split(/[\p{P}\p{S}]+/u), ...word.split(WORD_PARTS)]) {
      const piece = normalWord(part);
      if (piece) normal.add(piece);
    }
  }
  const unspaced = UNSPACED.has(baseLanguage(query.language));
  const joined = unspaced ? normalWord(text.replace(/[\s\u200b]+/g, "")) : "";
  // A word counts when the article has its exact stem (the quoted search said so for `id`), a
  // word that starts with it, or, in an unspaced script, the word anywhere.
  return query.words.every((w, i) => (id !== null && query.exact?.[i]?.has(id))
      || (unspaced && joined.includes(w)) || [...normal].some(n => n.startsWith(w)))
    && query.runs.every(run => joined.includes(run));
}

// Runs `make` while <html lang> says `language`, then puts the page's own back (no await in
// between, so nothing renders or reads it in the meantime).
function inPageLanguage(language, make) {
  const html = document.documentElement;
  const own = html.getAttribute("lang");
  html.setAttribute("lang", language);
  try {
    return make();
  } finally {
    if (own === null) html.removeAttribute("lang");
    else html.setAttribute("lang", own);
  }
}

// --- the manifest (pure) -------------------------------------------------------------------

// Counts and tag names become Maps: a tag may be called "__proto__".
function readManifest(json) {
  if (!json || json.format !== MANIFEST_FORMAT) throw new Error(`index.json: unknown format ${json?.format}`);
  const entries = value => Object.entries(value && typeof value === "object" ? value : {});
  const counts = value => new Map(entries(value).map(([key, n]) => [key, Number(n) || 0]));
  const bundle = b => {
    const path = String(b.path).replace(/\/?$/, "/");
    return {...b, path, name: path.slice(0, -1), languages: (b.languages || []).map(String)};
  };
  return {
    shards: (json.shards || []).map(s => ({...bundle(s), years: (s.years || []).map(Number)})),
    delta: json.delta && json.delta.articles !== 0
      ? {...bundle(json.delta), dates: new Map(entries(json.delta.dates))} : null,
    superseded: new Set(json.superseded || []),
    every: typeof json.every === "string" ? json.every : "",
    years: counts(json.years),
    tags: new Map(entries(json.tags).map(([tag, perYear]) => [tag, counts(perYear)])),
  };
}

// What a year range [lo, hi] searches: the shards holding any of its years (newest first),
// the delta, the languages they hold, and the year filter to apply unless the range covers
// every year of the archive.
function chooseScope(manifest, lo, hi, archiveYears) {
  const all = new Set(archiveYears);
  for (const year of manifest.years.keys()) all.add(Number(year));
  for (const shard of manifest.shards) shard.years.forEach(y => all.add(y));
  const inRange = y => y >= lo && y <= hi;
  const chosen = [...all].filter(inRange).sort((a, b) => b - a);
  const shards = chosen.length ? manifest.shards.filter(s => s.years.some(inRange)).reverse() : [];
  const delta = chosen.length ? manifest.delta : null;
  const bundles = (delta ? [...shards, delta] : shards).filter(b => b.languages.length);
  const languages = [...new Set(bundles.flatMap(b => b.languages))].sort();
  return {
    years: chosen, shards, delta, bundles, languages,
    key: bundles.map(b => b.path).join(" "),
    yearFilter: chosen.length < all.size ? chosen.map(String) : null,
  };
}

// The tag menu's counts for the chosen years: live articles per tag, summed over them.
function rangeCounts(manifest, years) {
  const wanted = years.map(String);
  const tagCounts = new Map();
  for (const [tag, perYear] of manifest.tags) {
    const n = wanted.reduce((sum, y) => sum + (perYear.get(y) || 0), 0);
    if (n) tagCounts.set(tag, n);
  }
  return {tags: tagCounts};
}

// How many live articles browsing by filters alone lists: the tag's, or all, in the range.
function browseCount(manifest, scope, tag) {
  const perYear = tag ? manifest.tags.get(tag) || new Map() : manifest.years;
  return scope.years.reduce((sum, y) => sum + (perYear.get(String(y)) || 0), 0);
}

// --- result cursors (pure) -----------------------------------------------------------------

// A cursor hands out the data of a search's results a page at a time: {total, floor, done, take(n)}.
// `floor`: more hits matched than were checked, so `total` is a lower bound.
function listCursor(hits, floor = false) {
  let next = 0;
  return {
    total: hits.length,
    floor,
    get done() { return next >= hits.length; },
    take(n) {
      const batch = hits.slice(next, next + n);
      next += batch.length;
      // Only the fragments shown are fetched.
      return Promise.all(batch.map(async h => ({...(h.data || await h.result.data()), language: h.language})));
    },
  };
}

function streamCursor(stream, total, floor) {
  let done = false;
  return {
    total,
    floor,
    get done() { return done; },
    async take(n) {
      const items = [];
      while (items.length < n && !done) {
        const step = await stream.next();
        if (step.done) done = true;
        else items.push(step.value);
      }
      return items.map(item => item.data);
    },
  };
}

// Base shards newest first, each searched by date: their date ranges do not overlap, so one
// after the other they are in date order. A base result's date is in its fragment, fetched
// a page at a time, and only as far as the reader pages; older shards are not even searched.
async function* shardsByDate(shards, open) {
  for (const shard of shards) {
    const source = open(shard);
    const results = await source.search(true);
    for (let i = 0; i < results.length; i += PAGE_SIZE) {
      const batch = results.slice(i, i + PAGE_SIZE).map(r => source.real(r));
      batch.forEach(p => p.catch(() => {})); // awaited below; silent if the reader moves on
      for (const pending of batch) {
        const data = await pending;
        if (data) yield {day: dayOf(data.meta?.date), data};
      }
    }
  }
}

// The delta's dates come with the manifest, so it is ordered before any fragment is fetched.
async function* deltaByDate(source, manifest) {
  const dated = (await source.search(false))
    .map(result => ({result, day: dayOf(manifest.delta.dates.get(result.id))}));
  dated.sort((a, b) => (a.day < b.day) - (a.day > b.day));
  for (const {result, day} of dated) {
    const data = await source.real(result);
    if (data) yield {day, data};
  }
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

function countText(total, floor) {
  if (floor) return `More than ${total.toLocaleString("en")} results.`;
  return total === 0 ? "No results." : total === 1 ? "1 result." : `${total.toLocaleString("en")} results.`;
}

// Select `value` if the menu offers it, else `fallback`.
function setSelect(select, value, fallback) {
  const has = v => v && [...select.options].some(o => o.value === v);
  if (has(value)) select.value = value;
  else if (has(fallback)) select.value = fallback;
}

function fillSelect(select, allLabel, counts) {
  const keep = select.value;
  const names = [...counts.keys()].sort((a, b) => a.localeCompare(b, undefined, {numeric: true}));
  const options = [new Option(allLabel, "")];
  for (const name of names) {
    options.push(new Option(`${name} (${counts.get(name)})`, name)); // Option() sets text, not HTML
  }
  select.replaceChildren(...options);
  select.value = names.includes(keep) ? keep : "";
  select.disabled = false;
}

function renderResult(data, every) {
  const meta = data.meta || {};
  const li = document.createElement("li");
  // An article in another language (Arabic, Hebrew, ...) keeps its own language and direction.
  if (data.language && data.language !== "unknown") li.lang = data.language;
  li.dir = "auto";
  const h2 = document.createElement("h2");
  const a = document.createElement("a");
  a.href = safeUrl(data.url);
  a.textContent = meta.title || data.url;
  h2.append(a);
  li.append(h2);
  if (meta.date) {
    const p = document.createElement("p");
    p.className = "meta";
    p.dir = "ltr";
    const time = document.createElement("time");
    time.dateTime = meta.date;
    time.textContent = formatDate(meta.date);
    p.append(time);
    li.append(p);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  const text = data.excerpt || meta.summary || "";
  appendExcerpt(excerpt, every ? text.replaceAll(every, "") : text);
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

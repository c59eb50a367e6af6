// archivegen serve: reload this page when a build changes it; show build errors over it.
//
// One EventSource per visible tab. A hidden tab closes its connection (browsers allow about
// six per host, and background tabs must not use them up) and, when shown again, reconnects
// with the build it was loaded from: the server then says whether the page changed meanwhile.
// EventSource reconnects by itself after a server restart; a new server session reloads.

const script = document.querySelector("script[data-archivegen-reload]");
const params = new URL(script.src).searchParams;
const loadedBuild = Number(params.get("build") || 0);
const session = params.get("session") || "";
const missing = params.get("missing") === "1"; // a 404 page: any build may create this page
const eventsUrl = new URL("events", script.src);
const page = location.pathname.replace(/index\.html$/, "");
let source = null;
let overlay = null;

function changedHere(changed) {
  return missing ? changed.length > 0 : changed.includes(page) || changed.includes("*");
}

function showError(message) {
  if (!overlay) {
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.id = "archivegen-error";
    Object.assign(overlay.style, {
      position: "fixed", left: "0", right: "0", top: "0", zIndex: "2147483647",
      padding: "1em 1.5em", background: "#7f1d1d", color: "#fff",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace", whiteSpace: "pre-wrap",
      boxShadow: "0 2px 12px rgba(0,0,0,.4)",
    });
    document.body.append(overlay);
  }
  overlay.textContent = "archivegen: the last build failed; this is the last good page.\n" + message;
}

function clearError() {
  if (overlay) {
    overlay.remove();
    overlay = null;
  }
}

function connect() {
  if (source) return;
  const url = new URL(eventsUrl);
  url.searchParams.set("page", page);
  url.searchParams.set("build", String(loadedBuild));
  url.searchParams.set("session", session);
  source = new EventSource(url);
  source.addEventListener("hello", (event) => {
    window.__archivegenConnected = true; // for the browser tests and the benchmark
    const news = JSON.parse(event.data);
    if (news.reload) { location.reload(); return; }
    if (news.error) showError(news.error); else clearError();
  });
  source.addEventListener("build", (event) => {
    const news = JSON.parse(event.data);
    if (news.error) { showError(news.error); return; }
    if (changedHere(news.changed) || overlay) { location.reload(); return; }
    clearError();
  });
}

function disconnect() {
  window.__archivegenConnected = false;
  if (source) {
    source.close();
    source = null;
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.hidden) disconnect(); else connect();
});
window.addEventListener("pagehide", disconnect);
window.addEventListener("pageshow", () => { if (!document.hidden) connect(); }); // back/forward cache
if (!document.hidden) connect();

// newsbrief web app: upload progress, ingest progress, and pages that follow changes to the store.
// Text from the server is only ever set with textContent; no HTML is built from data here.
"use strict";

function el(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function list(items) {
  const ul = el("ul");
  for (const item of items) ul.appendChild(el("li", item));
  return ul;
}

function showReport(job) {
  const bar = document.getElementById("bar");
  const status = document.getElementById("status");
  const report = document.getElementById("report");
  bar.max = Math.max(job.total, 1);
  bar.value = job.seen;
  status.textContent = job.state + ": " + job.seen + " of about " + job.total + " inputs";
  if (job.state !== "done" && job.state !== "failed") return false;
  report.replaceChildren();
  report.appendChild(list([
    "Added " + job.added + " articles (" + job.new_stories + " new stories)",
    "Updated " + job.updated + " articles changed at the same address",
    "Linked " + job.duplicates + " syndicated copies to their originals",
    "Skipped " + job.unchanged + " articles already in the store",
    "Rejected " + job.rejected,
  ]));
  report.firstChild.className = "report";
  if (job.reasons.length) {
    report.appendChild(el("h3", "Why rejected"));
    report.appendChild(list(job.reasons.map((r) => r[1] + " × " + r[0])));
  }
  if (job.examples.length) {
    report.appendChild(el("h3", "For example"));
    report.appendChild(list(job.examples));
  }
  if (job.warnings.length) {
    report.appendChild(el("h3", "Warnings"));
    report.appendChild(list(job.warnings));
  }
  if (job.error) report.appendChild(el("p", job.error)).className = "error";
  status.textContent = job.state === "done" ? "Done: " + job.seen + " inputs read." : "Failed.";
  return true;
}

function follow(jobId) {
  fetch("/api/jobs/" + encodeURIComponent(jobId), { headers: { Accept: "application/json" } })
    .then((r) => r.json())
    .then((job) => { if (!showReport(job)) setTimeout(() => follow(jobId), 400); })
    .catch(() => setTimeout(() => follow(jobId), 1000));
}

function setUpUpload(form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const section = document.getElementById("progress");
    const bar = document.getElementById("bar");
    const status = document.getElementById("status");
    section.hidden = false;
    document.getElementById("report").replaceChildren();
    status.textContent = "Uploading…";
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
    });
    request.addEventListener("load", () => {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (err) { body = { error: request.responseText }; }
      if (request.status === 202) {
        status.textContent = "Ingesting…";
        follow(body.id);
      } else {
        status.textContent = "Refused: " + (body.error || request.statusText);
      }
    });
    request.addEventListener("error", () => { status.textContent = "The upload failed: is the server running?"; });
    request.send(new FormData(form));
  });
}

// An open page follows the store: when another ingest (the CLI or another tab) or a correction changes it,
// the page's content is fetched again and swapped in, without a reload.
function watchStore() {
  let state = document.body.dataset.state;
  const live = document.getElementById("live");
  const swappable = !document.getElementById("upload");
  setInterval(() => {
    fetch("/api/state", { headers: { Accept: "application/json" } })
      .then((r) => r.json())
      .then((data) => {
        if (!data.state || data.state === state) return;
        state = data.state;
        if (!swappable) return;
        return fetch(window.location.href).then((r) => r.text()).then((html) => {
          const fresh = new DOMParser().parseFromString(html, "text/html");
          const main = fresh.getElementById("main");
          if (!main) return;
          document.getElementById("main").replaceChildren(...main.childNodes);
          document.body.dataset.state = state;
          live.textContent = "The store changed; this page is up to date.";
        });
      })
      .catch(() => {});
  }, 2000);
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload");
  if (form) setUpUpload(form);
  const progress = document.querySelector("[data-job]");
  if (progress) follow(progress.dataset.job);
  watchStore();
});

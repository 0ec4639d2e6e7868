// The hall display polls the public queue status; it never shows citizens' names.
"use strict";
const $ = (id) => document.getElementById(id);
// The server's clock and the site's zone, not the browser's: a display PC set to another
// zone (or a wrong time) must still show the time the citizens' receipts carry.
const clockSkew = window.HALL.serverNow - Date.now();
const clockFormat = new Intl.DateTimeFormat("vi-VN", {
  hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: window.HALL.timeZone});

function showClock() {
  $("clock").textContent = clockFormat.format(new Date(Date.now() + clockSkew));
}

function row(call) {
  const tr = document.createElement("tr");
  for (const text of [call.label, "Quầy " + call.counter]) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.appendChild(td);
  }
  return tr;
}

function render(status) {
  const latest = status.latest;
  $("latest-ticket").textContent = latest ? latest.label : "—";
  $("latest-counter").textContent = latest ? latest.counter : "—";
  $("recent").replaceChildren(...status.calls.slice(1, 8).map(row));
  $("waiting").replaceChildren(...status.services.map((s) => {
    const li = document.createElement("li");
    li.textContent = `${s.letter} · ${s.name}: ${s.waiting}`;
    return li;
  }));
}

async function poll() {
  try {
    const response = await fetch("/api/v1/queue/status", {cache: "no-store"});
    if (!response.ok) throw new Error(response.status);
    render(await response.json());
    $("offline").hidden = true;
  } catch (e) {
    $("offline").hidden = false;
  }
  showClock();
  setTimeout(poll, window.HALL.interval);
}
poll();

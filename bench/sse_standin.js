// A stand-in for the live-updates stream and the vote route: how fast the stream client and
// the voters themselves carry a vote to every stream, when the server costs next to nothing.
// GET /live/consultations/<id> streams events; POST /ideas/<id>/vote counts one more vote and
// sends every stream the new count after the same coalescing delay the app uses.
"use strict";

const http = require("http");

const port = Number(process.argv[2] || 0);
const coalesceMs = Number(process.argv[3] || 250);
const streams = new Set();
const counts = new Map();
const pending = new Set();
let timer = null;

function span(idea) {
  const n = counts.get(idea);
  return (
    `<span id="vote-count-${idea}" class="vote-count" hx-swap-oob="true">` +
    `${n} ${n === 1 ? "vote" : "votes"}</span>`
  );
}

function flush() {
  timer = null;
  const data = [...pending].map(span).join("");
  pending.clear();
  for (const response of streams) {
    response.write(`event: votes\ndata: ${data}\n\n`);
  }
}

const server = http.createServer((request, response) => {
  const live = request.url.match(/^\/live\/consultations\/\d+$/);
  const vote = request.url.match(/^\/ideas\/(\d+)\/vote$/);
  request.resume();
  request.on("end", () => {
    if (live) {
      response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
      response.write("retry: 5000\n: open\n\n");
      streams.add(response);
      response.on("close", () => streams.delete(response));
    } else if (vote && request.method === "POST") {
      const idea = Number(vote[1]);
      counts.set(idea, (counts.get(idea) || 0) + 1);
      pending.add(idea);
      if (timer === null) {
        timer = setTimeout(flush, coalesceMs);
      }
      const body = span(idea);
      response.writeHead(200, { "Content-Type": "text/html", "Content-Length": body.length });
      response.end(body);
    } else {
      response.writeHead(200, { "Content-Type": "text/plain", "Content-Length": "2" });
      response.end("ok");
    }
  });
});
server.keepAliveTimeout = 60 * 1000;
server.listen(port, "127.0.0.1", () => {
  console.log(`stand-in stream server on 127.0.0.1:${server.address().port}`);
});

// A trivial HTTP server answering "ok" to everything: how fast wrk itself can go.
"use strict";

const http = require("http");

const port = Number(process.argv[2] || 0);
const closeEach = process.argv[3] !== "keep-alive";
const server = http.createServer((request, response) => {
  // Read the whole body, as a real server must, before answering.
  request.resume();
  request.on("end", () => {
    // Gunicorn's sync workers close every connection after one answer, so wrk reconnects
    // for each request there; closing here too makes the ceiling include that cost.
    const headers = { "Content-Type": "text/plain", "Content-Length": "2" };
    if (closeEach) {
      headers.Connection = "close";
    }
    response.writeHead(200, headers);
    response.end("ok");
  });
});
server.keepAliveTimeout = 60 * 1000;
server.listen(port, "127.0.0.1", () => {
  console.log(`null server on 127.0.0.1:${server.address().port}`);
});

// A minimal socket.io server for bench/fanout.py: the same protocol path, namespace
// and event as Runshow, relaying the same state payload (read from a file) to every
// screen on `POST /api/command`. Usage: node server.js PORT PAYLOAD.json
'use strict';
const http = require('http');
const fs = require('fs');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 5100);
const sample = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
let revision = sample.revision || 0;
const snapshot = () => ({ ...sample, revision, server_time_ms: Date.now() });

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/api/command') {
    req.resume();
    req.on('end', () => {
      revision += 1;
      live.emit('state', snapshot());
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: true, revision }));
    });
    return;
  }
  if (req.url === '/api/state') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(snapshot()));
    return;
  }
  res.writeHead(404);
  res.end();
});
const io = new Server(server);
const live = io.of('/live');
live.on('connection', (socket) => socket.emit('state', snapshot()));
server.listen(port, '127.0.0.1', () => console.log(`node baseline on ${port}`));

// A stand-in for kube-proxy and a Service's pods on a lab node:
//   node responder-main.js <address> <port> <body>
// Answers every HTTP request with <body> (the node's name) and closes the connection, so each
// request of a client opens a new one and ECMP hashes it afresh. Logs one line per request.

import { createServer } from 'node:http';

const [address, portArg, body] = process.argv.slice(2);
const port = Number(portArg);
if (!address || !Number.isInteger(port) || port < 1 || port > 65535 || body === undefined) {
  process.stderr.write('usage: responder-main <address> <port> <body>\n');
  process.exit(2);
}

const server = createServer((req, res) => {
  process.stdout.write(`${new Date().toISOString()} ${req.socket.remoteAddress}:${req.socket.remotePort} ${req.method} ${req.url}\n`);
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
  res.end(body);
});
server.on('error', (e) => {
  process.stderr.write(`responder on ${address} port ${port}: ${e.message}\n`);
  process.exit(1);
});
server.listen(port, address, () => process.stdout.write(`listening on ${address} port ${port}\n`));
for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => server.close(() => process.exit(0)));

/** N raw HTTP clients of bench/lib/write-cost-target.js, each reading (and dropping) everything. */
const net = require('node:net');

const [port, count] = process.argv.slice(2).map(Number);
for (let i = 0; i < count; i += 1) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('data', () => {});
  socket.on('error', () => {});
  socket.write('GET /v1/stream HTTP/1.1\r\nHost: bench\r\n\r\n');
}

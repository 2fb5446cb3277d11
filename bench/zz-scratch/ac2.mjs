import autocannon from 'autocannon';
import http from 'node:http';
const srv = http.createServer((q, r) => r.end('5:peers')).listen(0, '127.0.0.1');
await new Promise((r) => srv.on('listening', r));
const url = `http://127.0.0.1:${srv.address().port}/x`;
let i = 0;
for (const opts of [
  {},
  { reconnectRate: 1 },
  {
    requests: [
      {
        method: 'GET',
        setupRequest: (r) => {
          r.path = '/p' + i++;
          return r;
        },
      },
    ],
  },
]) {
  const res = await autocannon({ url, connections: 2, duration: 1, ...opts });
  console.log(JSON.stringify(opts), res.requests.total, res.errors, res.non2xx);
}
srv.close();

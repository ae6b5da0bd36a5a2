// Seed 001's management API: GET /health answers whether the container is up, for the
// config's health check (curl -f http://localhost:9090/health). Anything else is 404.
const http = require('node:http');

const port = Number(process.env.MANAGEMENT_API_PORT ?? 9090);

const server = http.createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok', uptime: Math.round(process.uptime()) }));
    return;
  }
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: 'not found' }));
});
server.listen(port, () => console.log(`management API on port ${server.address().port}`));

import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { dnsProbe, httpProbe, tcpProbe } from './probe';

// Real sockets on loopback: a registry-like server, a blackhole that accepts and never answers, a closed port.
describe('probes', () => {
  let registry: Server;
  let blackhole: TcpServer;
  const held: Array<import('node:net').Socket> = [];
  let closedPort: number;
  const port = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

  beforeAll(async () => {
    registry = createHttpServer((req, res) => {
      res.writeHead(req.url === '/v2/' ? 401 : 404, { 'Docker-Distribution-Api-Version': 'registry/2.0' });
      res.end('{}');
    });
    blackhole = createServer((socket) => held.push(socket));
    const spare = createServer();
    await Promise.all([registry, blackhole, spare].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    closedPort = port(spare);
    await new Promise((r) => spare.close(r));
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await Promise.all([registry, blackhole].map((s) => new Promise((r) => s.close(r))));
  });

  it('counts any HTTP answer from /v2/ as alive', async () => {
    await expect(httpProbe(`http://127.0.0.1:${port(registry)}/v2/`, 2_000)).resolves.toMatchObject({
      ok: true,
      status: 401,
    });
  });

  it('gives up on a blackhole after its timeout', async () => {
    const started = Date.now();
    const result = await httpProbe(`http://127.0.0.1:${port(blackhole)}/v2/`, 500);
    expect(result).toMatchObject({ ok: false, error: 'timed out after 0.5 s' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('reports a refused connection by its code', async () => {
    await expect(httpProbe(`http://127.0.0.1:${closedPort}/v2/`, 2_000)).resolves.toMatchObject({
      ok: false,
      error: 'ECONNREFUSED',
    });
    await expect(tcpProbe('127.0.0.1', closedPort, 2_000)).resolves.toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });

  it('connects over TCP', async () => {
    await expect(tcpProbe('127.0.0.1', port(blackhole), 2_000)).resolves.toMatchObject({ ok: true });
  });

  it('resolves localhost and fails a reserved name', async () => {
    await expect(dnsProbe('localhost', 2_000)).resolves.toMatchObject({ ok: true });
    await expect(dnsProbe('no-such-host.invalid', 2_000)).resolves.toMatchObject({ ok: false });
  });
});

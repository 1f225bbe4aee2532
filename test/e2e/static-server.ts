import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

/** Content types a plain static host sends; nothing else (no COOP/COEP, no CSP). */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.jsonl': 'text/plain; charset=utf-8', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream',
};

/** A static host with no special headers, serving one folder under a sub-path. */
export interface StaticHost {
  /** The app's URL, e.g. http://127.0.0.1:PORT/tools/thinksift/ */
  url: string;
  /** Serve another folder from now on (a new deployment). */
  root: string;
  /** Headers of every response sent, for asserting what the host did not send. */
  sent: Record<string, string | number | string[]>[];
  close(): Promise<void>;
}

/**
 * Serve `root` at `prefix` (like GitHub Pages serves a project at /repo/): a file, `index.html` for
 * the folder, 404 for anything else. Only Content-Type and Content-Length: what the service worker
 * must make up for.
 */
export async function startStaticHost(root: string, prefix = '/tools/thinksift/'): Promise<StaticHost> {
  const sent: StaticHost['sent'] = [];
  const host = { root, sent } as StaticHost;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const rel = path.startsWith(prefix) ? normalize(path.slice(prefix.length) || 'index.html') : undefined;
    const file = rel && !rel.startsWith('..') ? join(host.root, rel) : '';
    const send = (status: number, headers: Record<string, string | number>, body?: Buffer) => {
      sent.push(headers);
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      const body = Buffer.from('Not found');
      send(404, { 'Content-Type': 'text/plain', 'Content-Length': body.length }, body);
      return;
    }
    const body = readFileSync(file);
    send(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length }, body);
  };
  const server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  host.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
  host.close = () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); });
  return host;
}

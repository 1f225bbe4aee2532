import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

/** A fault the server injects for one file path ("owner/name/file"). */
export type Fault =
  | 'html' // 200 with an HTML page, as a static host's SPA fallback answers
  | '404' // the file is missing
  | 'truncated' // the first half of the file, with a Content-Length that matches it (a damaged upload)
  | 'cut'; // the full Content-Length declared, the connection closed half-way

/** One request the server saw. */
export interface SeenRequest {
  method: string;
  path: string;
  range?: string;
}

/** A Hugging Face Hub-shaped server on localhost: `/{owner}/{name}/resolve/{revision}/{file}`. */
export interface HubServer {
  /** Base URL ("http://127.0.0.1:PORT/"), what a user types as the model host. */
  url: string;
  requests: SeenRequest[];
  faults: Map<string, Fault>;
  close(): Promise<void>;
}

/**
 * Serve model folders in the Hub's URL layout, with the headers the Hub sends that loaders rely on:
 * Content-Length, ETag, Accept-Ranges and 206 answers to Range requests, CORS (with the headers
 * exposed), and 404 `Entry not found` for missing files. `repos` maps a repo id to a folder.
 */
export async function startHub(repos: Record<string, string>): Promise<HubServer> {
  const requests: SeenRequest[] = [];
  const faults = new Map<string, Fault>();
  const cors = {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Expose-Headers': 'Content-Length, Content-Range, ETag, Accept-Ranges, X-Repo-Commit',
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': 'Range, Content-Type', 'Access-Control-Max-Age': '86400' });
      res.end();
      return;
    }
    requests.push({ method: req.method ?? 'GET', path, range: req.headers.range });
    const m = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path);
    const folder = m ? repos[m[1]] : undefined;
    const file = folder && m ? join(folder, m[2]) : '';
    const fault = m ? faults.get(`${m[1]}/${m[2]}`) : undefined;
    if (fault === 'html') {
      const page = Buffer.from('<!doctype html><html><head><title>App</title></head><body>index</body></html>');
      res.writeHead(200, { ...cors, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': page.length });
      res.end(req.method === 'HEAD' ? undefined : page);
      return;
    }
    if (!file || fault === '404' || !existsSync(file) || !statSync(file).isFile()) {
      const body = Buffer.from(JSON.stringify({ error: 'Entry not found' }));
      res.writeHead(404, { ...cors, 'Content-Type': 'application/json', 'Content-Length': body.length, 'X-Error-Code': 'EntryNotFound' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    let bytes = readFileSync(file);
    if (fault === 'truncated') bytes = bytes.subarray(0, Math.floor(bytes.length / 2));
    const headers = {
      ...cors,
      'Content-Type': file.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream',
      ETag: `"${createHash('sha256').update(bytes).digest('hex').slice(0, 40)}"`,
      'Accept-Ranges': 'bytes',
      'X-Repo-Commit': '0000000000000000000000000000000000000000',
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(bytes.length - 1, range[2] ? Number(range[2]) : bytes.length - 1);
      if (start >= bytes.length) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${bytes.length}` });
        res.end();
        return;
      }
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Content-Length': end - start + 1 });
      res.end(req.method === 'HEAD' ? undefined : bytes.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': bytes.length });
    if (req.method === 'HEAD') {
      res.end();
    } else if (fault === 'cut') {
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
    } else {
      res.end(bytes);
    }
  };
  const server = createServer(handle);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    faults,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

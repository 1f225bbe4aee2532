import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { APP_HEADERS, contentSecurityPolicy, hasIsolationHeaders, parseRange, withAppHeaders } from '../../src/sw/policy';

const directives = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));

describe('content security policy', () => {
  it('allows no inline script and no eval beyond WASM compilation', () => {
    const d = directives(contentSecurityPolicy());
    expect(d.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    // connect-src: the app, any https host (model host, datasets), loopback http only.
    expect(d.get('connect-src')).toEqual(["'self'", 'https:', 'http://127.0.0.1:*', 'http://localhost:*']);
    expect(contentSecurityPolicy()).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
  });

  it('the <meta> form leaves out frame-ancestors (ignored there) and nothing else', () => {
    const header = directives(contentSecurityPolicy());
    const meta = directives(contentSecurityPolicy({ meta: true }));
    header.delete('frame-ancestors');
    expect(meta).toEqual(header);
  });

  it('public/_headers sends exactly the app headers to every path', () => {
    const text = readFileSync(resolve(import.meta.dirname, '../../public/_headers'), 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    expect(lines[0]).toBe('/*');
    const sent = Object.fromEntries(lines.slice(1).map((l) => { const i = l.indexOf(':'); return [l.slice(0, i).trim(), l.slice(i + 1).trim()]; }));
    expect(sent).toEqual(APP_HEADERS);
  });
});

describe('headers the service worker adds', () => {
  it('adds isolation, CORP and security headers a plain host left out', () => {
    const h = withAppHeaders(new Headers({ 'Content-Type': 'text/html' }));
    expect(h.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(h.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(h.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(h.get('Content-Security-Policy')).toBe(contentSecurityPolicy());
    expect(h.get('X-Content-Type-Options')).toBe('nosniff');
    expect(h.get('Content-Type')).toBe('text/html');
    expect(hasIsolationHeaders(h)).toBe(true);
  });

  it('never replaces a header the server sent', () => {
    const from = new Headers({ 'Cross-Origin-Embedder-Policy': 'credentialless', 'Content-Security-Policy': "default-src 'none'" });
    const h = withAppHeaders(from);
    expect(h.get('Cross-Origin-Embedder-Policy')).toBe('credentialless');
    expect(h.get('Content-Security-Policy')).toBe("default-src 'none'");
    expect(hasIsolationHeaders(new Headers({ 'Cross-Origin-Opener-Policy': 'same-origin' }))).toBe(false);
  });
});

describe('Range requests answered from the cache', () => {
  it('reads the spans loaders send', () => {
    expect(parseRange('bytes=0-0', 100)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=10-', 100)).toEqual({ start: 10, end: 99 });
    expect(parseRange('bytes=90-200', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 });
  });

  it('past the end is unsatisfiable; malformed or multiple ranges get the whole body', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange(null, 100)).toBeUndefined();
    expect(parseRange('bytes=5-2', 100)).toBeUndefined();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
    expect(parseRange('items=0-1', 100)).toBeUndefined();
  });
});

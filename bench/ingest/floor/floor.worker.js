// See index.html: one parse worker or the hash worker of the ingest floor.
importScripts('sha256.umd.min.js');
const decoder = new TextDecoder('utf-8', { fatal: true });
const spare = [];
let hasher;
let dir;

async function readInto(blob) {
  const k = spare.findIndex((b) => b.byteLength >= blob.size);
  let buf = k >= 0 ? spare.splice(k, 1)[0] : new ArrayBuffer(blob.size);
  const reader = blob.stream().getReader({ mode: 'byob' });
  let at = 0;
  while (at < blob.size) {
    const { value, done } = await reader.read(new Uint8Array(buf, at, blob.size - at));
    if (value) { buf = value.buffer; at += value.byteLength; }
    if (done) break;
  }
  reader.releaseLock();
  return new Uint8Array(buf, 0, blob.size);
}

onmessage = async (e) => {
  const d = e.data;
  if (d.hello) {
    hasher = await hashwasm.createSHA256();
    hasher.init();
    dir = await navigator.storage.getDirectory();
    postMessage(true);
  } else if (d.recycle) {
    spare.push(d.recycle);
  } else if (d.hash) {
    hasher.update(new Uint8Array(d.hash, 0, d.len));
    postMessage({ buf: d.hash, worker: d.worker }, [d.hash]);
    if (d.last) postMessage({ digest: hasher.digest('hex') });
  } else {
    const buf = await readInto(d.blob);
    let rows = 0;
    // Lines wholly inside the piece: after its first \n (from its start for the first piece), up to its last.
    const first = buf.indexOf(10);
    let i = d.piece === 0 ? 0 : first + 1;
    if (first >= 0) {
      for (let nl = buf.indexOf(10, i); nl >= 0; i = nl + 1, nl = buf.indexOf(10, i)) {
        if (nl > i) { JSON.parse(decoder.decode(buf.subarray(i, nl))); rows++; }
      }
    }
    if (d.persist) {
      const fh = await dir.getFileHandle(`piece-${d.piece}`, { create: true });
      const h = await fh.createSyncAccessHandle();
      h.write(buf, { at: 0 });
      h.flush();
      h.close();
    }
    postMessage({ piece: d.piece, worker: d.worker, rows, buf: buf.buffer, len: buf.length }, [buf.buffer]);
  }
};

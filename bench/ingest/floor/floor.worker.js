// See index.html: one parse worker or the hash worker of the ingest floor.
importScripts('sha256.umd.min.js');
const decoder = new TextDecoder('utf-8', { fatal: true });
const spare = [];
let hasher;
let dir;
/** Creates this worker asked again so far. */
let stalls = 0;
/** This worker's one file of the run (as the app's PieceParser: src/ingest/piece.ts) and where the next piece goes. */
let one;

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

/**
 * A new file's sync access handle, asked again under a new name when a create has not answered in
 * 250 ms, as the app does (TextFileWriter.createOrGiveUp in src/db/text-store.ts): on this VM a
 * create now and then never answers.
 */
async function createFile() {
  for (;;) {
    const made = dir.getFileHandle(`piece-${crypto.randomUUID()}`, { create: true }).then((fh) => fh.createSyncAccessHandle());
    const late = Symbol('late');
    const got = await Promise.race([made, new Promise((ok) => setTimeout(() => ok(late), 250))]);
    if (got !== late) return got;
    stalls++;
    made.then((h) => h.close(), () => {});
  }
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
    // Not one piece at a time (the app's PieceParser is, through its `turn`): each piece runs as it
    // arrives, so the next one's read overlaps this one's parse. Of the ways tried here this was the
    // fastest (2026-11-30); the floor is the best case. Its place in the file is taken at once, so
    // pieces never overlap in it.
    void parsePiece(d);
  }
};

async function parsePiece(d) {
  {
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
      if (!one) one = { h: createFile(), at: 0 };
      const at = one.at;
      one.at += buf.length;
      const h = await one.h;
      h.write(buf, { at });
      h.flush();
    }
    postMessage({ piece: d.piece, worker: d.worker, rows, stalls, buf: buf.buffer, len: buf.length }, [buf.buffer]);
  }
}

import * as Comlink from 'comlink';
import { BlobHasher } from '../src/ingest/hash';

Comlink.expose(new BlobHasher());

import * as Comlink from 'comlink';
import { hashApi } from '../src/ingest/hash';

Comlink.expose(hashApi);

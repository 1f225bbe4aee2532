import * as Comlink from 'comlink';
import { PieceWorkerApi } from '../src/ingest/piece';

Comlink.expose(new PieceWorkerApi());

import * as Comlink from 'comlink';
import { IngestService } from '../src/ingest/service';

Comlink.expose(new IngestService());

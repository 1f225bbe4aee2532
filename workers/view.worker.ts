import * as Comlink from 'comlink';
import { RecordViewer } from '../src/db/sample-shown';

Comlink.expose(new RecordViewer());

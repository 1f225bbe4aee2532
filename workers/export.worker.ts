import * as Comlink from 'comlink';
import { ExportService } from '../src/export/service';

Comlink.expose(new ExportService());

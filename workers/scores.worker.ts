import * as Comlink from 'comlink';
import { ScoreImportService } from '../src/scores/service';

Comlink.expose(new ScoreImportService());

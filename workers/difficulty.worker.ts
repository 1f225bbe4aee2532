import * as Comlink from 'comlink';
import { useLocalOrtFiles } from '../src/models/ort-paths';
import { DifficultyService } from '../src/models/difficulty-service';

useLocalOrtFiles(self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1);
Comlink.expose(new DifficultyService());

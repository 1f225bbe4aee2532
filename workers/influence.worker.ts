import * as Comlink from 'comlink';
import { useLocalOrtFiles } from '../src/models/ort-paths';
import { InfluenceService } from '../src/models/influence-service';

useLocalOrtFiles(self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1);
Comlink.expose(new InfluenceService());

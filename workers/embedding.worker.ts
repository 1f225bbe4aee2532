import * as Comlink from 'comlink';
import { useLocalOrtFiles } from '../src/models/ort-paths';
import { EmbeddingService } from '../src/models/embedding-service';

useLocalOrtFiles(self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1);
Comlink.expose(new EmbeddingService());

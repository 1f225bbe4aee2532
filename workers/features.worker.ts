import * as Comlink from 'comlink';
import { FeatureService } from '../src/features/service';

Comlink.expose(new FeatureService());

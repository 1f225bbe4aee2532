import * as Comlink from 'comlink';
import { NearDupService } from '../src/dedup/service';

Comlink.expose(new NearDupService());

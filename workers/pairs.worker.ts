import * as Comlink from 'comlink';
import { PairsService } from '../src/pairs/service';

Comlink.expose(new PairsService());

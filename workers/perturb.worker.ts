import * as Comlink from 'comlink';
import { PerturbService } from '../src/perturb/service';

Comlink.expose(new PerturbService());

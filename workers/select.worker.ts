import * as Comlink from 'comlink';
import { SelectionService } from '../src/select/service';

Comlink.expose(new SelectionService());

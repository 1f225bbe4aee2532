import * as Comlink from 'comlink';
import { SearchService } from '../src/search/service';

Comlink.expose(new SearchService());

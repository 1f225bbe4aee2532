import * as Comlink from 'comlink';
import { ColumnLoader } from '../src/db/column-loader';

Comlink.expose(new ColumnLoader());

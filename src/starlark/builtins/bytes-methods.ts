import type { Bytes } from '../values/bytes.js';
import { BytesElems } from '../values/elems.js';
import { methodTable } from './method-table.js';
import { unpackPositional } from './unpack-args.js';

/** The methods of bytes values (the spec defines only `elems`). */
export const bytesMethods = methodTable<Bytes>({
  elems: (bytes, call) => {
    unpackPositional(call, 0, 0);
    return new BytesElems(bytes.value);
  },
});

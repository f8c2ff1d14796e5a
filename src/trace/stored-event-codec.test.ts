import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../util/index.js';
import type { RunEvent } from '../engine/contracts/index.js';
import { decodeEvent, encodeSerializedEvent } from './stored-event-codec.js';

const noSecrets = { mayContainSecret: () => false, redact: <T>(value: T) => value };

describe('stored event codec', () => {
  it('round-trips any activity text, moving long strings to blobs and back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.nat(40), (text, repeat) => {
        const message = text.repeat(repeat);
        const event: RunEvent = { type: 'activity', runId: 'r', at: 1, nodeId: 'n', message };
        const blobs = new Map<string, Buffer>();
        const encoded = encodeSerializedEvent(JSON.stringify(event), noSecrets, (content) => {
          const hash = sha256Hex(content);
          blobs.set(hash, Buffer.from(content, 'utf8'));
          return hash;
        }, 256);
        expect(encoded.blobHashes.length).toBe(Buffer.byteLength(message, 'utf8') > 256 ? 1 : 0);
        expect(decodeEvent(encoded.payload, (hash) => blobs.get(hash))).toEqual(event);
      }),
    );
  });
});

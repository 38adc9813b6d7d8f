import { randomUUID } from 'node:crypto';

import { createTranslator } from 'short-uuid';
import { describe, expect, it } from 'vitest';

import { newEventId, shortenUuid } from '../src/lib/event-id.js';

describe('event ids', () => {
  const translator = createTranslator();

  it("are short-uuid's flickrBase58 form of the UUID, padded to 22 characters", () => {
    const edges = ['00000000-0000-4000-8000-000000000000', 'ffffffff-ffff-4fff-bfff-ffffffffffff', '00000000-0000-4000-8000-000000000039', '0000003a-0000-4000-8000-000000000000'];
    for (const uuid of [...edges, ...Array.from({ length: 20_000 }, () => randomUUID())]) expect(shortenUuid(uuid)).toBe(translator.fromUUID(uuid));
  });

  it('are 22 characters that translate back to a v4 UUID', () => {
    const ids = Array.from({ length: 1000 }, () => newEventId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[1-9a-km-zA-HJ-NP-Z]{22}$/);
      expect(translator.toUUID(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});

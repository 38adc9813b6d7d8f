import { describe, expect, it } from 'vitest';

import { createPriorityMarker } from '../src/priority-mark.js';

describe('priority marks', () => {
  const marker = createPriorityMarker('test-secret-key-0123456789');

  it('verifies the mark of the UID it was made for', () => {
    expect(marker.verify('event-1', marker.mark('event-1'))).toBe(true);
    expect(marker.verify('event-1', ` ${marker.mark('event-1')} `)).toBe(true);
  });

  it('refuses a mark copied onto another event, a tampered one, one made with another key, and none', () => {
    const mark = marker.mark('event-1');
    expect(marker.verify('event-2', mark)).toBe(false);
    expect(marker.verify('event-1', mark.slice(0, -1) + (mark.endsWith('A') ? 'B' : 'A'))).toBe(false);
    expect(marker.verify('event-1', createPriorityMarker('another-secret-key-456789').mark('event-1'))).toBe(false);
    expect(marker.verify('event-1', null)).toBe(false);
    expect(marker.verify('event-1', '')).toBe(false);
  });
});

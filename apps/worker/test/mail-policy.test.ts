import { describe, expect, it } from 'vitest';

import { createMailPolicy, domainOf, parseDomains, recipientCheck } from '../src/mail-policy.js';

describe('mail recipient policy', () => {
  it('parses the configured list and reads domains case-insensitively', () => {
    expect(parseDomains(' Example.org, @rooms.example.net ,, ')).toEqual(['example.org', 'rooms.example.net']);
    expect(domainOf('Someone@Example.ORG')).toBe('example.org');
    expect(domainOf('"odd@name"@example.org')).toBe('example.org');
    expect(domainOf('no-at-sign')).toBeUndefined();
    expect(domainOf('trailing@')).toBeUndefined();
  });

  it('allows exactly the listed domains, not their subdomains or look-alikes', () => {
    const allowed = recipientCheck(['example.org']);
    expect(allowed('a@example.org')).toBe(true);
    expect(allowed('a@EXAMPLE.org')).toBe(true);
    expect(allowed('a@mail.example.org')).toBe(false);
    expect(allowed('a@example.org.evil.test')).toBe(false);
    expect(allowed('a@notexample.org')).toBe(false);
  });

  it('uses the configured domains, else the known addresses read when asked', async () => {
    let known = ['room-1@rooms.example.org', 'alice@example.com'];
    const fixed = await createMailPolicy('corp.example', async () => known)();
    expect(fixed('x@corp.example')).toBe(true);
    expect(fixed('x@example.com')).toBe(false);
    const fromKnown = createMailPolicy('', async () => known);
    expect((await fromKnown())('bob@example.com')).toBe(true);
    expect((await fromKnown())('bob@elsewhere.test')).toBe(false);
    known = [...known, 'carol@elsewhere.test'];
    expect((await fromKnown())('bob@elsewhere.test')).toBe(true);
  });
});

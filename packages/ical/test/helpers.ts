import { readFileSync } from 'node:fs';

/** A fixture file as a client wrote it (CRLF, folded lines). */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export const ROOM = 'room-spree@example.org';
export const BERLIN = 'Europe/Berlin';

/** A window wide enough for every fixture (they all live in March/April 2026). */
export const MARCH_APRIL = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-10T00:00:00Z') };

export const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

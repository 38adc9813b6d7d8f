import { createCalendarsRepository, createSecretBox, createUsersRepository, type Database } from '@roombook/db';
import { addDays, futureDay } from '@roombook/testing';

/**
 * Day `n` of a bench's bookings, counted from 40 days ahead of today: the benches book the same
 * kind of slot every run, and a literal date would one day lie in the past, where every booking
 * is answered 422 and the bench measures the refusal instead.
 */
export const benchDay = (n = 0): string => addDays(futureDay(), n);

/**
 * The enqueue benches' user, key and room (`room`, granted to it), and one booking body. The API
 * never talks CalDAV on that path, so the room's URL needs no server behind it.
 */
export async function seedEnqueueRoom(db: Database): Promise<{ token: string; body: string }> {
  const users = createUsersRepository(db);
  const calendars = createCalendarsRepository(db, createSecretBox('bench-secret-key-0123456789'));
  await users.create({ name: 'bench' });
  const { token } = await users.createKey({ userName: 'bench' });
  await calendars.create({ slug: 'room', url: 'http://127.0.0.1:9/room/', username: 'u', password: 'p', timeZone: 'Europe/Berlin' });
  await calendars.grant('room', 'bench');
  const day = benchDay();
  return { token, body: JSON.stringify({ name: 'Load', start: `${day}T10:00`, end: `${day}T11:00` }) };
}

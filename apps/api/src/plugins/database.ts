import {
  createAvailabilityRepository,
  createCalendarsRepository,
  createDatabase,
  createUsersRepository,
  type AvailabilityRepository,
  type CalendarsRepository,
  type Database,
  type UsersRepository,
} from '@roombook/db';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    users: UsersRepository;
    calendars: CalendarsRepository;
    /** The calendar store's read side (issue 12): free/busy and find-a-room read only this. */
    availability: AvailabilityRepository;
  }
}

/** The pooled drizzle client and the repositories the routes use; closed with the app. */
export const databasePlugin = fp(
  async function database(app: FastifyInstance, options: { url: string }) {
    const handle = createDatabase(options.url);
    app.decorate('db', handle.db);
    app.decorate('users', createUsersRepository(handle.db));
    // The API never needs CalDAV passwords, so it gets no SecretBox (and no SECRET_KEY).
    const calendars = createCalendarsRepository(handle.db);
    app.decorate('calendars', calendars);
    app.decorate('availability', createAvailabilityRepository(handle.db));
    app.addHook('onClose', () => handle.close());
  },
  { name: 'database' },
);

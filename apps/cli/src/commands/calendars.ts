import { Option, type Command } from 'commander';

import type { BookingPolicy, CalendarUpdate, RoomAttributes } from '@roombook/db';
import { MAX_BOOKING_MINUTES, MAX_CAPACITY, MAX_DAYS_AHEAD, MAX_SERIES_CONFLICTS, calendarService, type CalendarView } from '@roombook/service';

import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { emit, formatDuration, table, withJson } from '../output.js';
import { integerIn, parseDuration, parseEmail, parseFeatures, parseHttpUrl, parseLocation, parseName, parseSlug, parseTimeZone } from '../validate.js';

function describe(c: CalendarView): string {
  return [
    `slug:           ${c.slug}`,
    `name:           ${c.displayName}`,
    `url:            ${c.url}`,
    `username:       ${c.username}`,
    `time zone:      ${c.timeZone}`,
    `room address:   ${c.roomEmail ?? '(none: lost occurrences are cancelled, not declined)'}`,
    `auto clear:     ${c.autoClear ? `every ${formatDuration(c.clearIntervalSeconds)}` : 'off'}`,
    `horizon:        ${c.horizonDays} days`,
    `mail:           ${c.mailEnabled ? `on, template ${c.template ?? '(default)'}` : 'off'}`,
    `cancelling:     ${c.openDelete ? 'open: anyone granted the room may cancel any booking' : 'the booking\'s maker and managers only'}`,
    ...(c.allowPrivateAddress ? ['address:        link-local / metadata addresses allowed'] : []),
    `conflicts:      ${c.conflictPolicy === 'reject' ? 'rejected when booked' : 'allowed (the clear removes the loser)'}, a series may skip ${c.seriesMaxConflicts}`,
    `booking rules:  ${describeRules(c)}`,
    `capacity:       ${c.capacity === null ? '(not stated)' : `${c.capacity} people`}`,
    `features:       ${c.features.length > 0 ? c.features.join(', ') : '(none stated)'}`,
    `location:       ${c.location ?? '(not stated)'}`,
  ].join('\n');
}

function describeRules(c: CalendarView): string {
  const rules = [
    c.maxDaysAhead !== null ? `at most ${c.maxDaysAhead} days ahead` : null,
    c.minMinutes !== null ? `at least ${c.minMinutes} min` : null,
    c.maxMinutes !== null ? `at most ${c.maxMinutes} min` : null,
    c.openingHours !== null ? `open ${c.openingHours}` : null,
  ].filter((r) => r !== null);
  return rules.length > 0 ? rules.join(', ') : 'none (only: not in the past)';
}

interface PasswordOptions {
  password?: string;
  passwordEnv?: string;
}

/**
 * The CalDAV password from `--password` or from the variable `--password-env` names (read
 * through the CLI's env, so tests and wrappers control it). `--password-env` keeps the secret out
 * of shell history and `ps`.
 */
function passwordFrom(opts: PasswordOptions, ctx: CliContext): string | undefined {
  if (opts.passwordEnv !== undefined) {
    const value = ctx.io.env[opts.passwordEnv];
    if (value === undefined || value === '') {
      throw new UsageError(`environment variable ${opts.passwordEnv} (named by --password-env) is not set or empty`);
    }
    return value;
  }
  if (opts.password === '') throw new UsageError('--password must not be empty');
  return opts.password;
}

const passwordOption = () =>
  new Option('--password <password>', 'CalDAV password (visible in `ps`; prefer --password-env)').conflicts(
    'passwordEnv',
  );
const passwordEnvOption = () =>
  new Option('--password-env <var>', 'read the CalDAV password from this environment variable');

interface CreateOptions extends PasswordOptions {
  slug: string;
  url: string;
  username: string;
  timezone?: string;
  roomEmail?: string;
  name?: string;
  autoClear?: boolean;
  clearInterval?: number;
  horizonDays?: number;
  openDelete?: boolean;
  allowPrivateAddress?: boolean;
  conflicts?: 'reject' | 'allow';
  seriesMaxConflicts?: number;
  maxDaysAhead?: number;
  minMinutes?: number;
  maxMinutes?: number;
  openingHours?: string;
  capacity?: number;
  features?: string[];
  location?: string;
  /** false with --no-verify */
  verify: boolean;
}

interface UpdateOptions extends PasswordOptions {
  slug: string;
  url?: string;
  username?: string;
  timezone?: string;
  roomEmail?: string | false;
  name?: string;
  autoClear?: boolean;
  clearInterval?: number;
  horizonDays?: number;
  template?: string;
  defaultTemplate?: boolean;
  mail?: boolean;
  openDelete?: boolean;
  allowPrivateAddress?: boolean;
  conflicts?: 'reject' | 'allow';
  seriesMaxConflicts?: number;
  /** false with --no-… : the rule goes */
  maxDaysAhead?: number | false;
  minMinutes?: number | false;
  maxMinutes?: number | false;
  openingHours?: string | false;
  capacity?: number | false;
  features?: string[] | false;
  location?: string | false;
  verify: boolean;
}

/** Booking-policy options shared by create and update (issue 11). */
function withPolicyOptions(command: Command, update: boolean): Command {
  command
    .addOption(new Option('--conflicts <policy>', 'reject: refuse a clashing booking when it is made (default); allow: book, the clear removes the loser').choices(['reject', 'allow']))
    .option('--series-max-conflicts <n>', 'a series with at most N clashing occurrences is booked without them (default 0)', parseSeriesMax)
    .option('--max-days-ahead <n>', 'bookings may start at most N days ahead', parseDays)
    .option('--min-minutes <n>', 'bookings last at least N minutes', parseMinutes)
    .option('--max-minutes <n>', 'bookings last at most N minutes', parseMinutes)
    .option('--opening-hours <spans>', 'bookings lie inside one span, in the room\'s zone, e.g. "Mon-Fri 07:00-20:00, Sat 09:00-13:00"');
  if (update) {
    command
      .option('--no-max-days-ahead', 'remove the days-ahead limit')
      .option('--no-min-minutes', 'remove the minimum length')
      .option('--no-max-minutes', 'remove the maximum length')
      .option('--no-opening-hours', 'remove the opening hours');
  }
  return command;
}

const parseSeriesMax = integerIn(0, MAX_SERIES_CONFLICTS);
const parseDays = integerIn(1, MAX_DAYS_AHEAD);
const parseMinutes = integerIn(1, MAX_BOOKING_MINUTES);
const parseCapacity = integerIn(1, MAX_CAPACITY);

/** Room attributes (issue 12) shared by create and update; find-a-room filters on them. */
function withAttributeOptions(command: Command, update: boolean): Command {
  command
    .option('--capacity <n>', 'how many people the room seats', parseCapacity)
    .option('--features <list>', 'what the room has, comma-separated lower-case names, e.g. "projector,video-conf"', parseFeatures)
    .option('--location <text>', 'where the room is, e.g. "Building B, 2nd floor" (at most 200 characters)', parseLocation);
  if (update) {
    command
      .option('--no-capacity', 'forget the capacity')
      .option('--no-features', 'forget every feature')
      .option('--no-location', 'forget the location');
  }
  return command;
}

function attributesFrom(opts: CreateOptions | UpdateOptions): Partial<RoomAttributes> | undefined {
  const attributes: Partial<RoomAttributes> = {
    capacity: orNull(opts.capacity),
    features: opts.features === false ? [] : opts.features,
    location: orNull(opts.location),
  };
  return Object.values(attributes).every((v) => v === undefined) ? undefined : attributes;
}

/** false (a --no- option) removes the rule: null in the database. */
const orNull = <T>(value: T | false | undefined): T | null | undefined => (value === false ? null : value);

function policyFrom(opts: CreateOptions | UpdateOptions): Partial<BookingPolicy> | undefined {
  const policy: Partial<BookingPolicy> = {
    conflictPolicy: opts.conflicts,
    seriesMaxConflicts: opts.seriesMaxConflicts,
    maxDaysAhead: orNull(opts.maxDaysAhead),
    minMinutes: orNull(opts.minMinutes),
    maxMinutes: orNull(opts.maxMinutes),
    openingHours: orNull(opts.openingHours),
  };
  return Object.values(policy).every((v) => v === undefined) ? undefined : policy;
}

const verifyHelp = 'store without asking the CalDAV server first (by default a PROPFIND must confirm the URL is a calendar these credentials can read)';

/** The shared operations, over this command's database and SECRET_KEY (both opened lazily). */
const service = (ctx: CliContext) => calendarService({ db: ctx.db(), secrets: () => ctx.secrets(), accessChanges: ctx.accessChanges() });

const parseHorizon = integerIn(1, 3650);

const openDeleteHelp = "let anyone granted the room cancel any booking in it (the original app's behaviour); by default only the booking's maker and users granted --manage may";
const allowPrivateHelp = 'let the CalDAV client reach link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10); loopback and private ranges are always allowed';

/** `roombook calendar create|update|grant|list`: rooms, their CalDAV access and clearing settings. */
export function registerCalendarCommands(program: Command, ctx: CliContext): void {
  const group = program.command('calendar').description('manage room calendars');

  withAttributeOptions(withPolicyOptions(withJson(group.command('create').description('register a CalDAV calendar collection as a room')), false), false)
    .requiredOption('--slug <slug>', 'short name used in API paths', parseSlug)
    .requiredOption('--url <url>', 'CalDAV collection URL', parseHttpUrl)
    .requiredOption('--username <username>', 'CalDAV user name', parseName)
    .addOption(passwordOption())
    .addOption(passwordEnvOption())
    .option('--timezone <zone>', 'IANA time zone of the room (default UTC)', parseTimeZone)
    .option('--room-email <email>', "the room's calendar-user address: invitations to it are declined, not cancelled", parseEmail)
    .option('--name <display>', 'display name (default: the slug)', parseName)
    .option('--auto-clear', 'clear the calendar on a schedule')
    .option('--clear-interval <duration>', 'time between scheduled clears, e.g. 15m, 1h, 3600 (default 1h)', parseDuration)
    .option('--horizon-days <n>', 'how many days ahead a clear looks (default 365)', parseHorizon)
    .option('--open-delete', openDeleteHelp)
    .option('--allow-private-address', allowPrivateHelp)
    .option('--no-verify', verifyHelp)
    .action(async (opts: CreateOptions, command: Command) => {
      const password = passwordFrom(opts, ctx);
      if (password === undefined) throw new UsageError('one of --password or --password-env is required');
      // Before touching the database: a missing SECRET_KEY should not cost a connection attempt.
      ctx.secrets();
      const { calendar: row } = await service(ctx).create({
        slug: opts.slug,
        displayName: opts.name,
        url: opts.url,
        username: opts.username,
        password,
        timeZone: opts.timezone,
        roomEmail: opts.roomEmail,
        autoClear: opts.autoClear,
        clearIntervalSeconds: opts.clearInterval,
        horizonDays: opts.horizonDays,
        openDelete: opts.openDelete,
        allowPrivateAddress: opts.allowPrivateAddress,
        policy: policyFrom(opts),
        attributes: attributesFrom(opts),
      }, { verify: opts.verify });
      const calendar = await service(ctx).view(row);
      emit(ctx.io, command, calendar, () => `created calendar ${calendar.slug}\n${describe(calendar)}`);
    });

  withAttributeOptions(withPolicyOptions(withJson(group.command('update').description('change a calendar; options not given stay as they are')), true), true)
    .requiredOption('--slug <slug>', 'the calendar to change', parseSlug)
    .option('--url <url>', 'CalDAV collection URL', parseHttpUrl)
    .option('--username <username>', 'CalDAV user name', parseName)
    .addOption(passwordOption())
    .addOption(passwordEnvOption())
    .option('--timezone <zone>', 'IANA time zone', parseTimeZone)
    .option('--room-email <email>', "the room's calendar-user address (invitations to it are declined)", parseEmail)
    .option('--no-room-email', 'forget the room address: lost occurrences are cancelled')
    .option('--name <display>', 'display name', parseName)
    .option('--auto-clear', 'clear on a schedule')
    .option('--no-auto-clear', 'stop scheduled clears')
    .option('--clear-interval <duration>', 'time between scheduled clears, e.g. 15m, 1h, 3600', parseDuration)
    .option('--horizon-days <n>', 'how many days ahead a clear looks', parseHorizon)
    .addOption(new Option('--template <name>', 'mail losing organizers with this template (turns mail on)').argParser(parseName).conflicts('defaultTemplate'))
    .option('--default-template', 'use the built-in mail template')
    .option('--mail', 'mail losing organizers after a clear')
    .option('--no-mail', 'never mail from this calendar')
    .option('--open-delete', openDeleteHelp)
    .option('--no-open-delete', "only the booking's maker and managers may cancel a booking")
    .option('--allow-private-address', allowPrivateHelp)
    .option('--no-allow-private-address', 'refuse link-local and metadata addresses again')
    .option('--no-verify', verifyHelp)
    .action(async (opts: UpdateOptions, command: Command) => {
      if (opts.template !== undefined && opts.mail === false) {
        throw new UsageError('--template turns mail on; it cannot be combined with --no-mail');
      }
      const password = passwordFrom(opts, ctx);
      const change: CalendarUpdate = {
        url: opts.url,
        username: opts.username,
        password,
        timeZone: opts.timezone,
        roomEmail: opts.roomEmail === false ? null : opts.roomEmail,
        displayName: opts.name,
        autoClear: opts.autoClear,
        clearIntervalSeconds: opts.clearInterval,
        horizonDays: opts.horizonDays,
        mailEnabled: opts.mail,
        template: opts.defaultTemplate ? null : opts.template,
        openDelete: opts.openDelete,
        allowPrivateAddress: opts.allowPrivateAddress,
        policy: policyFrom(opts),
        attributes: attributesFrom(opts),
      };
      if (Object.values(change).every((v) => v === undefined)) {
        throw new UsageError('nothing to update: give at least one option besides --slug (see --help)');
      }
      const { calendar: row } = await service(ctx).update(opts.slug, change, { verify: opts.verify });
      const calendar = await service(ctx).view(row);
      emit(ctx.io, command, calendar, () => `updated calendar ${calendar.slug}\n${describe(calendar)}`);
    });

  withJson(group.command('grant').description("let a user's API keys use a calendar"))
    .requiredOption('--calendar <slug>', 'the calendar', parseSlug)
    .requiredOption('--user <name>', 'the user', parseName)
    .option('--manage', "also let them cancel anyone's booking in it and see organizers in clear reports")
    .option('--no-manage', 'take the manage grant away (the user keeps booking access)')
    .action(async (opts: { calendar: string; user: string; manage?: boolean }, command: Command) => {
      await service(ctx).grant(opts.calendar, opts.user, { manage: opts.manage });
      emit(
        ctx.io,
        command,
        { calendar: opts.calendar, user: opts.user, ...(opts.manage !== undefined && { manage: opts.manage }) },
        `user ${opts.user} may now use calendar ${opts.calendar}${opts.manage === true ? ' and manage its bookings' : opts.manage === false ? ' (without managing its bookings)' : ''}`,
      );
    });

  withJson(group.command('revoke').description("take a user's access to a calendar away"))
    .requiredOption('--calendar <slug>', 'the calendar', parseSlug)
    .requiredOption('--user <name>', 'the user', parseName)
    .option('--force', "revoke even though the user's API keys were used recently")
    .action(async (opts: { calendar: string; user: string; force?: boolean }, command: Command) => {
      await service(ctx).revoke(opts.calendar, opts.user, { force: opts.force === true });
      emit(
        ctx.io,
        command,
        { calendar: opts.calendar, user: opts.user, revoked: true },
        `user ${opts.user} may no longer use calendar ${opts.calendar}`,
      );
    });

  withJson(
    group
      .command('delete')
      .description('remove a calendar from roombook (the collection on the CalDAV server stays as it is)'),
  )
    .requiredOption('--slug <slug>', 'the calendar to delete', parseSlug)
    .option('--force', 'delete it with its grants, priority tokens and audit entries')
    .action(async (opts: { slug: string; force?: boolean }, command: Command) => {
      const { calendar, removed } = await service(ctx).delete(opts.slug, { force: opts.force === true });
      emit(
        ctx.io,
        command,
        { slug: calendar.slug, deleted: true, alsoRemoved: removed },
        `deleted calendar ${calendar.slug}${removed.length > 0 ? ` (and with it: ${removed.join('; ')})` : ''}; ` +
          'its collection on the CalDAV server is untouched',
      );
    });

  withJson(group.command('list').description('list calendars (never their passwords)'))
    .action(async (_opts: unknown, command: Command) => {
      const calendars = await service(ctx).list();
      emit(ctx.io, command, calendars, () =>
        table(
          calendars,
          [
            { header: 'SLUG', value: (c) => c.slug },
            { header: 'NAME', value: (c) => c.displayName },
            { header: 'TIME ZONE', value: (c) => c.timeZone },
            { header: 'AUTO CLEAR', value: (c) => (c.autoClear ? formatDuration(c.clearIntervalSeconds) : 'off') },
            { header: 'HORIZON', value: (c) => `${c.horizonDays}d` },
            { header: 'MAIL', value: (c) => (c.mailEnabled ? (c.template ?? '(default)') : 'off') },
            { header: 'USERNAME', value: (c) => c.username },
            { header: 'URL', value: (c) => c.url },
          ],
          'no calendars',
        ),
      );
    });
}

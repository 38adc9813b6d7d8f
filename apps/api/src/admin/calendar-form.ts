/**
 * The calendar form's fields, in order, in sections. A field maps one-to-one to a property of the
 * admin API's calendar schemas (schemas.ts); settings added later get a line here and a property there.
 */
export interface FormField {
  name: string;
  label: string;
  /** `list`: a comma-separated text field sent as an array of strings. */
  type: 'text' | 'url' | 'email' | 'password' | 'number' | 'checkbox' | 'select' | 'list';
  help?: string;
  /** Required when a calendar is created. */
  required?: boolean;
  /** Only on the create form (the slug names the calendar). */
  createOnly?: boolean;
  /** Only on the edit form. */
  updateOnly?: boolean;
  /** Empty means "no value" on update (null, or [] for a list), not "unchanged". */
  clearable?: boolean;
  /** A select's choices; without them it lists the mail templates. */
  options?: { value: string; label: string }[];
  /** Shown for the field in the browser's numeric keyboard and as the input's bounds. */
  min?: number;
  placeholder?: string;
}

export interface FormSection {
  legend: string;
  fields: FormField[];
}

export const calendarSections: FormSection[] = [
  {
    legend: 'Room',
    fields: [
      { name: 'slug', label: 'Slug', type: 'text', required: true, createOnly: true, help: 'used in API paths: lowercase letters, digits and "-"' },
      { name: 'displayName', label: 'Display name', type: 'text' },
      { name: 'capacity', label: 'Capacity (people)', type: 'number', min: 1, clearable: true, help: 'how many people the room seats; empty: not stated' },
      { name: 'features', label: 'Features', type: 'list', clearable: true, placeholder: 'projector, video-conf', help: 'comma-separated lower-case names (letters, digits, "-")' },
      { name: 'location', label: 'Location', type: 'text', clearable: true, placeholder: 'Building B, 2nd floor', help: 'where the room is; at most 200 characters' },
      { name: 'timeZone', label: 'Time zone', type: 'text', help: 'IANA name, e.g. Europe/Berlin' },
      { name: 'roomEmail', label: 'Room e-mail address', type: 'email', clearable: true, help: 'invitations to it are declined, not cancelled' },
    ],
  },
  {
    legend: 'CalDAV connection',
    fields: [
      { name: 'url', label: 'CalDAV collection URL', type: 'url', required: true },
      { name: 'username', label: 'CalDAV user name', type: 'text', required: true },
      { name: 'password', label: 'CalDAV password', type: 'password', required: true, help: 'stored encrypted and never shown; on edit, leave empty to keep it' },
      { name: 'allowPrivateAddress', label: 'Allow link-local and metadata addresses (169.254.0.0/16, fe80::/10)', type: 'checkbox' },
      { name: 'verify', label: 'Ask the CalDAV server first', type: 'checkbox' },
    ],
  },
  {
    legend: 'Booking rules',
    fields: [
      {
        name: 'conflictPolicy', label: 'Clashing bookings', type: 'select',
        options: [
          { value: 'reject', label: 'refused when booked' },
          { value: 'allow', label: 'booked; the clear removes the loser' },
        ],
      },
      { name: 'seriesMaxConflicts', label: 'Clashing occurrences a series may skip', type: 'number', min: 0, help: 'a recurring booking with at most this many clashes is booked without them' },
      { name: 'maxDaysAhead', label: 'Bookable days ahead', type: 'number', min: 1, clearable: true, help: 'empty: no limit' },
      { name: 'minMinutes', label: 'Shortest booking (minutes)', type: 'number', min: 1, clearable: true, help: 'empty: no limit' },
      { name: 'maxMinutes', label: 'Longest booking (minutes)', type: 'number', min: 1, clearable: true, help: 'empty: no limit' },
      { name: 'openingHours', label: 'Opening hours', type: 'text', clearable: true, placeholder: 'Mon-Fri 07:00-20:00, Sat 09:00-13:00', help: "bookings lie inside one span, in the room's time zone; empty: any time" },
      { name: 'openDelete', label: 'Anyone granted the room may cancel any booking in it', type: 'checkbox' },
    ],
  },
  {
    legend: 'Clearing and mail',
    fields: [
      { name: 'autoClear', label: 'Clear on a schedule', type: 'checkbox' },
      { name: 'clearIntervalSeconds', label: 'Seconds between scheduled clears', type: 'number', min: 60 },
      { name: 'horizonDays', label: 'Days a clear looks ahead', type: 'number', min: 1 },
      { name: 'mailEnabled', label: 'Mail losing organizers', type: 'checkbox', updateOnly: true },
      { name: 'template', label: 'Mail template', type: 'select', updateOnly: true, clearable: true, help: 'empty: the built-in one' },
    ],
  },
];

/** Every field, in form order. */
export const calendarFields: FormField[] = calendarSections.flatMap((s) => s.fields);

const inMode = (field: FormField, mode: 'create' | 'update') => !((mode === 'create' && field.updateOnly) || (mode === 'update' && field.createOnly));

/** The sections as the create or the edit form shows them. */
export function formSections(mode: 'create' | 'update'): FormSection[] {
  return calendarSections.map((s) => ({ legend: s.legend, fields: s.fields.filter((f) => inMode(f, mode)) }));
}

/** A calendar (or a rejected body) as form values: lists as the comma-separated text typed into them. */
export function formValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const field of calendarFields) {
    const value = values[field.name];
    if (field.type === 'list' && Array.isArray(value)) out[field.name] = value.join(', ');
  }
  return out;
}

type Form = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[value.length - 1] : value);

/**
 * A submitted form as the admin API's JSON body: numbers as numbers (a non-number is passed on
 * as text so the API names the field), checkboxes as booleans, lists as arrays, empty fields left
 * out (or null / [] for clearable ones on update). Values are not checked here: the API does.
 */
export function formToBody(form: Form, mode: 'create' | 'update'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of calendarFields) {
    if (!inMode(field, mode)) continue;
    const raw = one(form[field.name]);
    if (field.type === 'checkbox') {
      body[field.name] = raw !== undefined;
      continue;
    }
    const value = raw?.trim() ?? '';
    if (value === '') {
      if (mode === 'update' && field.clearable) body[field.name] = field.type === 'list' ? [] : null;
      continue;
    }
    if (field.type === 'list') body[field.name] = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    else body[field.name] = field.type === 'number' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return body;
}

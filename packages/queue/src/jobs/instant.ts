import { Type } from 'typebox';

/**
 * An instant as jobs carry it: RFC 3339 with an offset, seconds 00–59 and no RFC 9557 zone suffix.
 * The `date-time` format alone admits `…Z[Europe/Berlin]` and leap seconds, which `new Date()`
 * in the worker cannot read.
 */
export const Instant = Type.String({
  format: 'date-time',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:[0-5]\\d(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
});

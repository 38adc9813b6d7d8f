import { Type, type TObject, type TProperties, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { isTimeZone } from '@roombook/zones';

/** Thrown when the environment does not satisfy the schema; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type MergeProperties<S extends TObject[]> = S extends [infer Head extends TObject, ...infer Rest extends TObject[]]
  ? Head['properties'] & MergeProperties<Rest>
  : unknown;

type Evaluated<P> = P extends TProperties ? { [K in keyof P]: P[K] } : never;

/** Merges slices into one object schema, keeping each variable's static type. */
export function composeEnv<const S extends TObject[]>(...slices: S): TObject<Evaluated<MergeProperties<S>>> {
  const properties: TProperties = {};
  for (const slice of slices) Object.assign(properties, slice.properties);
  return Type.Object(properties) as unknown as TObject<Evaluated<MergeProperties<S>>>;
}

/**
 * Reads and validates the environment once, at start-up. Empty strings count as unset so that a
 * blank line in an .env file falls back to the default instead of failing the pattern.
 */
export function loadConfig<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Static<T> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const withDefaults = Value.Convert(schema, Value.Default(schema, input));
  const problems: { variable: string; message: string }[] = [];
  for (const error of Value.Errors(schema, withDefaults)) {
    const variable =
      error.keyword === 'required'
        ? (error.params as { requiredProperties: string[] }).requiredProperties.join(', ')
        : error.instancePath.replace(/^\//, '');
    problems.push({ variable, message: error.message });
  }
  const zone = (withDefaults as Record<string, unknown>)['TIME_ZONE'];
  if (typeof zone === 'string' && !isTimeZone(zone)) {
    problems.push({ variable: 'TIME_ZONE', message: `unknown IANA time zone "${zone}"` });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return withDefaults as Static<T>;
}

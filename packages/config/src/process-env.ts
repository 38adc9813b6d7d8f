/**
 * The process environment, for entry points that pass it on explicitly (e.g. the CLI's
 * `runCli(argv, { env })`) so that everything below them stays testable with a plain object.
 * Lives here because packages/config is the only place allowed to touch process.env.
 */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}

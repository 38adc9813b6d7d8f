import { ConfigError, loadEnvFile, processEnv } from '@roombook/config';

import { runCli } from './program.js';

// The same .env as `npm start` (SECRET_KEY above all): a calendar stored by the CLI must be
// readable by the worker, and the README's steps must work without exporting anything by hand.
let envError: string | undefined;
try {
  loadEnvFile();
} catch (error) {
  envError = error instanceof ConfigError ? error.message.replace(/\s*\n\s*/g, ' ') : String(error);
}
if (envError !== undefined) {
  process.stderr.write(`roombook: error: ${envError}\n`);
  process.exitCode = 1;
} else {
  // exitCode rather than process.exit(): lets stdout drain when it is a pipe.
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    env: processEnv(),
  });
}

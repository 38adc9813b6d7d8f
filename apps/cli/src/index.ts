export { CliContext, createProgram, runCli, type CliIo } from './program.js';

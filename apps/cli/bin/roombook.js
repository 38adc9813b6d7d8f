#!/usr/bin/env node
// Thin launcher: the command lives in the compiled dist/ (npm run build).
import '../dist/main.js';

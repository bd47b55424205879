#!/usr/bin/env node
// The `keyaki` process: runs the command line (program.ts) and exits with its code.
import { runKeyaki } from './program.js';

// A reader that stops early (`keyaki ... | head`) closes the pipe: that ends
// the output, it is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit();
});

process.exitCode = await runKeyaki(process.argv.slice(2));

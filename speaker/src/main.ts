#!/usr/bin/env node
import { run } from './program/run.js';

await run(process.argv.slice(2));

#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script, or `npm run build`).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error(`healthlake: ${cli} is missing; build it with "npm run build" in ${path.dirname(__dirname)}`);
  process.exit(4);
}
require(cli).main(process.argv.slice(2));

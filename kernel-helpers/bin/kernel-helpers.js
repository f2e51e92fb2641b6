#!/usr/bin/env node
// `npx kernel-helpers <command>`: a committed file, so npm links it at install time (npm ci runs
// before the build, and npm skips a bin whose file does not exist yet); the commands are in dist/.
const path = require("node:path");
const fs = require("node:fs");
const cli = path.join(__dirname, "..", "dist", "cli.js");
if (!fs.existsSync(cli)) {
  console.error("kernel-helpers: not built yet: run `npm run build` at the repository's root first");
  process.exit(1);
}
require(cli);

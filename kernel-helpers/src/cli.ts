#!/usr/bin/env node
/**
 * `npx kernel-helpers <command> ...`: the package's terminal entry. Each command lives with its
 * area and is loaded only when asked for, so one area's command never slows another's.
 */
const commands: Record<string, { module: string; summary: string }> = {
  mpirun: { module: "./comm/cli", summary: "mpirun -n N program.js [args]: run an MPI-style program on N ranks" },
  worker: { module: "./graph/cli", summary: "worker --redis URL: serve the 'cluster' task-graph scheduler from this machine" },
};

function usage(): string {
  return ["usage: kernel-helpers <command> [options]", "", ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`kernel-helpers: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(command.module) as { main(args: string[]): Promise<number> };
  return mod.main(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`kernel-helpers: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

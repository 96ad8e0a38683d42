import { defineConfig } from 'vitest/config';

/**
 * Two projects, run one after the other by `npm test`: `main` (files in parallel; the MariaDB-backed ones
 * share one server, each with its own schema), then `server-wide` (tests that touch the whole server — a
 * global read lock, global variables, plugins — one file at a time, beside nothing else).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts', 'infra/test/**/*.test.ts'],
          exclude: ['test/server-wide/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server-wide',
          include: ['test/server-wide/**/*.test.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});

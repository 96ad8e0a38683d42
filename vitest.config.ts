import { defineConfig } from 'vitest/config';

/**
 * Three projects. `npm test` runs `main` (files in parallel; the MariaDB-backed ones share one server, each
 * with its own schema) beside `aws` (AWS mode against one moto_server, each file in its own region), then
 * `server-wide` (tests that touch the whole server — a
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
          exclude: ['test/server-wide/**', 'test/aws/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'aws',
          include: ['test/aws/**/*.test.ts'],
          globalSetup: ['test/aws/moto-global-setup.ts'],
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

import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Tests import workspace libraries from source, so no build is needed between an edit and a test.
const alias = Object.fromEntries(
  ['protocol', 'identity', 'sdk', 'rtc', 'testkit', 'tracker', 'turn'].map((name) => [
    `@shoal/${name}`,
    fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url)),
  ]),
);

// NestJS's dependency injection reads decorator metadata, which esbuild does not emit: SWC does.
const swcPlugin = () =>
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
  });

const project = (name: string, dir: string, extra: { testTimeout?: number; include?: string[] } = {}) => ({
  plugins: [swcPlugin()],
  resolve: { alias },
  test: {
    name,
    root: fileURLToPath(new URL(`./${dir}`, import.meta.url)),
    include: extra.include ?? ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    environment: 'node',
    testTimeout: extra.testTimeout ?? 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  test: {
    reporters: ['default', './scripts/vitest-summary-reporter.mjs'],
    projects: [
      project('protocol', 'libs/protocol'),
      project('identity', 'libs/identity'),
      project('sdk', 'libs/sdk'),
      project('testkit', 'libs/testkit'),
      project('tracker', 'libs/tracker', { testTimeout: 60_000 }),
      project('turn', 'libs/turn', { testTimeout: 60_000 }),
      project('rtc', 'libs/rtc', { testTimeout: 60_000 }),
      project('coordinator', 'apps/coordinator', { testTimeout: 60_000 }),
      project('peer', 'apps/peer', { testTimeout: 120_000 }),
      project('e2e', 'tests', { testTimeout: 300_000, include: ['**/*.spec.ts'] }),
    ],
  },
});

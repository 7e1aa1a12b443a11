import type { BuildOptions } from 'esbuild';

export type BrowserBundleName = 'esm' | 'esm-presence' | 'esm-user' | 'esm-adapters' | 'iife' | 'http' | 'full';
export const BROWSER_BUNDLES: Record<
  BrowserBundleName,
  { entry: string; format: 'esm' | 'iife'; file: string; split?: boolean; namesOf?: BrowserBundleName }
>;
/** esbuild options of one browser bundle, built in memory (outputs named as under `dist/`). */
export function browserBuildOptions(
  name: BrowserBundleName,
  mangleCache?: Record<string, string | false>,
): BuildOptions;
/** Builds one bundle in memory: its files (entry first), paths relative to `dist/`. Throws if one carries zod. */
export function buildBrowserBundle(name: BrowserBundleName): Promise<Array<{ path: string; text: string }>>;
/** Throws when a bundle carries zod. */
export function assertNoZod(code: string, label: string): void;
export const packageDir: string;

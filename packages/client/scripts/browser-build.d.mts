import type { BuildOptions } from 'esbuild';

export type BrowserBundleName = 'esm' | 'iife' | 'http' | 'full';
export const BROWSER_BUNDLES: Record<BrowserBundleName, { entry: string; format: 'esm' | 'iife'; file: string }>;
/** esbuild options of one browser bundle; written under `dist/` when `write`, else kept in memory. */
export function browserBuildOptions(name: BrowserBundleName, options?: { write?: boolean }): BuildOptions;
/** Builds one bundle in memory: its files (entry first), paths relative to `dist/`. Throws if one carries zod. */
export function buildBrowserBundle(name: BrowserBundleName): Promise<Array<{ path: string; text: string }>>;
/** Throws when a bundle carries zod. */
export function assertNoZod(code: string, label: string): void;
export const packageDir: string;

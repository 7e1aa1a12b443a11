import type { BuildOptions } from 'esbuild';

/** esbuild options of the browser bundle: `esm` or `iife` (global `Inloop`); in memory when no outfile. */
export function browserBuildOptions(format: 'esm' | 'iife', outfile?: string): BuildOptions & { write?: boolean };
/** Throws when a bundle carries zod. */
export function assertNoZod(code: string, label: string): void;
export const packageDir: string;

import { ProviderMissingError } from '../errors.js';

export type ModuleImporter = (specifier: string) => Promise<unknown>;

const defaultImporter: ModuleImporter = (specifier) => import(specifier);

function isModuleMissing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // A missing dependency *of* the provider is a broken install, not a missing provider.
  const message = error instanceof Error ? error.message : '';
  return message.includes(`'${specifier}'`) || message.includes(`"${specifier}"`);
}

/**
 * Imports an optional peer dependency (a provider library) when its transport is first used.
 * A missing package becomes a ProviderMissingError naming what to install.
 */
export async function loadProvider<T>(
  specifier: string,
  transport: string,
  importer: ModuleImporter = defaultImporter,
): Promise<T> {
  try {
    const loaded = (await importer(specifier)) as { default?: unknown };
    return (loaded.default ?? loaded) as T;
  } catch (error) {
    if (isModuleMissing(error, specifier)) throw new ProviderMissingError(specifier, transport, error);
    throw error;
  }
}

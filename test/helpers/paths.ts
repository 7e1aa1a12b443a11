import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const demoDir = join(repoRoot, 'examples', 'progress-demo');
export const artifactsDir = join(repoRoot, 'test-artifacts');

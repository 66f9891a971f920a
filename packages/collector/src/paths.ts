import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The collector package's root folder, found by walking up to its package.json, so paths
 * hold from src/ (tests), dist/ and dist/chunks/ alike.
 */
export function packageRoot(from = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === '@trackway/collector') return dir
  }
  throw new Error('cannot find the @trackway/collector package root')
}

/** The dashboard's static files. */
export const dashboardDir = () => join(packageRoot(), 'dashboard')
/** The demo shop of the repository (examples/shop). */
export const demoShopDir = () => join(packageRoot(), '..', '..', 'examples', 'shop')

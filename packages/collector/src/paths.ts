import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
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

/**
 * The built dashboard (@trackway/dashboard's dist/, found through its `./index.html` export like
 * the SDK bundle), or null when it is not built yet (`npm run build`).
 */
export function dashboardDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('@trackway/dashboard/index.html'))
  } catch {
    return null
  }
}
/** The demo shop of the repository (examples/shop). */
export const demoShopDir = () => join(packageRoot(), '..', '..', 'examples', 'shop')

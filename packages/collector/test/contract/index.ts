import { describe } from 'vitest'
import { derivationContract } from './derivation.js'
import { logAndCatalogContract } from './log-and-catalog.js'
import { reportsContract } from './reports.js'
import { privacyContract } from './privacy.js'
import type { OpenStore } from './fixture.js'

export type { OpenStore, OpenedStore } from './fixture.js'

/**
 * The one contract every store adapter passes, unchanged, on the same data (STYLE §13): its event
 * log and catalog, its derivation of persons and sessions, and every report against the pure
 * definitions of src/core.
 */
export function storeContract(adapter: string, open: OpenStore): void {
  describe(`store contract: ${adapter}`, () => {
    logAndCatalogContract(open)
    derivationContract(open)
    reportsContract(open)
    privacyContract(open)
  })
}

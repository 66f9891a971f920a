import type { Store } from '../../src/store/store.js'

/** A fresh, empty, initialised store of one adapter, and how to dispose of it. */
export interface OpenedStore {
  store: Store
  close(): Promise<void>
}

/** How the contract suite gets stores: each call opens a new, empty one (its own file or database). */
export type OpenStore = () => Promise<OpenedStore>

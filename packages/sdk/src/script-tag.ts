/**
 * The script-tag bundle (`/sdk.js`, IIFE): reads `init` options from the `data-*` attributes of
 * its own <script>, replays the calls the stub queued in `window.trackway.q`, then replaces the
 * stub with `trackway(method, ...args)`. `window.trackway` is the only global it defines.
 *
 *   <script>window.trackway=window.trackway||function(){(trackway.q=trackway.q||[]).push(arguments)}</script>
 *   <script defer src="https://collect.example.com/sdk.js" data-site="shop"></script>
 */
import type { Options } from './options.js'
import type { Tracker } from './api.js'
import { createTracker } from './tracker.js'

type Stub = ((method: string, ...args: unknown[]) => unknown) & { q?: Iterable<unknown>[] }
const w = window as unknown as { trackway?: Stub }
let api: Tracker | undefined
try {
  // A classic <script> (defer/async included) is `currentScript` while it runs; without one (the
  // bundle run as a module) the TypeError below is reported like a missing `data-site`.
  const script = document.currentScript as HTMLScriptElement
  const data = script.dataset
  /**
   * `data-*` attribute → option: `""`/`"true"` → true, `"false"` → false, anything else stays a
   * string (numeric options are made numbers by the option validation's clamping), and
   * `data-ignore-hosts` is comma-separated; `data-endpoint` defaults to the origin of the script's
   * `src`. Unknown attributes are ignored by the option validation.
   */
  const options: Record<string, unknown> = {}
  for (const k in data) {
    const v = data[k]!
    options[k] = v == '' || v == 'true' || (v != 'false' && v)
  }
  if (data.ignoreHosts) options.ignoreHosts = data.ignoreHosts.split(',')
  options.endpoint ||= new URL(script.src).origin
  api = createTracker(options as unknown as Options)
} catch (e) {
  console.error(e)
}

const trackway: Stub = (method, ...args) => (api as any)?.[method]?.(...args)
// Each queued call is the stub's `arguments` object, which is iterable.
for (const call of w.trackway?.q ?? []) trackway(...(call as [string]))
w.trackway = trackway

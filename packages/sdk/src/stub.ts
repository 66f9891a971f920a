/**
 * The stub snippet of SPEC §8, pasted into a page before the script tag: it makes `trackway(...)`
 * callable at once and queues the calls in `trackway.q` until `/sdk.js` replays them in order.
 * The one copy of its text: the size test (≤ 200 B), the README check and the browser tests read it
 * from here. Not imported by the bundles.
 */
export const STUB_SNIPPET =
  '<script>window.trackway=window.trackway||function(){(trackway.q=trackway.q||[]).push(arguments)}</script>'

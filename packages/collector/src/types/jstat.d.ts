// The part of jstat (MIT, CommonJS, no bundled types) the experiment statistics use. Node's ESM
// loader sees a CommonJS module's exports only as its default export.
declare module 'jstat' {
  const jstat: {
    jStat: {
      normal: { cdf(x: number, mean: number, sd: number): number }
      chisquare: { cdf(x: number, dof: number): number }
    }
  }
  export default jstat
}

/**
 * Order statistics in expected linear time (Hoare's selection). Medians are taken per lead and per sample of every
 * median beat, so sorting there cost more than the rest of the analysis.
 */

/** The k-th smallest of buf[lo..hi] (inclusive); rearranges buf in place. */
export function selectInPlace(buf: Float32Array | Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const pivot = buf[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i] < pivot) i++;
      while (buf[j] > pivot) j--;
      if (i <= j) {
        const t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return buf[k];
  }
  return buf[k];
}

/** Median of the first n values of buf (rearranged in place): insertion sort for a few values, selection beyond. */
export function medianInPlace(buf: Float32Array | Float64Array, n: number): number {
  if (n <= 0) return Number.NaN;
  const h = n >> 1;
  if (n <= 12) {
    for (let i = 1; i < n; i++) {
      const v = buf[i];
      let j = i - 1;
      while (j >= 0 && buf[j] > v) {
        buf[j + 1] = buf[j];
        j--;
      }
      buf[j + 1] = v;
    }
    return n & 1 ? buf[h] : 0.5 * (buf[h - 1] + buf[h]);
  }
  const upper = selectInPlace(buf, 0, n - 1, h);
  if (n & 1) return upper;
  // The lower middle value is the largest of the part below h after the selection.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < h; i++) if (buf[i] > lower) lower = buf[i];
  return 0.5 * (lower + upper);
}

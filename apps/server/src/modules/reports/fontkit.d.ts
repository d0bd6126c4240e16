// fontkit (MIT, a dependency of pdfkit) ships no types; the report PDF only needs create().
declare module 'fontkit' {
  export function create(buffer: Uint8Array, postscriptName?: string): unknown;
}
